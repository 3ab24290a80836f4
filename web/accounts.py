"""An account's page: its register entry and its whole life, from request to closing."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from .context import get_engine, me

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.get("/<int:account_id>")
@login_required
def show(account_id: int):
    """One account with its request, its reviews and every change (the engine decides who)."""
    engine = get_engine()
    return render_template("account.html", life=engine.account_life(me().id, account_id),
                           may_keep=engine.may_keep_register(me().id))
