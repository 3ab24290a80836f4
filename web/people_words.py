"""Words for the recorded changes of a person, as the admin's person page lists them."""

from __future__ import annotations

from engine import PersonEntry

from .i18n import _

_FIELDS = {"name": "name", "email": "email", "manager": "manager", "roles": "roles",
           "active": "may sign in", "password": "password"}

_MODES = {"each": "a mail for each message", "daily": "a daily digest"}


def _value(value) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value) or _("none")
    return str(value)


def _change(field: str, pair: list) -> str:
    if field == "password":
        return _("a new password was set")
    return _("{field} from {before} to {after}", field=_(_FIELDS.get(field, field)),
             before=_value(pair[0]), after=_value(pair[1]))


def person_entry_text(entry: PersonEntry) -> str:
    """One change of a person in a sentence, with who made it."""
    who = entry.by or _("the command line")
    if entry.kind == "person_created":
        return _("Added by {who} with roles {roles}.", who=who,
                 roles=_value(entry.payload.get("roles", [])))
    if entry.kind == "person_changed":
        changes = entry.payload.get("changes", {})
        return _("Changed by {who}: {what}.", who=who, what="; ".join(
            _change(field, pair) for field, pair in changes.items()))
    if entry.kind == "notify_mode_changed":
        return _("{who} chose to be told by {mode}.", who=who, mode=_(_MODES.get(
            entry.payload.get("to"), str(entry.payload.get("to")))))
    if entry.kind == "person_signed_out":
        return _("Signed out everywhere by {who}.", who=who)
    return _("{kind}, by {who}.", kind=entry.kind.replace("_", " ").capitalize(), who=who)
