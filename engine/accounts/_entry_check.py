"""A register entry as communications types it, checked like a form: messages per field.

The same check serves the edit form, the one-at-a-time "add an existing account" form and
every row of a CSV import, so a row is refused for exactly what the form would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import Message
from engine.store import User, person_on_record

from ._models import Account
from ._moderation import moderation_messages

# The register's text fields and the most characters each column holds.
TEXT_LIMITS = {"account_name": 120, "channel": 40, "handle": 120, "url": 500,
               "owning_unit": 200, "owning_unit_type": 40, "purpose": 4000}
REQUIRED = ("account_name", "channel", "owning_unit", "owning_unit_type", "purpose")
MAX_MODERATORS = 20
MODERATOR_LIMIT = 200  # characters of a moderator's name or email
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Messages the entry check gives besides the forms' own (code -> params), worded by the web.
ENTRY_CODES: dict[str, tuple[str, ...]] = {
    "owner.unknown": ("email",),  # no active person of the system has this email
    "account.duplicate": ("channel", "handle"),  # that channel and handle are in the register
    "account.duplicate_in_file": ("row",),  # an earlier row of the same file has them
    "moderators.unreadable": ("entry",),  # an imported moderator is not "Name <email>"
    "registered_on.unschedulable": (),  # too long ago to schedule reviews from
}


@dataclass(frozen=True)
class CheckedEntry:
    """An entry that passed the check: the register fields as the row stores them."""

    fields: dict[str, Any]  # account_name ... purpose, owner_id, moderators
    registered_on: date | None


def check_entry(session: Session, raw: Mapping[str, Any], today: date, *,
                account_id: int | None = None, with_date: bool = False
                ) -> tuple[CheckedEntry | None, dict[str, list[Message]]]:
    """The entry and no messages, or None and the messages per field (dotted for moderators).

    `account_id` is the entry being edited (it is no duplicate of itself); `with_date` asks
    for `registered_on` too, for an account added after the fact.
    """
    messages: dict[str, list[Message]] = {}
    fields: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        value = " ".join(str(raw.get(name) or "").split()) if name != "purpose" \
            else str(raw.get(name) or "").strip()
        if not storable(value):
            messages[name] = [Message("not_storable")]
        elif name in REQUIRED and not value:
            messages[name] = [Message("required")]
        elif len(value) > limit:
            messages[name] = [Message("too_long", {"max": limit})]
        fields[name] = value
    if fields["url"] and not _web_address(fields["url"]):
        messages["url"] = [Message("invalid_url")]
    fields["handle"] = fields["handle"] or fields["account_name"]
    owner_id = _owner(session, raw.get("owner_email"), messages)
    fields["owner_id"] = owner_id
    fields["moderators"] = _moderators(raw.get("moderators"), messages)
    registered_on = _registered_on(raw.get("registered_on"), today, messages) if with_date \
        else None
    if not messages.keys() & {"channel", "handle", "account_name"}:
        duplicate = find_duplicate(session, fields["channel"], fields["handle"], account_id)
        if duplicate:
            messages["handle"] = [Message("account.duplicate", {
                "channel": fields["channel"], "handle": fields["handle"]})]
    if messages:
        return None, messages
    return CheckedEntry(fields, registered_on), {}


def storable(text: str) -> bool:
    """Whether a database keeps the text as it is (PostgreSQL refuses NUL; no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def entry_key(channel: str, handle: str) -> tuple[str, str]:
    """What makes two entries the same account: channel and handle, case folded."""
    return channel.strip().casefold(), handle.strip().casefold()


def find_duplicate(session: Session, channel: str, handle: str,
                   account_id: int | None = None) -> int | None:
    """The id of another account in the register with this channel and handle, if any."""
    query = select(Account.id).where(
        func.lower(Account.channel) == channel.strip().lower(),
        func.lower(Account.handle) == handle.strip().lower())
    if account_id is not None:
        query = query.where(Account.id != account_id)
    return session.scalar(query.limit(1))


def _web_address(value: str) -> bool:
    """An absolute http(s) address to a host with a dot (`https://x` is no address)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and "." in (parts.hostname or "")
            and " " not in value)


def _owner(session: Session, email: Any, messages: dict[str, list[Message]]) -> int | None:
    """The active person with this email, by their row and their own stream."""
    text = str(email or "").strip()
    if not storable(text):
        messages["owner_email"] = [Message("not_storable")]
        return None
    if not text:
        messages["owner_email"] = [Message("required")]
        return None
    if not EMAIL.match(text) or len(text) > 254:
        messages["owner_email"] = [Message("invalid_email")]
        return None
    for user_id in session.scalars(select(User.id).where(
            func.lower(User.email) == text.lower(), User.active.is_(True))
            .order_by(User.id)).all():
        record = person_on_record(session, user_id)
        if record is not None and record.active:
            return user_id
    messages["owner_email"] = [Message("owner.unknown", {"email": text})]
    return None


def _moderators(raw: Any, messages: dict[str, list[Message]]) -> list[dict[str, Any]]:
    """The moderators as the request stores them: name, email, covers_holidays."""
    rows = raw if isinstance(raw, list) else []
    moderators = []
    for i, row in enumerate(rows[:MAX_MODERATORS]):
        row = row if isinstance(row, Mapping) else {}
        name = " ".join(str(row.get("name") or "").split())
        email = str(row.get("email") or "").strip()
        if not (storable(name) and storable(email)):
            messages[f"moderators.{i}.name"] = [Message("not_storable")]
            continue
        if not name:
            messages[f"moderators.{i}.name"] = [Message("required")]
        elif len(name) > MODERATOR_LIMIT:
            messages[f"moderators.{i}.name"] = [Message("too_long", {"max": MODERATOR_LIMIT})]
        if not email:
            messages[f"moderators.{i}.email"] = [Message("required")]
        elif not EMAIL.match(email) or len(email) > MODERATOR_LIMIT:
            messages[f"moderators.{i}.email"] = [Message("invalid_email")]
        moderators.append({"name": name, "email": email,
                           "covers_holidays": row.get("covers_holidays") is True})
    if len(rows) > MAX_MODERATORS:
        messages["moderators"] = [Message("too_many_items", {"max": MAX_MODERATORS})]
    for path, found in moderation_messages({"moderators": moderators}).items():
        messages.setdefault(path, []).extend(found)
    return moderators


def _registered_on(value: Any, today: date,
                   messages: dict[str, list[Message]]) -> date | None:
    text = str(value or "").strip()
    if not text:
        messages["registered_on"] = [Message("required")]
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        messages["registered_on"] = [Message("invalid_date")]
        return None
    if day > today:
        messages["registered_on"] = [Message("date_in_future", {"today": today.isoformat()})]
        return None
    return day
