"""The outbox: messages written with the step that caused them, claimed once for delivery.

A request handler never sends anything. A step that must tell someone adds rows here inside its
own write transaction, so there is no step without its messages and no message without its step.
The worker claims pending rows in a write transaction (SQLite serializes those; PostgreSQL skips
rows another worker holds), hands each to the delivery port, and marks it delivered before the
transaction commits: two workers never deliver the same row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ._models import OutboxMessage


@dataclass(frozen=True)
class NewMessage:
    """A message to write: its kind, to one person or to everyone with a role, and its data."""

    kind: str
    user_id: int | None = None
    role: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def append_messages(session: Session, instance_id: str, messages: list[NewMessage],
                    now: datetime) -> None:
    """Add messages to the caller's transaction."""
    session.add_all(OutboxMessage(
        instance_id=instance_id, kind=m.kind, user_id=m.user_id, role=m.role,
        params=m.params, created_at=now, attempts=0, last_error="") for m in messages)


def claim_pending(session: Session, limit: int, max_attempts: int) -> list[OutboxMessage]:
    """Lock up to `limit` undelivered rows, oldest first, that have attempts left."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.delivered_at.is_(None),
                    OutboxMessage.attempts < max_attempts)
             .order_by(OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query).all())
