"""Mail: the delivery port that turns outbox messages into mail, and the senders behind it
(SMTP with the standard library, the demo's kept mailbox, the log). No Flask."""

from ._delivery import MailDelivery
from ._digest import DailyDigest, DigestReport
from ._senders import (
    TLS_MODES,
    KeptMail,
    LogSender,
    MailMessage,
    MailSender,
    SmtpSender,
    SmtpSettings,
)
from ._words import KERNEL_MAIL_WORDS, KERNEL_TITLE_WORDS, MailWords, Template

__all__ = [
    "KERNEL_MAIL_WORDS",
    "KERNEL_TITLE_WORDS",
    "TLS_MODES",
    "DailyDigest",
    "DigestReport",
    "KeptMail",
    "LogSender",
    "MailDelivery",
    "MailMessage",
    "MailSender",
    "MailWords",
    "SmtpSender",
    "SmtpSettings",
    "Template",
]
