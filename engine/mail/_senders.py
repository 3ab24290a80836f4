"""Mail senders: SMTP with the standard library, the demo's kept mailbox, or the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from engine.store import keep_mail

logger = logging.getLogger("kontoflode.mail")
TLS_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailMessage:
    """One plain-text mail to one address; `outbox_id` is the outbox row it comes from."""

    to: str
    subject: str
    body: str
    outbox_id: int = 0


class MailSender(Protocol):
    """Sends one mail; raising leaves it (and the rest of its outbox row) for a retry."""

    def send(self, mail: MailMessage) -> None:
        """Send one mail."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server."""

    host: str = "localhost"
    port: int = 25
    tls: str = "none"
    user: str | None = None
    password: str | None = None
    sender: str = "kontoflode@localhost"
    timeout: float = 30.0


class SmtpSender:
    """Sends each mail over its own SMTP connection (plain, STARTTLS or SSL)."""

    def __init__(self, settings: SmtpSettings):
        if settings.tls not in TLS_MODES:
            raise ValueError(f"KONTOFLODE_SMTP_TLS must be one of {TLS_MODES}, "
                             f"not {settings.tls!r}")
        self.settings = settings

    def send(self, mail: MailMessage) -> None:
        """Send one mail; any refusal or connection error raises."""
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.sender, mail.to, mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=s.sender.rpartition("@")[2] or None)
        message.set_content(mail.body)
        if s.tls == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.user:
                client.login(s.user, s.password or "")
            client.send_message(message)


class KeptMail:
    """The demo's sender: keeps each mail in the database for the admins' mailbox page."""

    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    def send(self, mail: MailMessage) -> None:
        """Keep the mail (once per outbox row and address)."""
        with self.uow.write() as session:
            keep_mail(session, mail.outbox_id, mail.to, mail.subject, mail.body,
                      self.clock.now())


class LogSender:
    """Sends nowhere: logs who would get which mail."""

    def send(self, mail: MailMessage) -> None:
        """Log the mail's recipient and subject."""
        logger.info("mail to %s: %s", mail.to, mail.subject)
