"""Requests: start one, list mine, and follow one (answers, history, progress diagram)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from werkzeug.exceptions import NotFound as PageNotFound

from engine import Conflict, Engine, InvalidForm, InvalidInput, NotFound, RequestView

from .context import get_engine, may_start_requests, me
from .i18n import _
from .tasks import task_page_with_comment
from .wording import error_text, message_text

bp = Blueprint("requests", __name__, url_prefix="/requests")
VIEWER_FILE = "bpmn-navigated-viewer.production.min.js"
TASK_ID = re.compile(r"[0-9a-fA-F-]{1,36}")


@bp.get("/")
@login_required
def mine():
    """The requests the user started, newest first."""
    return render_template("my_requests.html", requests=get_engine().my_requests(me().id),
                           may_start=may_start_requests(me()))


@bp.get("/all")
@login_required
def everyone():
    """Every request, for communications, auditors and admins (the engine decides)."""
    status = request.args.get("status", "")[:20]
    text = request.args.get("q", "")[:200]
    rows = get_engine().all_requests(me().id, status=status or None, text=text or None)
    return render_template("all_requests.html", requests=rows, status=status, text=text)


@bp.get("/new")
@login_required
def new():
    """What a request involves, with the button that starts one."""
    return render_template("start.html", may_start=may_start_requests(me()))


@bp.post("/")
@login_required
def start():
    """Start a request and go straight to its first step."""
    engine = get_engine()
    started = engine.start_request(me().id)
    if started.first_task_id:
        return redirect(url_for("tasks.show", task_id=started.first_task_id), code=303)
    return redirect(url_for("requests.show", instance_id=started.instance_id), code=303)


@bp.get("/<instance_id>")
@login_required
def show(instance_id: str):
    """A request in full, for the people the engine lets see it."""
    return _request_page(instance_id)


def _request_page(instance_id: str, correction: dict | None = None, status: int = 200,
                  comment: dict | None = None):
    """The request page; for admins with the corrections section (and why one was refused),
    and with a refused comment's message and text when one was."""
    engine = get_engine()
    view = engine.get_request(me().id, instance_id)
    may_correct = engine.may_correct(me().id)
    return render_template("request.html", req=view, diagram=diagram_available(),
                           my_task_ids=_my_task_ids(view),
                           may_audit=engine.may_audit(me().id), may_correct=may_correct,
                           may_withdraw=engine.may_withdraw(me().id, instance_id),
                           answer_choices=answer_choices(view) if may_correct else [],
                           correction=correction, comment=comment,
                           conversation=engine.conversation(me().id, instance_id)), status


@bp.post("/<instance_id>/comments")
@login_required
def comment(instance_id: str):
    """Add a comment to the request's conversation; back to where it was written."""
    text = request.form.get("text", "")
    task_id = _back_task(request.form.get("back", ""))
    try:
        get_engine().add_comment(me().id, instance_id, text)
    except InvalidForm as error:
        messages = [message_text(m) for found in error.messages.values() for m in found]
        return _comment_refused(instance_id, task_id, {"text": text, "messages": messages}, 422)
    except Conflict as error:  # the request ended, or changed three times while writing
        return _comment_refused(instance_id, task_id,
                                {"text": text, "messages": [error_text(error)]}, 409)
    flash(_("Your comment was added to the conversation."), "info")
    if task_id:
        return redirect(url_for("tasks.show", task_id=task_id, _anchor="conversation"), code=303)
    return redirect(url_for("requests.show", instance_id=instance_id, _anchor="conversation"),
                    code=303)


def _back_task(back: str) -> str | None:
    """The task id of `back=task:<id>`, if it looks like one (anything else: the request)."""
    task_id = back.removeprefix("task:") if back.startswith("task:") else ""
    return task_id if TASK_ID.fullmatch(task_id) else None


def _comment_refused(instance_id: str, task_id: str | None, comment: dict, status: int):
    """The page the comment was written on again, with why and the text as typed."""
    page = task_page_with_comment(task_id, instance_id, comment) if task_id else None
    if page is not None:
        return page, status
    return _request_page(instance_id, status=status, comment=comment)


@bp.post("/<instance_id>/corrections/<kind>")
@login_required
def correct(instance_id: str, kind: str):
    """An admin's correction of the request: reassign a task, cancel, or correct an answer."""
    action = CORRECTIONS.get(kind) or abort(404)
    try:
        action(get_engine(), me().id, instance_id, request.form)
    except InvalidForm as error:
        messages = [message_text(m) for found in error.messages.values() for m in found]
        return _request_page(instance_id, {"kind": kind, "messages": messages}, 422)
    except (InvalidInput, NotFound, Conflict) as error:
        return _request_page(instance_id, {"kind": kind, "messages": [error_text(error)]}, 422)
    flash(_("The correction was recorded in the request's history."), "info")
    return redirect(url_for("requests.show", instance_id=instance_id), code=303)


def _reassign(engine: Engine, user_id: int, instance_id: str, form: Mapping[str, str]) -> None:
    task_id = form.get("task_id", "")
    if task_id not in {t.id for t in engine.get_request(user_id, instance_id).open_tasks}:
        raise NotFound("task.not_found")
    engine.reassign_task(user_id, task_id, form.get("to", ""), form.get("reason", ""))


def _cancel(engine: Engine, user_id: int, instance_id: str, form: Mapping[str, str]) -> None:
    engine.cancel_request(user_id, instance_id, form.get("reason", ""))


def _correct_answer(engine: Engine, user_id: int, instance_id: str,
                    form: Mapping[str, str]) -> None:
    choices = {value for value, _label in answer_choices(engine.get_request(user_id, instance_id))}
    target = form.get("answer", "")
    if target not in choices:
        raise NotFound("task.not_found")
    task_id, field = target.split(" ", 1)
    engine.correct_answer(user_id, task_id, field, form.get("value", ""), form.get("reason", ""))


CORRECTIONS: dict[str, Callable[[Engine, int, str, Mapping[str, str]], None]] = {
    "reassign": _reassign, "cancel": _cancel, "answer": _correct_answer,
}


def answer_choices(view: RequestView) -> list[tuple[str, str]]:
    """The answers an admin may correct: ("task id, field", "step: field label") for each."""
    latest = {h.task_name: h.task_id for h in view.history if h.kind == "task_completed"}
    return [(f"{latest[section.step]} {item.name}", f"{section.title}: {item.label}")
            for section in view.answers if section.step in latest for item in section.items]


@bp.get("/<instance_id>/check")
@login_required
def check(instance_id: str):
    """For auditors: the request's hash chain and a replay of its log against its state."""
    # The check names the request itself: the version may be the very thing that fails.
    return render_template("request_check.html",
                           check=get_engine().check_record(me().id, instance_id))


@bp.get("/<instance_id>/history")
@login_required
def history(instance_id: str):
    """Step through a request's history: the diagram, answers and actor as they stood."""
    raw = request.args.get("step")
    seq = None
    if raw is not None:
        if not raw.isdigit() or len(raw) > 9:
            raise PageNotFound()
        seq = int(raw)
    engine = get_engine()
    step = engine.history_step(me().id, instance_id, seq)
    return render_template("request_history.html", step=step, diagram=diagram_available(),
                           may_audit=engine.may_audit(me().id))


@bp.get("/<instance_id>/case-file.json")
@login_required
def case_file(instance_id: str):
    """For auditors: the request's case file, to keep and check offline (verify-export)."""
    document = get_engine().case_file_for(me().id, instance_id)
    response = Response(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                        mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=case-file-{instance_id}.json")
    return response


@bp.get("/<instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: str):
    """The BPMN XML of the request's process version, fetched by the diagram script."""
    raw = request.args.get("version", "")
    if raw and (not raw.isdigit() or len(raw) > 9):
        raise PageNotFound()
    xml = get_engine().request_diagram(me().id, instance_id, int(raw) if raw else None)
    response = Response(xml, mimetype="application/xml")
    # Opened directly, it downloads rather than renders as a document of this site.
    response.headers["Content-Disposition"] = "attachment; filename=process.bpmn"
    return response


def diagram_available() -> bool:
    """True when bpmn-js is installed (npm ci); the page says so when it is not."""
    return (current_app.config["BPMN_JS_DIST"] / VIEWER_FILE).is_file()


def _my_task_ids(view: RequestView) -> set[str]:
    """The open tasks of this request the user may act on (for direct links)."""
    if not view.open_tasks:
        return set()
    return {t.id for t in get_engine().inbox(me().id) if t.instance_id == view.id}

