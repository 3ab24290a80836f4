"""Admins' page of stuck tasks, each with a form to reassign it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import Conflict, InvalidInput, NotFound

from .context import get_engine, me
from .i18n import _
from .wording import error_text

bp = Blueprint("stuck", __name__, url_prefix="/admin")
DEFAULT_OLDER = 7
MAX_FIELD = 254  # characters kept of a typed field


def _number(raw: str | None, default: int) -> int:
    """A small non-negative number from the query or form; anything else is the default."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 5 else default


def _wanted() -> tuple[int, int]:
    """(older than N days, page) from the query string, or from the form that was sent."""
    values = request.form if request.method == "POST" else request.args
    return _number(values.get("older"), DEFAULT_OLDER), _number(values.get("page"), 1)


@bp.get("/tasks")
@login_required
def stuck_tasks():
    """Waiting tasks nobody can act on, or waiting longer than ?older=N days, oldest first."""
    return _page()


@bp.post("/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str):
    """Give a stuck task to the named person; a refusal re-renders the list with the message."""
    typed = {key: request.form.get(key, "").strip()[:MAX_FIELD] for key in ("to", "reason")}
    try:
        get_engine().reassign_task(me().id, task_id[:40], typed["to"], typed["reason"])
    except (InvalidInput, NotFound, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        # The message sits by the field it is about: the reason, or the person named.
        field = "reason" if error.code == "correction.reason_required" else "to"
        return _page(failed={"task_id": task_id, "message": error_text(error), "field": field,
                             **typed}, status=status)
    flash(_("The task was given to {username}; the request's history records it.",
            username=typed["to"]), "info")
    older, page = _wanted()
    return redirect(url_for("stuck.stuck_tasks", older=older, page=page), code=303)


def _page(failed: dict | None = None, status: int = 200):
    older, page = _wanted()
    found = get_engine().stuck_tasks(me().id, older, page)
    return render_template("admin_tasks.html", found=found, failed=failed or {}), status
