"""The demo clock's admin page: the demo's time, its offset, and moving it forward.

The blueprint is registered only when the demo turned the clock on, so with the setting off
there is no page at all (404); the engine decides who may read or move it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_login import login_required

from engine import DatabaseUnavailable, InvalidForm

from .context import get_engine, me
from .i18n import _
from .wording import message_text

bp = Blueprint("demo_clock", __name__, url_prefix="/admin")
MAX_TYPED = 600  # characters kept of what was typed, to show it again


@bp.get("/clock")
@login_required
def page():
    """The demo's time and offset, the form to move it, and every recorded move."""
    return _page({}, {})


@bp.post("/clock")
@login_required
def move():
    """Move the demo clock forward by whole days, with a reason."""
    typed = {key: request.form.get(key, "")[:MAX_TYPED] for key in ("days", "reason")}
    try:
        get_engine().demo_clock.move(me().id, typed["days"], typed["reason"])
    except InvalidForm as refused:
        errors = {name: " ".join(message_text(m) for m in found)
                  for name, found in refused.messages.items()}
        return _page(typed, errors, 422)
    days = int(typed["days"])  # the engine took it as whole days
    flash(_("The demo clock moved forward 1 day.") if days == 1 else
          _("The demo clock moved forward {days} days.", days=days), "info")
    return redirect(url_for("demo_clock.page"), code=303)


def _page(typed: dict, errors: dict, status: int = 200):
    state = get_engine().demo_clock.state(me().id)  # admins only: the engine refuses others
    return render_template("admin_demo_clock.html", state=state, form=typed, errors=errors), status


def demo_banner() -> dict:
    """Template globals: the demo clock's banner while the demo runs ahead of real time."""
    if g.get("plain_page"):  # an error page asks nothing more of the database
        return {"demo_banner": None}
    engine = get_engine()
    try:
        ahead = engine.demo_clock.ahead()
    except DatabaseUnavailable:  # the page that says so must still render
        ahead = None
    if not ahead:
        return {"demo_banner": None}
    return {"demo_banner": {"now": engine.clock.now(), "days": ahead.days}}


def init_demo_clock(app: Flask, enabled: bool) -> None:
    """The page and the banner, only when the demo clock is on."""
    if enabled:
        app.register_blueprint(bp)
        app.context_processor(demo_banner)
    else:
        app.context_processor(lambda: {"demo_banner": None})
