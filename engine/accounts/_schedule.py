"""Review dates: a fixed schedule from the registration date, so reviews never drift later."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

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


def check_intervals(settings) -> None:
    """Refuse settings whose review interval or grace period is not an ISO 8601 duration."""
    for name in ("review_interval", "review_grace"):
        value = getattr(settings, name)
        try:
            add_interval(datetime(2026, 1, 1, tzinfo=UTC), value)
        except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
            raise InvalidInput("settings.not_a_duration", name=name, value=value) from None


def due_date_of(value: object) -> date | None:
    """The date part of a stored ISO date or datetime string, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
