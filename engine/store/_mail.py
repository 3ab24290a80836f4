"""Mail kept and mail sent: the demo's mailbox, and who of an outbox row's recipients has it.

One outbox row may go to several people (everyone with a role). Each recipient that got the
mail is recorded under (outbox_id, address), so a retry after a partial success sends only to
the others.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ._models import Base, Instance, User, UserRole


class KeptMail(Base):
    """A mail kept instead of sent (the demo's mailbox), one per outbox row and recipient."""

    __tablename__ = "kept_mails"
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("outbox_id", "to_address", name="uq_kept_mails_once"),
                      Index("ix_kept_mails_created", "created_at", "id"))


class SentMail(Base):
    """One recipient of one outbox row who has the mail (sent, kept or logged)."""

    __tablename__ = "sent_mails"
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), primary_key=True)
    sent_at: Mapped[datetime]


def keep_mail(session: Session, outbox_id: int, to_address: str, subject: str, body: str,
              now: datetime) -> None:
    """Keep a mail in the caller's transaction, unless that recipient's copy is there."""
    if session.scalar(select(KeptMail.id).where(
            KeptMail.outbox_id == outbox_id, KeptMail.to_address == to_address)) is None:
        session.add(KeptMail(outbox_id=outbox_id, to_address=to_address, subject=subject[:300],
                             body=body, created_at=now))


def sent_addresses(session: Session, outbox_id: int) -> set[str]:
    """The addresses that already have the mail of an outbox row."""
    return set(session.scalars(select(SentMail.to_address)
                               .where(SentMail.outbox_id == outbox_id)))


def record_sent(session: Session, outbox_id: int, to_address: str, now: datetime) -> None:
    """Record that an address has the mail of an outbox row."""
    if session.get(SentMail, (outbox_id, to_address)) is None:
        session.add(SentMail(outbox_id=outbox_id, to_address=to_address, sent_at=now))


def kept_page(session: Session, page: int, size: int) -> tuple[list[KeptMail], int]:
    """One page of kept mails, newest first, and how many there are in all."""
    total = session.scalar(select(func.count(KeptMail.id))) or 0
    rows = session.scalars(select(KeptMail).order_by(KeptMail.created_at.desc(),
                                                      KeptMail.id.desc())
                           .limit(size).offset((page - 1) * size)).all()
    return list(rows), total


def active_person(session: Session, user_id: int | None) -> User | None:
    """The person, if they may be told anything (active, with an address)."""
    user = session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.active and (user.email or "").strip() else None


def role_holders(session: Session, role: str) -> list[User]:
    """Every active holder of a role that has an address, by id."""
    return list(session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active.is_(True), User.email != "")
        .order_by(User.id)))


def requester_of(session: Session, instance_id: str) -> int | None:
    """Who started a request (never told by role about their own request)."""
    return session.scalar(select(Instance.started_by).where(Instance.id == instance_id))
