"""The guideline's moderation rules, checked on every answer that lists moderators.

A plan holds when it names at least two different people and at least one of them covers
holidays (a holiday stand-in is listed as a moderator who covers holidays). People are compared,
not strings: the same email in any case, or the same name in any case and spacing, is one person.
What the rules do not block but a manager should weigh is given as notes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from engine.errors import Message

from ._contract import APPROVAL_TASK, REQUEST_PROCESS

MODERATORS = "moderators"
HOLIDAY_PLAN = "holiday_plan"
MIN_PEOPLE = 2

# Messages the rules attach to fields (code -> params), worded by the web like the form's own.
RULE_CODES: dict[str, tuple[str, ...]] = {
    "moderators.same_person": ("number",),  # this row is moderator {number} again
    "moderators.too_few_people": ("min",),  # fewer different people than the rule asks
    "moderators.no_holiday_cover": (),  # nobody ticked "covers holidays"
}

# What a plan lacks that the rules let through (code -> params), for the deciding manager.
NOTE_CODES: dict[str, tuple[str, ...]] = {
    "plan.one_holiday_cover": ("name",),  # only one person covers holidays
    "plan.holidays_name_nobody": (),  # the holiday plan names none of the moderators
    "plan.no_moderators": (),  # the request lists no moderators at all
}


def _text(value: Any) -> str:
    """A value compared as people write it: NFKC, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).casefold().split())


def _rows(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = answers.get(MODERATORS)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _repeats(rows: list[Mapping[str, Any]]) -> dict[str, list[Message]]:
    """A message on each row's email or name that repeats an earlier row's."""
    messages: dict[str, list[Message]] = {}
    for i, row in enumerate(rows):
        for j in range(i):
            for key in ("email", "name"):
                if _text(row.get(key)) and _text(row.get(key)) == _text(rows[j].get(key)):
                    path = f"{MODERATORS}.{i}.{key}"
                    messages.setdefault(path, [Message("moderators.same_person",
                                                       {"number": j + 1})])
    return messages


def distinct_people(rows: list[Mapping[str, Any]]) -> int:
    """How many different people the rows name (same email or same name: one person)."""
    groups: list[tuple[set[str], set[str]]] = []
    for row in rows:
        email, name = _text(row.get("email")), _text(row.get("name"))
        found = [g for g in groups if (email and email in g[0]) or (name and name in g[1])]
        merged = (set(filter(None, [email])), set(filter(None, [name])))
        for g in found:
            merged[0].update(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    return len(groups)


def moderation_messages(answers: Mapping[str, Any]) -> dict[str, list[Message]]:
    """Messages per field where a moderation plan breaks the rules (empty: it holds)."""
    if MODERATORS not in answers:
        return {}
    rows = _rows(answers)
    messages = _repeats(rows)
    top: list[Message] = []
    if distinct_people(rows) < MIN_PEOPLE:
        top.append(Message("moderators.too_few_people", {"min": MIN_PEOPLE}))
    if not any(r.get("covers_holidays") is True for r in rows):
        top.append(Message("moderators.no_holiday_cover"))
    if top:
        messages[MODERATORS] = top
    return messages


def plan_notes(process_id: str, task_name: str,
               data: Mapping[str, Any]) -> tuple[Message, ...] | None:
    """What the request's moderation plan lacks, for the manager's approval (else None)."""
    if process_id != REQUEST_PROCESS or task_name != APPROVAL_TASK:
        return None
    rows = _rows(data)
    if not rows:
        return (Message("plan.no_moderators"),)
    notes: list[Message] = []
    covering = [r for r in rows if r.get("covers_holidays") is True]
    if distinct_people(covering) == 1:
        notes.append(Message("plan.one_holiday_cover", {"name": str(covering[0].get("name"))}))
    if not _names_anyone(_text(data.get(HOLIDAY_PLAN)), rows):
        notes.append(Message("plan.holidays_name_nobody"))
    return tuple(notes)


def _names_anyone(plan: str, rows: list[Mapping[str, Any]]) -> bool:
    """Whether the holiday plan mentions a moderator by full name or by any part of it."""
    words = set(plan.replace(",", " ").replace(".", " ").split())
    for row in rows:
        name = _text(row.get("name"))
        if name and (name in plan or words & set(name.split())):
            return True
    return False
