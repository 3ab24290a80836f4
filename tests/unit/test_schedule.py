"""Review dates follow a fixed yearly schedule from the registration date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import Engine, InvalidInput, Settings
from engine.accounts import DUE_TIME, due_date_of, next_review_due


def at(day: str) -> datetime:
    """Noon UTC on a day."""
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def test_the_first_review_is_an_interval_after_registration():
    due = next_review_due(date(2026, 1, 20), "P12M", at("2026-01-25"))
    assert due == datetime.combine(date(2027, 1, 20), DUE_TIME)


def test_an_account_registered_long_ago_gets_one_review_on_its_yearly_day():
    due = next_review_due(date(2019, 5, 3), "P12M", at("2026-06-01"))
    assert due.date() == date(2027, 5, 3), "the next anniversary, not a backlog of reviews"


def test_a_due_date_already_passed_today_moves_to_the_next_interval():
    due = next_review_due(date(2026, 3, 1), "P6M", at("2026-09-01"))
    assert due.date() == date(2027, 3, 1)


def test_short_intervals_work_for_trials():
    assert next_review_due(date(2026, 1, 1), "P7D", at("2026-01-01")).date() == date(2026, 1, 8)


def test_due_dates_are_read_back_from_stored_text():
    assert due_date_of("2027-01-20T06:00:00+00:00") == date(2027, 1, 20)
    assert due_date_of("not a date") is None
    assert due_date_of(None) is None


@pytest.mark.parametrize("setting", ["review_interval", "review_grace"])
def test_an_engine_with_a_malformed_interval_refuses_to_start(tmp_path, setting):
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path / 'x.db'}",
                                 **{setting: "twelve months"})
    with pytest.raises(InvalidInput) as refused:
        Engine(settings)
    assert refused.value.code == "settings.not_a_duration"
    assert refused.value.params == {"name": setting, "value": "twelve months"}


@pytest.mark.parametrize(("anchor", "interval"), [
    (date(9999, 12, 31), "P12M"),  # no next date exists
    (date(1, 1, 1), "P12M"),  # more intervals to today than the bound allows
    (date(2026, 1, 1), "PT0S"),  # never moves forward
])
def test_an_anchor_no_schedule_can_hold_is_an_input_error(anchor, interval):
    with pytest.raises(InvalidInput) as refused:
        next_review_due(anchor, interval, at("2026-06-01"))
    assert refused.value.code == "schedule.out_of_range"
    assert refused.value.params == {"anchor": anchor.isoformat(), "interval": interval}
