"""Delivering the outbox: each pending message handed to the delivery port once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from engine.store import (
    ENDING_NOTICES,
    OutboxMessage,
    ended_requests,
    finish_leased,
    lease_pending,
    stale_reminders,
)

logger = logging.getLogger("kontoflode.outbox")


@dataclass(frozen=True)
class Notice:
    """One message to deliver: its kind, its recipient (a person or a role) and its data."""

    id: int
    instance_id: str
    kind: str
    user_id: int | None
    role: str | None
    params: dict[str, Any]
    created_at: datetime


class DeliveryPort(Protocol):
    """Where messages go (email in its own issue); raising leaves the message for a retry."""

    def deliver(self, message: Notice) -> None:
        """Deliver one message."""


class RecordingDelivery:
    """Delivers nowhere yet: the outbox row's delivered_at and delivered_by are the record."""

    def deliver(self, message: Notice) -> None:
        """Log the message."""
        logger.info("message %s %s for %s", message.id, message.kind,
                    f"user {message.user_id}" if message.user_id else f"role {message.role}")


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    delivered: int
    failed: int


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


class Outbox:
    """Leases pending messages, hands them to a delivery port outside any transaction."""

    def __init__(self, uow, clock, max_attempts: int = 5,
                 lease: timedelta = timedelta(minutes=10)):
        self.uow = uow
        self.clock = clock
        self.max_attempts = max_attempts
        self.lease = lease

    def deliver_pending(self, port: DeliveryPort, worker: str,
                        limit: int = 100) -> DeliveryReport:
        """Deliver up to `limit` due messages, oldest first; a failing one waits and retries."""
        delivered = failed = 0
        now = self.clock.now()
        with self.uow.write() as session:  # short write: lease the rows
            rows = lease_pending(session, worker, now, limit, self.max_attempts, self.lease)
            ended = ended_requests(session, {row.instance_id for row in rows})
            # A message about the ending itself still goes out; the others are moot now,
            # and so is a reminder of a task done before it was delivered.
            stale = stale_reminders(session, rows)
            leased = [(_message(row), row.claimed_at, row.attempts,
                       (row.instance_id in ended and row.kind not in ENDING_NOTICES)
                       or row.id in stale)
                      for row in rows]
        for message, claimed_at, attempts, ended in leased:
            if ended:
                with self.uow.write() as session:
                    finish_leased(session, message.id, worker, claimed_at,
                                  skipped_at=self.clock.now())
                continue
            try:
                port.deliver(message)  # outside any transaction
            except Exception as error:
                logger.exception("delivering message %s failed (attempt %s)",
                                 message.id, attempts)
                at = self.clock.now()
                given_up = at if attempts >= self.max_attempts else None
                with self.uow.write() as session:
                    finish_leased(session, message.id, worker, claimed_at,
                                  last_error=f"{type(error).__name__}: {error}"[:2000],
                                  next_attempt_at=at + backoff(attempts), failed_at=given_up)
                failed += 1
            else:
                with self.uow.write() as session:
                    if finish_leased(session, message.id, worker, claimed_at,
                                     delivered_at=self.clock.now(), delivered_by=worker):
                        delivered += 1
        return DeliveryReport(delivered, failed)


def _message(row: OutboxMessage) -> Notice:
    return Notice(row.id, row.instance_id, row.kind, row.user_id, row.role,
                   dict(row.params), row.created_at)
