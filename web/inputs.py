"""Refuse, before any view runs, request text the database could not store."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, request

from engine import storable

from .errors import error_page
from .i18n import _

# Task answers (in a dry run too) are checked field by field by the engine, which says which
# answer to fix and keeps the rest of what was typed; everything else sent with a NUL is refused
# whole.
FIELD_CHECKED = {"tasks.submit", "trials.try_version", "trials.try_draft"}


def _all_storable(pairs: Iterable[tuple[str, str]]) -> bool:
    return all(storable(key) and storable(value) for key, value in pairs)


def refuse_unstorable():
    """A 400 page when the address, query string or form holds text the database cannot store."""
    values = [*request.args.items(multi=True),
              *((k, str(v)) for k, v in (request.view_args or {}).items())]
    if request.endpoint not in FIELD_CHECKED:
        values += request.form.items(multi=True)
    if _all_storable(values):
        return None
    return error_page(400, _("What you sent contains a character that cannot be saved (a NUL "
                             "or an invalid character). Remove it and try again."))


def init_inputs(app: Flask) -> None:
    """Register the check on every request."""
    app.before_request(refuse_unstorable)
