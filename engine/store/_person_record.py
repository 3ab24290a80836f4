"""A person as their hash-chained stream says: roles, manager, active, and holiday cover.

The `users`, `user_roles` and `cover_periods` tables are projections, quick to query but easy to
edit with SQL. Decisions that give someone power over a request (acting in a role lane, approving
as the requester's manager, approving as a substitute) are checked against this fold of the
person's own stream too, so an edited row alone gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ._models import Event, User
from ._people_log import person_stream

_PERSON_KINDS = ("person_created", "person_changed", "cover_set", "cover_ended")


@dataclass
class PersonOnRecord:
    """What a person's stream says about them, folded from its events."""

    roles: frozenset[str] = frozenset()
    manager: str | None = None  # the manager's username
    active: bool = False
    covers: dict[int, tuple[int, date, date]] = field(default_factory=dict)  # period -> sub

    def covered_by_on(self, substitute_id: int, day: date) -> bool:
        """Whether the record names `substitute_id` as this person's substitute on `day`."""
        return any(sub == substitute_id and start <= day <= end
                   for sub, start, end in self.covers.values())


def person_on_record(session: Session, user_id: int) -> PersonOnRecord | None:
    """The fold of a person's stream, or None if it holds no `person_created`."""
    events = session.scalars(
        select(Event).where(Event.stream == person_stream(user_id), Event.kind.in_(_PERSON_KINDS))
        .order_by(Event.seq)).all()
    if not events or events[0].kind != "person_created":
        return None
    record = PersonOnRecord()
    for event in events:
        _apply(record, event.kind, event.payload)
    return record


def manager_on_record(session: Session, user_id: int) -> int | None:
    """The id of the manager a person's stream names last, if any."""
    record = person_on_record(session, user_id)
    if record is None or record.manager is None:
        return None
    return session.scalar(select(User.id).where(User.username == record.manager))


def _apply(record: PersonOnRecord, kind: str, payload: dict) -> None:
    if kind == "person_created":
        record.roles = frozenset(payload.get("roles") or ())
        record.manager = payload.get("manager")
        record.active = True
    elif kind == "person_changed":
        changes = payload.get("changes", {})
        if "roles" in changes:
            record.roles = frozenset(changes["roles"][1] or ())
        if "manager" in changes:
            record.manager = changes["manager"][1]
        if "active" in changes:
            record.active = bool(changes["active"][1])
    elif kind == "cover_set":
        record.covers[payload["period"]] = (payload["substitute"],
                                            date.fromisoformat(payload["from"]),
                                            date.fromisoformat(payload["to"]))
    elif kind == "cover_ended":
        record.covers.pop(payload.get("period"), None)
