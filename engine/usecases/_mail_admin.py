"""Admins' view of mail: the demo's kept mailbox, and deliveries that failed, with a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update

from engine.errors import NotFound
from engine.store import (
    NO_VERSION,
    KeptMail,
    NewEvent,
    OutboxMessage,
    User,
    append_events,
    kept_page,
)

from ._people_admin import _admin

MAIL_PAGE_SIZE = 25
OUTBOX_STREAM = "outbox"  # retries are recorded on a stream of their own


@dataclass(frozen=True)
class KeptMailView:
    """One kept mail."""

    id: int
    outbox_id: int
    to_address: str
    subject: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class MailPage:
    """A page of kept mails, newest first."""

    mails: list[KeptMailView]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class DeliveryRow:
    """An outbox row that failed, or is pending after errors."""

    id: int
    kind: str
    recipient: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    failed_at: datetime | None


class MailAdmin:
    """The admin pages' use cases on mail and deliveries."""

    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    def kept_mails(self, actor_id: int, page: int = 1) -> MailPage:
        """A page of the demo's mailbox, newest first."""
        with self.uow.read() as session:
            _admin(session, actor_id)
            _, total = kept_page(session, 1, 1)
            pages = max(1, -(-total // MAIL_PAGE_SIZE))
            page = min(max(1, page), pages)
            rows, total = kept_page(session, page, MAIL_PAGE_SIZE)
            return MailPage([_view(r) for r in rows], total, page, pages)

    def kept_mail(self, actor_id: int, mail_id: int) -> KeptMailView:
        """One kept mail."""
        with self.uow.read() as session:
            _admin(session, actor_id)
            row = session.get(KeptMail, mail_id)
            if row is None:
                raise NotFound("mail.not_found")
            return _view(row)

    def troubled(self, actor_id: int, limit: int = 200) -> list[DeliveryRow]:
        """Failed rows and pending rows with errors, newest first."""
        with self.uow.read() as session:
            _admin(session, actor_id)
            rows = session.execute(
                select(OutboxMessage, User.name).outerjoin(User, User.id == OutboxMessage.user_id)
                .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.skipped_at.is_(None),
                       or_(OutboxMessage.failed_at.is_not(None), OutboxMessage.attempts > 0))
                .order_by(OutboxMessage.id.desc()).limit(limit)).all()
            return [DeliveryRow(m.id, m.kind, name or (m.role or ""), m.attempts, m.last_error,
                                m.created_at, m.next_attempt_at, m.failed_at)
                    for m, name in rows]

    def retry(self, actor_id: int, message_id: int) -> None:
        """Let an undelivered row be tried again now, from its first attempt (recorded)."""
        now = self.clock.now()
        with self.uow.write() as session:
            admin = _admin(session, actor_id)
            done = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.delivered_at.is_(None))
                .values(failed_at=None, next_attempt_at=None, attempts=0)
                .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                raise NotFound("delivery.not_found")
            append_events(session, OUTBOX_STREAM, [NewEvent(
                "delivery_retried", {"outbox_id": message_id}, actor_id=admin.id)],
                NO_VERSION, now)


def _view(row: KeptMail) -> KeptMailView:
    return KeptMailView(row.id, row.outbox_id, row.to_address, row.subject, row.body,
                        row.created_at)
