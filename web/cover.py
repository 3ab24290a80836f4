"""Holiday cover pages: name a substitute for a date range, for oneself or (admins) anyone."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import InvalidInput, NotFound

from .context import get_engine, me
from .i18n import _
from .wording import error_text

bp = Blueprint("cover", __name__)


@bp.get("/me/cover")
@login_required
def mine():
    """My substitutes, whom I cover, and the form to name a substitute."""
    return _page(me().id)


@bp.post("/me/cover")
@login_required
def set_mine():
    """Name my substitute for a range of days."""
    return _set(me().id)


@bp.get("/admin/people/<int:user_id>/cover")
@login_required
def of_person(user_id: int):
    """A person's cover, for an admin (the engine refuses everyone else)."""
    return _page(user_id)


@bp.post("/admin/people/<int:user_id>/cover")
@login_required
def set_for_person(user_id: int):
    """Name a person's substitute, as an admin."""
    return _set(user_id)


@bp.post("/cover/<int:period_id>/end")
@login_required
def end(period_id: int):
    """End a cover period now (or cancel one not yet begun)."""
    back = request.form.get("back") == "admin"
    user_id = request.form.get("user", "")
    try:
        get_engine().end_cover(me().id, period_id)
    except (InvalidInput, NotFound) as error:
        flash(error_text(error), "error")
    else:
        flash(_("The cover period was ended."), "info")
    if back and user_id.isdigit() and len(user_id) < 10:
        return redirect(url_for("cover.of_person", user_id=int(user_id)), code=303)
    return redirect(url_for("cover.mine"), code=303)


def _set(user_id: int):
    typed = {key: request.form.get(key, "").strip()[:80]
             for key in ("substitute", "starts_on", "ends_on")}
    errors = {}
    days = {}
    for key in ("starts_on", "ends_on"):
        try:
            days[key] = date.fromisoformat(typed[key])
        except ValueError:
            errors[key] = _("Enter a date as YYYY-MM-DD.")
    if not typed["substitute"]:
        errors["substitute"] = _("Enter the substitute's username.")
    if not errors:
        try:
            get_engine().set_cover(me().id, user_id, typed["substitute"], days["starts_on"],
                                   days["ends_on"])
        except (InvalidInput, NotFound) as error:
            errors["form"] = error_text(error)
    if errors:
        return _page(user_id, typed, errors, 422)
    flash(_("The substitute was named and recorded."), "info")
    return redirect(url_for("cover.mine") if user_id == me().id
                    else url_for("cover.of_person", user_id=user_id), code=303)


def _page(user_id: int, typed: dict | None = None, errors: dict | None = None,
          status: int = 200):
    engine = get_engine()
    periods = engine.cover_periods(me().id, user_id)  # the engine decides who may see them
    person = engine.users.get(user_id)
    own = user_id == me().id
    return render_template(
        "cover.html", person=person, own=own, periods=periods, form=typed or {},
        errors=errors or {},
        action=url_for("cover.set_mine") if own else url_for("cover.set_for_person",
                                                             user_id=user_id)), status
