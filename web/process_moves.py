"""Process owners move running requests to a newer version: a preview, then one or all."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.exceptions import NotFound as PageNotFound

from engine import MOVE_PAGE_SIZE, Conflict, InvalidInput, NotFound

from .context import get_engine, me
from .i18n import _
from .wording import error_text

bp = Blueprint("process_moves", __name__, url_prefix="/processes")
MAX_ID_DIGITS = 9


@bp.get("/<process_id>/moves")
@login_required
def preview(process_id: str):
    """Each running request on an older version: can it move to `to`, why not, what maps."""
    return _page(process_id, _version_arg(request.args.get("to")), _page_arg())


@bp.post("/<process_id>/moves")
@login_required
def move(process_id: str):
    """Move one request (`instance_id`) or all that can (`all`), with a reason."""
    to = _version_arg(request.form.get("to"))
    reason = request.form.get("reason", "")
    target = request.form.get("instance_id", "")
    engine = get_engine()
    try:
        if request.form.get("all"):
            report = engine.moves.move_all(me().id, process_id, to, reason)
            return _page(process_id, to, 1, report=report)
        if not target:
            raise PageNotFound()
        outcome = engine.moves.move(me().id, target, to, reason, _lock_arg())
    except InvalidInput as error:
        return _page(process_id, to, 1, failed=_failed(target, reason, error), status=422)
    except (Conflict, NotFound) as error:
        status = 409 if isinstance(error, Conflict) else 404
        return _page(process_id, to, 1, failed=_failed(target, reason, error), status=status)
    if not outcome.moved:
        return _page(process_id, to, 1, failed={"target": target, "reason": reason,
                                                "reasons": outcome.reasons}, status=409)
    flash(_("The request was moved; its history records the move and your reason."), "info")
    return redirect(url_for("process_moves.preview", process_id=process_id, to=to), code=303)


def _page(process_id: str, to: int, page: int, report=None, failed=None, status: int = 200):
    engine = get_engine()
    candidates = engine.moves.preview(me().id, process_id, to, page)
    numbers = engine.moves.numbers(me().id, process_id)
    return render_template(
        "process_moves.html", process_id=process_id, to=to, to_number=numbers.get(to),
        candidates=candidates, page=page, page_size=MOVE_PAGE_SIZE, report=report,
        failed=failed or {}, movable=sum(1 for c in candidates if c.can_move)), status


def _failed(target: str, reason: str, error) -> dict:
    """What to show next to the form that was refused, keeping what was typed."""
    return {"target": target or "all", "reason": reason, "message": error_text(error)}


def _version_arg(raw: str | None) -> int:
    if not raw or not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
        raise PageNotFound()
    return int(raw)


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise PageNotFound()
    return int(raw)


def _lock_arg() -> int | None:
    raw = request.form.get("lock", "")
    return int(raw) if raw.isdigit() and len(raw) <= MAX_ID_DIGITS else None
