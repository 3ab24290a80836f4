"""Holiday cover: name a substitute for a date range, end it early, list a person's periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.store import CoverPeriod, NewEvent, User, append_person_events, local_day

from ._access import ADMIN_ROLES
from ._directory import load_user

MAX_DAYS = 366


@dataclass(frozen=True)
class CoverView:
    """One cover period as pages show it."""

    id: int
    user_id: int
    user_name: str
    substitute_id: int
    substitute_name: str
    starts_on: date
    ends_on: date
    ended_at: datetime | None


def _may_change(session: Session, actor_id: int, user_id: int) -> None:
    actor = load_user(session, actor_id)
    if actor.id != user_id and not actor.roles & ADMIN_ROLES:
        raise NotAllowed("cover.not_yours")


def _open_overlapping(session: Session, column, person: int, start: date, end: date):
    return session.scalar(select(CoverPeriod).where(
        column == person, CoverPeriod.ended_at.is_(None),
        CoverPeriod.starts_on <= end, CoverPeriod.ends_on >= start).limit(1))


class CoverCommands:
    """Set, end and list holiday cover; each change an event on the covered person's stream."""

    def __init__(self, uow, clock):
        self.uow, self.clock = uow, clock

    def set_cover(self, actor_id: int, user_id: int, substitute_username: str,
                  starts_on: date, ends_on: date) -> int:
        """Name a substitute for `user_id` from `starts_on` to `ends_on` (inclusive)."""
        now = self.clock.now()
        with self.uow.write() as session:
            _may_change(session, actor_id, user_id)
            person = load_user(session, user_id)
            name = (substitute_username or "").strip()
            sub = session.scalar(select(User).where(User.username == name))
            if sub is None:
                raise NotFound("user.not_found", username=name)
            if sub.id == person.id:
                raise InvalidInput("cover.self")
            if not sub.active:
                raise InvalidInput("cover.substitute_inactive", username=sub.username)
            if ends_on < starts_on:
                raise InvalidInput("cover.bad_range")
            if (ends_on - starts_on).days + 1 > MAX_DAYS:
                raise InvalidInput("cover.too_long", limit=MAX_DAYS)
            if ends_on < local_day(now):
                raise InvalidInput("cover.already_over")
            clash = _open_overlapping(session, CoverPeriod.user_id, person.id, starts_on, ends_on)
            if clash is not None:
                raise InvalidInput("cover.overlap", start=clash.starts_on.isoformat(),
                                   end=clash.ends_on.isoformat())
            # No chains: the substitute is not away then, and the person covers nobody then.
            if (_open_overlapping(session, CoverPeriod.user_id, sub.id, starts_on, ends_on)
                    is not None):
                raise InvalidInput("cover.substitute_away", username=sub.username)
            if (_open_overlapping(session, CoverPeriod.substitute_id, person.id, starts_on,
                                  ends_on) is not None):
                raise InvalidInput("cover.overlap", start=starts_on.isoformat(),
                                   end=ends_on.isoformat())
            period = CoverPeriod(user_id=person.id, substitute_id=sub.id, starts_on=starts_on,
                                 ends_on=ends_on, created_by=actor_id, created_at=now)
            session.add(period)
            session.flush()
            append_person_events(session, person.id, [NewEvent("cover_set", {
                "period": period.id, "substitute": sub.id, "from": starts_on.isoformat(),
                "to": ends_on.isoformat(), "by": actor_id}, actor_id=actor_id)], now)
            return period.id

    def end_cover(self, actor_id: int, period_id: int) -> None:
        """End (or cancel, if not begun) a cover period now."""
        now = self.clock.now()
        with self.uow.write() as session:
            period = session.get(CoverPeriod, period_id)
            if period is None:
                raise NotFound("cover.not_found")
            _may_change(session, actor_id, period.user_id)
            if period.ended_at is not None or period.ends_on < local_day(now):
                raise InvalidInput("cover.already_over")
            period.ended_at = now
            append_person_events(session, period.user_id, [NewEvent("cover_ended", {
                "period": period.id, "substitute": period.substitute_id, "by": actor_id},
                actor_id=actor_id)], now)

    def periods(self, actor_id: int, user_id: int) -> list[CoverView]:
        """A person's cover periods, both as the covered and as the substitute, newest first."""
        with self.uow.read() as session:
            _may_change(session, actor_id, user_id)
            rows = session.scalars(select(CoverPeriod).where(or_(
                CoverPeriod.user_id == user_id, CoverPeriod.substitute_id == user_id))
                .order_by(CoverPeriod.starts_on.desc(), CoverPeriod.id.desc())).all()
            names = dict(session.execute(select(User.id, User.name).where(User.id.in_(
                {r.user_id for r in rows} | {r.substitute_id for r in rows}))).all())
            return [CoverView(r.id, r.user_id, names[r.user_id], r.substitute_id,
                              names[r.substitute_id], r.starts_on, r.ends_on, r.ended_at)
                    for r in rows]
