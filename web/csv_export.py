"""CSV for spreadsheets set to Swedish: UTF-8 with a byte order mark, semicolons, CRLF, and
no formulas smuggled in cells."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

BOM = "\ufeff"  # makes Excel read the file as UTF-8 (å, ä, ö)
# Swedish spreadsheet software uses the comma for decimals, so it expects semicolons.
DELIMITER = ";"
# A cell starting with one of these may be run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A handle such as "@kineurolab": letters, digits, "_" and "." only, so nothing to call or
# compute; it is read as text and keeps its "@".
HANDLE = re.compile(r"@[\w.]+\Z")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read this cell as a formula."""
    return text.startswith(FORMULA_STARTS) and not HANDLE.match(text)


def neutralise(value: object) -> str:
    """A cell's text, with a leading quote only if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula(text) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Write a header and rows as one CSV text: BOM, semicolons, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()
