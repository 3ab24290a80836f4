"""The people log: changes to a person (created, roles, manager, holiday cover) as events.

Each person has a hash-chained stream of their own, `person:<id>`, so an admin's change or a
substitute named for a holiday is recorded with who made it and when, like any step of a
request, and checkpoints cover it like every other stream.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ._events import NewEvent, append_events
from ._models import Event

# People's streams belong to no process version; their events carry this in its place.
NO_VERSION = "0" * 64


def person_stream(user_id: int) -> str:
    """The name of a person's stream."""
    return f"person:{user_id}"


def append_person_events(session: Session, user_id: int, events: list[NewEvent],
                         now: datetime) -> None:
    """Append events about one person to their stream, within the caller's transaction."""
    append_events(session, person_stream(user_id), events, NO_VERSION, now)


def person_events(session: Session, user_id: int) -> list[Event]:
    """A person's events, oldest first."""
    return list(session.scalars(
        select(Event).where(Event.stream == person_stream(user_id)).order_by(Event.seq)).all())
