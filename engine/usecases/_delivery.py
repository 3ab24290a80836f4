"""Delivering the outbox: each pending message handed to the delivery port once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.store import OutboxMessage, claim_pending

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


class Outbox:
    """Claims pending messages and hands them to a delivery port."""

    def __init__(self, uow, clock, max_attempts: int = 5):
        self.uow = uow
        self.clock = clock
        self.max_attempts = max_attempts

    def deliver_pending(self, port: DeliveryPort, worker: str,
                        limit: int = 100) -> DeliveryReport:
        """Deliver up to `limit` messages, oldest first; a failing one is retried later."""
        delivered = failed = 0
        # Claim, deliver and mark in one write: no other worker can take the same rows.
        with self.uow.write() as session:
            for row in claim_pending(session, limit, self.max_attempts):
                row.attempts += 1
                try:
                    port.deliver(_message(row))
                except Exception as error:
                    logger.exception("delivering message %s failed (attempt %s)",
                                     row.id, row.attempts)
                    row.last_error = f"{type(error).__name__}: {error}"[:2000]
                    failed += 1
                else:
                    row.delivered_at, row.delivered_by = self.clock.now(), worker
                    delivered += 1
        return DeliveryReport(delivered, failed)


def _message(row: OutboxMessage) -> Notice:
    return Notice(row.id, row.instance_id, row.kind, row.user_id, row.role,
                   dict(row.params), row.created_at)
