"""Turning task data into answers people can read, step by step, labelled from the forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from engine.definitions import LoadedProcess
from engine.definitions.forms import Field

from ._views import AnswerItem, AnswerSection, HistoryEntry


def answer_sections(process: LoadedProcess, data: dict[str, Any],
                    steps: list[str] | None = None,
                    given: Mapping[str, tuple[str | None, datetime]] | None = None,
                    ) -> tuple[AnswerSection, ...]:
    """The answers found in `data`, grouped by the step whose form asks for them; with
    `given` (step -> who completed it and when), each section says who gave its answers."""
    sections = []
    for step in steps if steps is not None else process.step_order:
        section = answer_section(process, step, data)
        if section is not None:
            if given and step in given:
                section = replace(section, by=given[step][0], at=given[step][1])
            sections.append(section)
    return tuple(sections)


def given_by(history: Iterable[HistoryEntry]) -> dict[str, tuple[str | None, datetime]]:
    """Per step, who completed it last and when, from a request's history (oldest first)."""
    return {entry.task_name: (entry.actor_name, entry.at) for entry in history
            if entry.kind == "task_completed" and entry.task_name}


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
