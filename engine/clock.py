"""Injected time: the engine, SpiffWorkflow's timers, tests and replays all ask one clock."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class Clock(Protocol):
    """Something that tells the time (always timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to: for tests, benchmarks and replays."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._now = self._now + delta

    def set(self, moment: datetime) -> None:
        """Put the clock at a moment."""
        self._now = moment


_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("clock", default=None)


class _ClockedDatetime(datetime):
    """datetime whose now() asks the clock in force, so SpiffWorkflow timers follow our clock."""

    @classmethod
    def now(cls, tz=None):
        clock = _current.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


# SpiffWorkflow's timer module reads time through its module-level name `datetime` and has no
# clock parameter. Rebinding that one name (not the global datetime) lets each thread or task
# choose its clock through a context variable, with the real time when none is set.
_spiff_timer.datetime = _ClockedDatetime


@contextmanager
def clock_in_force(clock: Clock) -> Iterator[None]:
    """Make SpiffWorkflow's timers read `clock` within the block (per thread / task)."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
