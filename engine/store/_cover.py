"""Holiday cover: a person's substitute for a date range (inclusive), in the service's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Index, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ._models import Base, User

# The zone the service's days are counted in (the web shows times in the same zone).
LOCAL_TZ = ZoneInfo("Europe/Stockholm")


class CoverPeriod(Base):
    """One period in which `substitute_id` acts for `user_id`; ended early if `ended_at` set."""

    __tablename__ = "cover_periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    __table_args__ = (
        Index("ix_cover_periods_user", "user_id", "starts_on"),
        Index("ix_cover_periods_substitute", "substitute_id", "starts_on"),
    )


def local_day(moment: datetime) -> date:
    """The service's local date of a UTC instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def _holding(on: date):
    return (CoverPeriod.ended_at.is_(None), CoverPeriod.starts_on <= on, CoverPeriod.ends_on >= on)


def substitute_of(session: Session, user_id: int, on: date) -> int | None:
    """Who covers `user_id` on the day `on`, if anyone."""
    return session.scalar(select(CoverPeriod.substitute_id).where(
        CoverPeriod.user_id == user_id, *_holding(on)).limit(1))


def substitute_name_column(person, requester, on: date):
    """A column: the name of whoever covers `person` on `on`, unless it is `requester`."""
    return (select(User.name).join(CoverPeriod, CoverPeriod.substitute_id == User.id)
            .where(CoverPeriod.user_id == person, CoverPeriod.substitute_id != requester,
                   *_holding(on)).limit(1).scalar_subquery())


def covered_query(user_id: int, on: date):
    """A SELECT of whom `user_id` covers on the day `on` (for use inside another query)."""
    return select(CoverPeriod.user_id).where(CoverPeriod.substitute_id == user_id,
                                             *_holding(on))


def covered_by(session: Session, user_id: int, on: date) -> list[int]:
    """Whom `user_id` covers on the day `on`."""
    return list(session.scalars(covered_query(user_id, on).order_by(CoverPeriod.user_id)))
