"""Admins' mail pages: the demo's mailbox and the deliveries that failed, with a retry."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from .context import get_engine, me
from .i18n import _

bp = Blueprint("mail", __name__, url_prefix="/admin")


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@bp.get("/mail")
@login_required
def mailbox():
    """Kept mails, newest first, 25 a page."""
    return render_template("admin_mail.html", found=get_engine().mail.kept_mails(me().id,
                                                                                  _page()))


@bp.get("/mail/<int:mail_id>")
@login_required
def one_mail(mail_id: int):
    """One kept mail, its links clickable."""
    return render_template("admin_mail_one.html",
                           mail=get_engine().mail.kept_mail(me().id, mail_id))


@bp.get("/deliveries")
@login_required
def deliveries():
    """Failed deliveries, and pending ones that met errors."""
    return render_template("admin_deliveries.html",
                           rows=get_engine().mail.troubled(me().id))


@bp.post("/deliveries/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    """Try an undelivered message again from its first attempt."""
    get_engine().mail.retry(me().id, message_id)
    flash(_("The message will be sent again."))
    return redirect(url_for("mail.deliveries"))
