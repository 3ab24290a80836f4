"""Turning a submitted HTML form into the JSON-native data the engine validates.

Names follow one pattern: `field` for a single input, `field-3` for the fourth entry of a list,
`field-3-sub` for the sub-field `sub` of the fourth row of a group. Values are only converted
where that is lossless; anything else is passed on so the engine reports it in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine import Field

MAX_ROWS = 100  # far more than any form needs; bounds the work a hostile post can cause
CHECKBOX_KINDS = ("boolean", "confirm")


def parse_form(fields: tuple[Field, ...], form: Mapping[str, str],
               keep_empty_rows: bool = False) -> dict[str, Any]:
    """Return the data of a submitted form; blank answers are left out."""
    data: dict[str, Any] = {}
    for field in fields:
        if field.kind == "group":
            value: Any = _group_rows(field, form, keep_empty_rows)
        elif field.kind == "list":
            value = _list_items(field, form, keep_empty_rows)
        else:
            value = _scalar(field.kind, form, field.name)
        if value is not None and value != "" and (value != [] or keep_empty_rows):
            data[field.name] = value
    return data


def _scalar(kind: str, form: Mapping[str, str], name: str) -> Any:
    """One input's value: checkboxes become booleans, numbers numbers when they parse."""
    if kind in CHECKBOX_KINDS:
        return name in form
    raw = form.get(name, "")
    text = raw.strip()
    if not text:
        return None
    if kind == "integer":
        return _to_int(text)
    if kind == "number":
        return _to_number(text)
    return raw


def _to_int(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _to_number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text.replace(",", "."))  # Swedish keyboards type 2,5
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


def _indices(form: Mapping[str, str], name: str) -> list[int]:
    """The row numbers present in the form for a list or group field, in order."""
    pattern = re.compile(rf"{re.escape(name)}-(\d{{1,3}})(?:-[A-Za-z][A-Za-z0-9_]*)?\Z")
    found = {int(m.group(1)) for key in form if (m := pattern.match(key))}
    return sorted(found)[:MAX_ROWS]


def _list_items(field: Field, form: Mapping[str, str], keep_empty: bool) -> list[str]:
    items = [form.get(f"{field.name}-{i}", "") for i in _indices(form, field.name)]
    return items if keep_empty else [item for item in items if item.strip()]


def _group_rows(field: Field, form: Mapping[str, str], keep_empty: bool) -> list[dict]:
    rows = []
    for i in _indices(form, field.name):
        row = {}
        for sub in field.item_fields:
            value = _scalar(sub.kind, form, f"{field.name}-{i}-{sub.name}")
            if value is not None:
                row[sub.name] = value
        # A row with nothing typed and no box ticked is an unused row, not an answer.
        if keep_empty or any(v not in (False, "") for v in row.values()):
            rows.append(row)
    return rows


def change_rows(field: Field, rows: list, action: str, index: int | None) -> list:
    """Add an empty row, or remove row `index`, for the buttons that work without JavaScript."""
    if action == "add" and len(rows) < MAX_ROWS:
        return [*rows, {} if field.kind == "group" else ""]
    if action == "remove" and index is not None and 0 <= index < len(rows):
        return rows[:index] + rows[index + 1:]
    return rows
