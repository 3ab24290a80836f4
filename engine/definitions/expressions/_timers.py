"""Timer values as what they are: an ISO 8601 duration or date-time, within bounds.

A timer's expression yields a value; SpiffWorkflow then parses it, and steps a duration month by
month (`P99999999Y` would run for minutes). The value is checked here first: when the text is a
literal, at check time, and otherwise each time it is evaluated.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ._language import ExpressionError

MAX_TIMER_DAYS = 3_660  # ten years of 366 days
# Forms take dates up to 2200 (forms/_fields.py), and a timer may fall one review interval
# after such a date; the bound keeps dates sane, SpiffWorkflow does not step through them.
TIMER_YEARS = (1900, 2300)
TIMER_KINDS = ("timeDuration", "timeDate")

_DURATION = re.compile(
    r"P(?!$)(?:(\d{1,15})Y)?(?:(\d{1,15})M)?(?:(\d{1,15})W)?(?:(\d{1,15})D)?"
    r"(?:T(?=\d)(?:(\d{1,15})H)?(?:(\d{1,15})M)?(?:(\d{1,15}(?:[.,]\d{1,6})?)S)?)?")
# At most how many days each part of a duration can be (calendar-aware: a month is up to 31).
_DAYS_PER = (366, 31, 7, 1, 1 / 24, 1 / 1_440, 1 / 86_400)


def _duration_days(text: str) -> float | None:
    """The most days a duration can last, or None if it is not one SpiffWorkflow reads."""
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    parts = match.groups()
    if parts[2] is not None and any(p is not None for p in (parts[0], parts[1], parts[3])):
        return None  # weeks cannot be combined with years, months or days
    return sum(float(p.replace(",", ".")) * per
               for p, per in zip(parts, _DAYS_PER, strict=True) if p is not None)


def timer_refusal(kind: str, value: Any) -> ExpressionError | None:
    """Why `value` cannot be the value of a `kind` timer (timeDuration or timeDate), or None."""
    if not isinstance(value, str):
        return ExpressionError("timer_not_text", kind=kind, type=type(value).__name__)
    text = value.strip()
    if kind == "timeDuration":
        days = _duration_days(text)
        if days is None:
            return ExpressionError("timer_not_duration", value=text[:40])
        if days > MAX_TIMER_DAYS:
            return ExpressionError("timer_too_long", value=text[:40], limit="P10Y")
        return None
    if text[:1] in ("P", "p") or "W" in text.upper() or len(text) > 40:
        return ExpressionError("timer_not_date", value=text[:40])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ExpressionError("timer_not_date", value=text[:40])
    first, last = TIMER_YEARS
    if not first <= moment.year <= last:
        return ExpressionError("timer_date_out_of_range", value=text, first=first, last=last)
    return None
