"""Template filters: times in Stockholm, plain text as paragraphs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from .i18n import _

LOCAL_TZ = ZoneInfo("Europe/Stockholm")
_BLANK_LINES = re.compile(r"\n\s*\n")


def local_datetime(moment: datetime | None) -> str:
    """A UTC time as Stockholm wall-clock time, e.g. '2026-01-05 10:00'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # the engine stores UTC; SQLite may hand it back naive
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def local_moment(moment: datetime | None) -> str:
    """A UTC time as Stockholm time to the second, with its zone: '2026-12-02 14:05:09 CET'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S %Z")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def local_long(moment: datetime | None) -> str:
    """A UTC time as Stockholm time in words: '3 December 2027, 14:05'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    here = moment.astimezone(LOCAL_TZ)
    return f"{here.day} {_(MONTHS[here.month - 1])} {here.year}, {here:%H:%M}"


def local_date(value: date | datetime | None) -> str:
    """A date (or the Stockholm date of a time) as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_datetime(value)[:10]
    return value.isoformat()


def paragraphs(text: str | None) -> list[str]:
    """Split plain text on blank lines; templates print each part escaped, in its own <p>."""
    return [" ".join(part.split()) for part in _BLANK_LINES.split(text or "") if part.strip()]


_URL = re.compile(r"https?://[^\s<>\"']+")


def mail_links(text: str) -> Markup:
    """A mail's plain text as HTML: escaped, its web addresses links, its lines kept."""
    escaped = str(escape(text or ""))
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return Markup(linked.replace("\n", "<br>\n"))  # noqa: S704 (escaped above)


def init_filters(app: Flask) -> None:
    """Register the filters with Jinja."""
    app.jinja_env.filters.update(
        local_datetime=local_datetime, local_date=local_date, paragraphs=paragraphs,
        local_moment=local_moment, mail_links=mail_links, local_long=local_long,
    )
