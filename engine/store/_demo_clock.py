"""The demo clock: real time plus an offset kept in the database, so every process agrees.

Only the demo turns it on (KONTOFLODE_DEMO_CLOCK). The offset lives in one row of its own table,
so the web processes and the timer worker all run at the same demo time; each process keeps
what it read for about a second, so asking the time costs a query at most once a second, and a
step still asks once. The offset only grows: each move adds to it in the database, and every
move is an event on the clock's own hash-chained stream (`demo-clock`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.clock import Clock

from ._events import NewEvent, append_events
from ._models import DemoClockOffset, Event
from ._people_log import NO_VERSION

DEMO_CLOCK_STREAM = "demo-clock"
DEMO_CLOCK_MOVED = "demo_clock_moved"
CACHE_SECONDS = 1.0  # how long a process trusts the offset it read
_ROW = 1  # the table has this one row


def read_offset(session: Session) -> timedelta:
    """The offset stored now (none yet: zero)."""
    seconds = session.scalar(select(DemoClockOffset.offset_seconds)
                             .where(DemoClockOffset.id == _ROW))
    return timedelta(seconds=seconds or 0)


def add_offset(session: Session, delta: timedelta, real_now: datetime) -> timedelta:
    """Add a positive delta to the stored offset (locking its row) and return the new offset."""
    if delta <= timedelta(0):
        raise ValueError("the demo clock only moves forward")
    seconds = int(delta.total_seconds())
    # One UPDATE adds to what is stored, so two admins moving at once both count, in order.
    moved = session.execute(
        update(DemoClockOffset).where(DemoClockOffset.id == _ROW)
        .values(offset_seconds=DemoClockOffset.offset_seconds + seconds, moved_at=real_now)
        .execution_options(synchronize_session=False))
    if moved.rowcount == 0:  # the first move: the row does not exist yet
        session.add(DemoClockOffset(id=_ROW, offset_seconds=seconds, moved_at=real_now))
        session.flush()
    return read_offset(session)


def record_move(session: Session, actor_id: int, payload: dict, now: datetime) -> None:
    """Append a move of the clock to its stream, within the caller's transaction."""
    append_events(session, DEMO_CLOCK_STREAM, [NewEvent(DEMO_CLOCK_MOVED, payload,
                                                        actor_id=actor_id)], NO_VERSION, now)


def clock_moves(session: Session) -> list[Event]:
    """Every recorded move of the clock, oldest first."""
    return list(session.scalars(select(Event).where(Event.stream == DEMO_CLOCK_STREAM)
                                .order_by(Event.seq)))


class DemoClock:
    """A clock `offset` ahead of a base clock (the real one), the offset read from the database."""

    def __init__(self, uow, base: Clock, cache_seconds: float = CACHE_SECONDS,
                 ticks: Callable[[], float] = time.monotonic):
        self.uow = uow
        self.base = base
        self.cache_seconds = cache_seconds
        self._ticks = ticks  # real elapsed time, whatever the base clock says
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._read_at: float | None = None

    def now(self) -> datetime:
        """The demo's time: the base clock's plus the offset."""
        return self.base.now() + self.offset()

    def offset(self) -> timedelta:
        """How far ahead the demo runs, read again when the last read is over a second old."""
        with self._lock:
            if self._read_at is None or self._ticks() - self._read_at >= self.cache_seconds:
                with self.uow.read() as session:
                    stored = read_offset(session)
                # Never back within a process, even if someone lowered the row behind our back.
                self._offset = max(self._offset, stored)
                self._read_at = self._ticks()
            return self._offset

    def moved_to(self, offset: timedelta) -> None:
        """Take a move made by this process at once (others see it within a second)."""
        with self._lock:
            self._offset = max(self._offset, offset)
            self._read_at = self._ticks()


def add_offset_retrying(uow, delta: timedelta, real_now: datetime,
                        then: Callable[[Session, timedelta], None]) -> timedelta:
    """Add to the offset and run `then` in the same transaction; a lost first-row race retries.

    Two first moves at once may both try to insert the row; the loser tries again, and then
    its UPDATE finds the row.
    """
    for attempt in (1, 2):
        try:
            with uow.write() as session:
                offset = add_offset(session, delta, real_now)
                then(session, offset)
                return offset
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
