"""How I am told: a mail for each message, or one daily digest (the person's own choice)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import InvalidInput

from .context import get_engine, me
from .i18n import _
from .wording import error_text

bp = Blueprint("notifications", __name__)


def _choices() -> list[tuple[str, str, str]]:
    """(value, label, hint) of each mode the page offers."""
    hour = get_engine().settings.digest_hour
    return [
        ("each", _("A mail for each message"),
         _("Told at once when a task waits for you or something happens to your request.")),
        ("daily", _("A daily digest"),
         _("One mail a day at {hour}:00 (Stockholm time) listing everything since the last.",
           hour=f"{hour:02d}")),
    ]


@bp.get("/me/notifications")
@login_required
def mine():
    """My choice of how I am told."""
    return _page(get_engine().notify_mode(me().id))


@bp.post("/me/notifications")
@login_required
def set_mine():
    """Set my choice; an unknown value re-renders the page with the reason."""
    chosen = request.form.get("mode", "").strip()[:20]
    try:
        changed = get_engine().set_notify_mode(me().id, chosen)
    except InvalidInput as error:
        return _page(chosen, {"mode": error_text(error)}, 422)
    flash(_("Your choice was saved.") if changed else _("Nothing changed."), "info")
    return redirect(url_for("notifications.mine"), code=303)


def _page(mode: str, errors: dict | None = None, status: int = 200):
    return render_template("notifications.html", mode=mode, choices=_choices(),
                           errors=errors or {}), status
