"""Turning task data into answers people can read, step by step, labelled from the forms."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.definitions import LoadedProcess
from engine.definitions.forms import Field

from ._views import AnswerItem, AnswerSection


def answer_sections(process: LoadedProcess, data: dict[str, Any],
                    steps: list[str] | None = None) -> tuple[AnswerSection, ...]:
    """The answers found in `data`, grouped by the step whose form asks for them."""
    sections = []
    for step in steps if steps is not None else process.step_order:
        section = answer_section(process, step, data)
        if section is not None:
            sections.append(section)
    return tuple(sections)


# The events that give a step's answers, and where in their payload the answers are.
_GIVING = {"task_completed": "data", "answer_amended": "after"}
GIVING_EVENTS = tuple(_GIVING)


def given_sections(process: LoadedProcess, data: dict[str, Any], events: list,
                   actor_names: list[str | None],
                   leave_out: str | None = None) -> tuple[AnswerSection, ...]:
    """The answers of each step that happened, under that step and the person who gave them.

    A step shows only what its own completions (and amendments) gave: a review's decision by
    communications is not shown under the owner's step, and a follow-up that never happened
    shows nothing, although forms share field names. A name only one step gave shows its value
    as it stands now (so an admin's correction shows); a shared name shows that step's own.
    """
    own: dict[str, dict[str, Any]] = {}
    by: dict[str, tuple[str | None, Any]] = {}
    for event, name in zip(events, actor_names, strict=True):
        where = _GIVING.get(event.kind)
        if where is None or not event.task_name or event.task_name == leave_out:
            continue
        given = event.payload.get(where) or {}
        if event.kind == "task_completed":
            # A step done again (after a send-back) says what it says now, not both times.
            own[event.task_name] = dict(given)
            by[event.task_name] = (name, event.created_at)
        else:
            own.setdefault(event.task_name, {}).update(given)
    givers: dict[str, int] = {}
    for answers in own.values():
        for key in answers:
            givers[key] = givers.get(key, 0) + 1
    steps = [s for s in process.step_order if s in own] + [
        s for s in own if s not in process.step_order]
    sections = []
    for step in steps:
        values = {key: (value if givers[key] > 1 else data.get(key, value))
                  for key, value in own[step].items()}
        section = answer_section(process, step, values)
        if section is not None:
            giver, at = by.get(step, (None, None))
            sections.append(replace(section, by=giver, at=at))
    return tuple(sections)



def answer_section(process: LoadedProcess, step: str, data: dict[str, Any]) -> AnswerSection | None:
    """The answers to one step's form found in `data`, or None when there are none."""
    info = process.user_tasks.get(step)
    if info is None:
        return None
    items = tuple(
        AnswerItem(f.name, f.title, display_value(f, data[f.name]))
        for f in info.form.fields if f.name in data and data[f.name] not in (None, "", [])
    )
    return AnswerSection(step, info.title, items) if items else None


def display_value(field: Field, value: Any) -> Any:
    """A value as text (a boolean stays a boolean), or a list of texts for repeating fields."""
    if isinstance(value, bool):
        return value
    if field.kind == "group" and isinstance(value, list):
        return [_group_item(field, item) for item in value]
    if isinstance(value, list):
        return [field.label_for(v) for v in value]
    return field.label_for(value)


def _group_item(field: Field, item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    parts = []
    for sub in field.item_fields:
        value = item.get(sub.name)
        if isinstance(value, bool):
            if value:
                parts.append(sub.title.lower() if sub.title else sub.name)
        elif value not in (None, ""):
            parts.append(str(value))
    return ", ".join(parts)
