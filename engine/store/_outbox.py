"""The outbox: messages written with the step that caused them, claimed once for delivery.

A request handler never sends anything. A step that must tell someone adds rows here inside its
own write transaction, so there is no step without its messages and no message without its step.
The worker leases pending rows in a short write (SQLite serializes those; PostgreSQL skips rows
another worker holds), sends outside any transaction, and marks each delivered in a second short
write that checks the lease is still its own: two workers never deliver the same row. A lease
older than the lease timeout (its worker crashed) may be taken again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
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


def lease_pending(session: Session, worker: str, now: datetime, limit: int, max_attempts: int,
                  lease: timedelta) -> list[OutboxMessage]:
    """Lease up to `limit` due rows, oldest first, to `worker`, counting the attempt."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None),
                    OutboxMessage.skipped_at.is_(None),
                    OutboxMessage.attempts < max_attempts,
                    or_(OutboxMessage.next_attempt_at.is_(None),
                        OutboxMessage.next_attempt_at <= now),
                    or_(OutboxMessage.claimed_at.is_(None),
                        OutboxMessage.claimed_at <= now - lease))
             .order_by(OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query).all())
    for row in rows:
        row.claimed_at, row.claimed_by, row.attempts = now, worker, row.attempts + 1
    return rows


def finish_leased(session: Session, message_id: int, worker: str, claimed_at: datetime,
                  **values: Any) -> bool:
    """Set `values` on a leased row and release it, if the lease is still `worker`'s."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker,
               OutboxMessage.claimed_at == claimed_at, OutboxMessage.delivered_at.is_(None))
        .values(claimed_at=None, claimed_by=None, **values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1
