"""The requester withdraws a request: a confirm page, then one POST (on the requests blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import Conflict, InvalidInput

from .context import get_engine, me
from .i18n import _
from .requests import bp
from .wording import error_text

REASON_FIELD_MAX = 1000  # the engine bounds the reason too; the field says so up front


@bp.get("/<instance_id>/withdraw")
@login_required
def withdraw_confirm(instance_id: str):
    """What withdrawing does, an optional reason, and Confirm (for the requester, when allowed)."""
    engine = get_engine()
    view = engine.get_request(me().id, instance_id)  # who may see it at all
    try:
        engine.check_withdraw(me().id, instance_id)
    except Conflict as error:
        return _back(instance_id, error)
    return _confirm_page(view)


@bp.post("/<instance_id>/withdraw")
@login_required
def withdraw(instance_id: str):
    """Withdraw the request; a second click says it is withdrawn already, not a failure."""
    engine = get_engine()
    reason = request.form.get("reason", "")
    try:
        engine.withdraw_request(me().id, instance_id, reason)
    except Conflict as error:
        return _back(instance_id, error)
    except InvalidInput as error:
        view = engine.get_request(me().id, instance_id)
        return _confirm_page(view, reason, error_text(error), 422)
    flash(_("You withdrew the request. It has left every inbox; its history keeps what "
            "was done."), "info")
    return redirect(url_for("requests.show", instance_id=instance_id), code=303)


def _confirm_page(view, reason: str = "", error: str | None = None, status: int = 200):
    return render_template("request_withdraw.html", req=view, reason=reason, error=error,
                           reason_max=REASON_FIELD_MAX), status


def _back(instance_id: str, error: Conflict):
    """To the request page, saying why nothing was withdrawn (already withdrawn, too late)."""
    already = error.code == "withdraw.not_running" and error.params.get("status") == "withdrawn"
    flash(error_text(error), "info" if already else "error")
    return redirect(url_for("requests.show", instance_id=instance_id), code=303)
