"""Rehearsing in the demo: an admin moves the demo's clock forward, on the record.

Only when the demo turned the clock on (settings.demo_clock); otherwise there is no clock to
move and every command is refused as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.errors import InvalidForm, Message, NotAllowed, NotFound
from engine.store import (
    DemoClock,
    User,
    add_offset_retrying,
    clock_moves,
    read_offset,
    record_move,
)

from ._directory import load_user
from ._people_admin import may_administer

MIN_DAYS, MAX_DAYS = 1, 800  # one move: a day at least, a little over two years at most
MAX_REASON = 500
# The validation codes of the move form, with their parameters (the form's own are reused).
DEMO_CLOCK_CODES: dict[str, tuple[str, ...]] = {
    "demo_clock.not_forward": ("min",),  # zero or negative: the clock only moves forward
    "demo_clock.too_far": ("max",),  # more days than one move may take
}


@dataclass(frozen=True)
class ClockMove:
    """One recorded move: who, when (demo and real time), by how much and why."""

    seq: int
    by: str
    at: datetime  # the demo's time when it was moved
    real_time: datetime
    days: int
    reason: str


@dataclass(frozen=True)
class DemoClockView:
    """The demo clock as an admin sees it."""

    now: datetime
    offset: timedelta
    recorded: timedelta  # what the recorded moves add up to: the offset, unless altered
    moves: list[ClockMove]

    @property
    def days_ahead(self) -> int:
        """Whole days the demo runs ahead of real time."""
        return self.offset.days


class DemoClockCommands:
    """Read and move the demo clock: admins only, and only when the demo turned it on."""

    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock
        self.enabled = isinstance(clock, DemoClock)

    def ahead(self) -> timedelta | None:
        """How far ahead the demo runs (cached, for a banner on every page); None when off."""
        return self.clock.offset() if self.enabled else None

    def state(self, actor_id: int) -> DemoClockView:
        """The demo's time, its offset and every recorded move."""
        self._refuse_unless_on()
        with self.uow.read() as session:
            _admin(session, actor_id)
            return self._view(session)

    def move(self, actor_id: int, days: Any, reason: Any) -> DemoClockView:
        """Move the clock forward by whole days, with a reason; recorded on its stream."""
        self._refuse_unless_on()
        with self.uow.read() as session:
            _admin(session, actor_id)
        count, why = _checked(days, reason)
        at = self.clock.now()  # the demo's time when the admin moved it
        real = self.clock.base.now()

        def record(session, offset: timedelta) -> None:
            _admin(session, actor_id)
            record_move(session, actor_id, {
                "days": count, "reason": why, "offset_days": offset.days,
                "real_time": real.isoformat()}, at)

        offset = add_offset_retrying(self.uow, timedelta(days=count), real, record)
        self.clock.moved_to(offset)
        with self.uow.read() as session:
            return self._view(session)

    def _refuse_unless_on(self) -> None:
        if not self.enabled:
            raise NotFound("demo_clock.off")

    def _view(self, session) -> DemoClockView:
        events = clock_moves(session)
        names = dict(session.execute(select(User.id, User.name).where(
            User.id.in_({e.actor_id for e in events if e.actor_id is not None}))).all())
        moves = [ClockMove(e.seq, names.get(e.actor_id, ""), e.created_at,
                           _real_time(e.payload.get("real_time"), e.created_at),
                           int(e.payload.get("days", 0)), str(e.payload.get("reason", "")))
                 for e in events]
        stored = read_offset(session)
        self.clock.moved_to(stored)  # what is stored now, without waiting for the cache
        return DemoClockView(self.clock.now(), stored,
                             timedelta(days=sum(m.days for m in moves)), moves[::-1])


def _admin(session, actor_id: int) -> None:
    if not may_administer(load_user(session, actor_id)):
        raise NotAllowed("demo_clock.admins_only")


def _checked(days: Any, reason: Any) -> tuple[int, str]:
    """Whole days forward within the bounds and a reason, or InvalidForm naming each field."""
    problems: dict[str, list[Message]] = {}
    count = _whole(days)
    if count is None:
        problems["days"] = [Message("not_an_integer")]
    elif count < MIN_DAYS:
        problems["days"] = [Message("demo_clock.not_forward", {"min": MIN_DAYS})]
    elif count > MAX_DAYS:
        problems["days"] = [Message("demo_clock.too_far", {"max": MAX_DAYS})]
    why = " ".join(str(reason or "").split())
    if not why:
        problems["reason"] = [Message("required")]
    elif len(why) > MAX_REASON:
        problems["reason"] = [Message("too_long", {"max": MAX_REASON})]
    if problems:
        raise InvalidForm(problems)
    return count, why  # type: ignore[return-value]


def _whole(value: Any) -> int | None:
    """A whole number from an int or its text (a sign allowed), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit() or len(digits) > 9:
        return None
    return int(text)


def _real_time(text: Any, fallback: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return fallback
