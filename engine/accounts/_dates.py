"""Dates the register trusts, checked against what they mean on the day they are given."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.errors import Message

from ._contract import REGISTER_TASK

REGISTRATION_TASK = "registration_form"

# (task, field, the decision that makes the field apply or None, the rule).
# "past": not after today (an account cannot have been registered tomorrow);
# "future": not before today (nobody plans to start an account yesterday).
DATE_RULES = (
    (REGISTER_TASK, "registered_on", ("communications_decision", "register"), "past"),
    (REGISTRATION_TASK, "planned_start", None, "future"),
)


def date_problems(task_name: str, data: Mapping[str, Any],
                  today: date) -> dict[str, list[Message]]:
    """Per field, the dates of one submission that contradict what they mean (today local)."""
    found: dict[str, list[Message]] = {}
    for task, name, applies, rule in DATE_RULES:
        if task != task_name or (applies and data.get(applies[0]) != applies[1]):
            continue
        day = _day(data.get(name))
        if day is None:  # missing or malformed: the form's own checks say so
            continue
        if rule == "past" and day > today:
            found[name] = [Message("date_in_future", {"today": today.isoformat()})]
        elif rule == "future" and day < today:
            found[name] = [Message("date_in_past", {"today": today.isoformat()})]
    return found


def _day(value: Any) -> date | None:
    """The date an ISO 'YYYY-MM-DD' answer names, or None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
