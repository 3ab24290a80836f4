"""Reading a CSV file of existing accounts: ';' or ',' separated, UTF-8 with or without BOM.

The header row names the columns, with the export's names where the export has the column, so
a file exported, fixed and imported again lines up. Each data row becomes the fields the entry
check reads (`_entry_check`); nothing here decides whether a row is good.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from engine.errors import InvalidInput

MAX_IMPORT_BYTES = 512 * 1024
MAX_CELL = 5000  # characters of one cell; the entry check bounds each field further

# Column name (as in the export) -> the entry's field. Case and spaces in the header are free.
NAMES = {
    "Account": "account_name", "Handle": "handle", "Address": "url", "Channel": "channel",
    "Unit": "owning_unit", "Type of unit": "owning_unit_type", "Owner email": "owner_email",
    "Moderators": "moderators", "Holiday cover": "holiday_cover",
    "Registered on": "registered_on", "Purpose": "purpose",
}
COLUMNS = {name.casefold(): field for name, field in NAMES.items()}
OPTIONAL = ("Handle", "Address")
NEEDED = tuple(name.casefold() for name in NAMES if name not in OPTIONAL)
# A field's problems are reported under its column, as the export names it.
COLUMN_OF = {field: name for name, field in NAMES.items()}
MODERATOR = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Each data row as (its row number as a spreadsheet shows it, the header being 1, its
    entry fields); InvalidInput if the file cannot be read as a register."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput("import.too_large", limit=MAX_IMPORT_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("import.wrong_encoding") from None
    if "\x00" in text:
        raise InvalidInput("import.wrong_encoding")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidInput("import.no_header")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise InvalidInput("import.unreadable") from None
    header = [_key(name) for name in records[0]]
    missing = [name for name in NEEDED if name not in header]
    if missing:
        raise InvalidInput("import.missing_columns", columns=[
            name for name in NAMES if name.casefold() in missing])
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line, as spreadsheets leave at the end
        cells = {header[i]: _cell(value) for i, value in enumerate(record) if i < len(header)}
        rows.append((number, _fields(cells)))
    return rows


def column_of(path: str) -> str:
    """The column a field's message belongs under ("moderators.1.email" is Moderators)."""
    return COLUMN_OF.get(path.split(".")[0], path)


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def _cell(value: str) -> str:
    """A cell's text, with the export's formula guard (a leading quote) taken off again."""
    text = value[:MAX_CELL]
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _fields(cells: dict[str, str]) -> dict[str, Any]:
    """One row as the entry check reads it; moderators as "Name <email>" separated by ';'."""
    fields: dict[str, Any] = {COLUMNS[name]: value for name, value in cells.items()
                              if name in COLUMNS and COLUMNS[name] not in ("moderators",
                                                                           "holiday_cover")}
    covering = {part.strip().casefold() for part in
                re.split(r"[;\n]", cells.get("holiday cover", "")) if part.strip()}
    moderators, unreadable = [], []
    for entry in re.split(r"[;\n]", cells.get("moderators", "")):
        if not entry.strip():
            continue
        match = MODERATOR.match(entry)
        if match is None:
            unreadable.append(entry.strip())
            continue
        name, email = match["name"], match["email"]
        moderators.append({"name": name, "email": email,
                           "covers_holidays": bool({name.casefold(), email.casefold()}
                                                   & covering)})
    fields["moderators"] = moderators
    fields["unreadable_moderators"] = unreadable
    return fields
