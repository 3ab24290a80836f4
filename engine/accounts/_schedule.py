"""Review dates: a fixed schedule from the registration date, so reviews never drift later."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.errors import InvalidInput

# Reviews fall due early on their day (07:00 or 08:00 in Stockholm), not at midnight.
DUE_TIME = time(6, 0, tzinfo=UTC)
MAX_STEPS = 1000  # a bound on rolling forward; 1000 review intervals is centuries


def add_interval(moment: datetime, interval: str) -> datetime:
    """An ISO 8601 duration after a moment, counting calendar months as SpiffWorkflow does."""
    parsed = TimerEventDefinition.parse_iso_duration(interval)
    return moment + TimerEventDefinition.get_timedelta_from_start(parsed, moment)


def next_review_due(anchor: date, interval: str, now: datetime) -> datetime:
    """The first of anchor + k intervals (k = 1, 2, ...) that is still ahead of now, at DUE_TIME.

    Each cycle counts from the previous due date, not from when the review was answered, so
    a late answer does not push every later review back; an account registered long ago gets
    its next review on the same yearly day, not a backlog of overdue ones.
    """
    due = datetime.combine(anchor, DUE_TIME)
    try:
        for _ in range(MAX_STEPS):
            due = add_interval(due, interval)
            if due > now:
                return datetime.combine(due.date(), DUE_TIME)
    except (OverflowError, ValueError):  # past year 9999, or a calendar day that cannot be
        pass
    # Too far back for the bound on steps, or so far ahead no next date exists: the anchor
    # came from an answer, so it is refused as input rather than crashing the step.
    raise InvalidInput("schedule.out_of_range", anchor=anchor.isoformat(), interval=interval)


# The shortest settings the schedule can hold. Reviews fall due on a day, at DUE_TIME, counted
# in whole intervals from a date: an interval under a day would put each due date before the
# moment it was planned at (and take more steps to reach today than the bound allows). A grace
# period shorter than an hour would escalate a review before its owner could see it.
SHORTEST = {"review_interval": ("P1D", timedelta(days=1)),
            "review_grace": ("PT1H", timedelta(hours=1))}
SETTING_NAMES = {"review_interval": "KONTOFLODE_REVIEW_INTERVAL",
                 "review_grace": "KONTOFLODE_REVIEW_GRACE"}


def check_intervals(settings) -> None:
    """Refuse a review interval or grace period that is no ISO 8601 duration or too short."""
    start = datetime(2026, 2, 1, tzinfo=UTC)  # in the shortest month: P1M is its least here
    for name, (least, shortest) in SHORTEST.items():
        value = getattr(settings, name)
        try:
            length = add_interval(start, value) - start
        except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
            raise InvalidInput("settings.not_a_duration", name=name, value=value) from None
        if length < shortest:
            raise InvalidInput("settings.too_short", name=name, value=value, least=least,
                               setting=SETTING_NAMES[name])


def due_date_of(value: object) -> date | None:
    """The date part of a stored ISO date or datetime string, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
