"""Corrections as the log records them: reassigned tasks, cancelled and withdrawn requests.

Nothing is corrected in place. An admin's correction is an event in the instance's chain; the
projections (inbox rows, status) follow from it, and whoever decides from the record reads it
back from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict

from ._events import NewEvent, append_events
from ._models import Event, Instance

TASK_REASSIGNED = "task_reassigned"
REQUEST_CANCELLED = "request_cancelled"
REQUEST_WITHDRAWN = "request_withdrawn"  # by the requester, before registration
ANSWER_CORRECTED = "answer_corrected"
# A request with one of these in its log has ended: nothing more is done or sent for it.
ENDING_KINDS = (REQUEST_CANCELLED, REQUEST_WITHDRAWN)
# The status each ending leaves a request in.
ENDED_STATUS = {REQUEST_CANCELLED: "cancelled", REQUEST_WITHDRAWN: "withdrawn"}
# Messages about the ending itself: delivered although their request has ended.
ENDING_NOTICES = frozenset({REQUEST_WITHDRAWN})
CORRECTION_KINDS = (TASK_REASSIGNED, REQUEST_CANCELLED, ANSWER_CORRECTED)


@dataclass(frozen=True)
class Corrections:
    """What an instance's log says about who holds its tasks and whether it has ended."""

    reassigned: dict[str, int] = field(default_factory=dict)  # task id -> the latest holder
    ended: str | None = None  # "cancelled" or "withdrawn" once the log ends the request


def corrections_of(session: Session, instance_id: str) -> Corrections:
    """Read an instance's reassignments and its ending from its log (one query)."""
    rows = session.execute(
        select(Event.kind, Event.task_id, Event.payload)
        .where(Event.stream == instance_id,
               Event.kind.in_((TASK_REASSIGNED, *ENDING_KINDS)))
        .order_by(Event.seq)
    ).all()
    reassigned = {row.task_id: row.payload["to"] for row in rows if row.kind == TASK_REASSIGNED}
    ended = next((ENDED_STATUS[row.kind] for row in rows if row.kind in ENDED_STATUS), None)
    return Corrections(reassigned, ended)


def ended_requests(session: Session, instance_ids: set[str]) -> set[str]:
    """Which of these requests were cancelled or withdrawn, read from their logs (one query)."""
    if not instance_ids:
        return set()
    return set(session.scalars(select(Event.stream).distinct().where(
        Event.stream.in_(instance_ids), Event.kind.in_(ENDING_KINDS))).all())


def write_correction(session: Session, instance: Instance, events: list[NewEvent],
                     version_hash: str, now: datetime, **values) -> None:
    """Append a correction's events and update the instance, if nobody wrote it meanwhile.

    Checked against the version counter like every step, so a correction and a completion
    racing for one request cannot both be written.
    """
    instances = Instance.__table__
    result = session.execute(
        instances.update()
        .where(instances.c.id == instance.id, instances.c.lock_version == instance.lock_version)
        .values(updated_at=now, lock_version=instance.lock_version + 1, **values)
    )
    if result.rowcount != 1:
        raise Conflict("instance.changed")
    append_events(session, instance.id, events, version_hash, now, instance_id=instance.id)
    session.flush()
