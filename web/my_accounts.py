"""My accounts: the registered accounts a signed-in person owns or moderates."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from .context import get_engine, me

bp = Blueprint("my_accounts", __name__)


@bp.get("/me/accounts")
@login_required
def mine():
    """Each account I own or moderate, with its status, handle, channel and next review."""
    return render_template("my_accounts.html", accounts=get_engine().my_accounts(me().id))
