"""The inbox and task pages: show a task's form, complete it, say what happens next."""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required

from engine import (
    Conflict,
    EngineError,
    InboxFilter,
    InvalidForm,
    InvalidInput,
    TaskAlreadyDone,
    TaskView,
)

from .context import get_engine, me
from .formdata import change_rows, parse_form
from .formview import build_form, initial_values
from .i18n import _
from .wording import error_text

bp = Blueprint("tasks", __name__)
DONE_KEY = "completed_task"


SHOWS = ("mine", "group", "sent_back")


@bp.get("/inbox")
@login_required
def inbox():
    """The tasks the user may act on: narrowed to mine or my group's, filtered by step, role
    and text, sorted, a page at a time."""
    args = request.args
    show = args.get("show")
    show = show if show in SHOWS else None  # anything else: all of them
    wanted = InboxFilter(step=args.get("step") or None, text=args.get("q") or None,
                         role=args.get("role") or None, sort=args.get("sort", "waiting"),
                         page=args.get("page", 1, type=int), show=show)
    page = get_engine().inbox_page(me().id, wanted)
    return render_template("inbox.html", tasks=page.tasks, page=page, wanted=wanted, show=show)


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    """A task's instructions, earlier answers and form, prefilled."""
    engine = get_engine()
    task = engine.get_task(me().id, task_id)
    draft = engine.load_draft(me().id, task_id)
    values = {**task.values, **draft.data} if draft else task.values  # the draft wins
    return _render(task, initial_values(task.form.fields, values), draft=draft)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    """Complete the task, or add/remove a row when JavaScript is off."""
    engine = get_engine()
    if request.form.get("add_row") or request.form.get("remove_row"):
        task = engine.get_task(me().id, task_id)
        return _render(task, row_change(task))
    if request.form.get("save_draft") or request.form.get("discard_draft"):
        return _draft_action(engine, task_id)
    # One engine call reads the submission with the task's own form fields, authorizes and
    # writes; the full task (earlier answers and all) is loaded only to show the form again.
    typed: dict = {}

    def read(fields):
        typed.update(parse_form(fields, request.form))
        return typed

    try:
        # The step before the manager's approval is held: its answers are checked on one page.
        held_in = engine.hold_answers(me().id, task_id, read)
        if held_in is not None:
            return redirect(url_for("answers.show", instance_id=held_in), code=303)
        result = engine.complete_task(me().id, task_id, read)
    except InvalidForm as error:
        return _render(engine.get_task(me().id, task_id), typed, error.messages), 422
    except TaskAlreadyDone as error:
        if error.by_id != me().id:
            raise  # someone else's: the conflict page says who
        return _already_submitted(task_id, error)
    remember_done(task_id, result)
    return redirect(url_for("tasks.done", task_id=task_id), code=303)


def remember_done(task_id: str, result) -> None:
    """Keep what a completion did for the "what happens now" page."""
    session[DONE_KEY] = {
        "task_id": task_id, "instance_id": result.instance_id, "title": result.completed_title,
        "status": result.status, "next_steps": list(result.next_steps),
        "waiting_on": [asdict(who) for who in result.waiting_on],
        "next_task": result.next_task_for_you,
    }


@bp.get("/tasks/<task_id>/done")
@login_required
def done(task_id: str):
    """What happens now that the task is complete."""
    result = session.get(DONE_KEY)
    if not result or result.get("task_id") != task_id:
        return redirect(url_for("tasks.inbox"))
    steps = list(zip(result["next_steps"], result["waiting_on"], strict=False))
    return render_template("task_done.html", result=result, steps=steps)


CLAIM_DONE = {
    "claim": "You are working on this task now; colleagues see that.",
    "release": "The task is back with the group.",
    "assign": "The task was handed over.",
}


@bp.post("/tasks/<task_id>/<action>")
@login_required
def claim(task_id: str, action: str):
    """Claim a group task, give it back to the group, or hand it to a colleague."""
    engine = get_engine()
    if action not in CLAIM_DONE:
        abort(404)
    to = request.form.get("to", "").strip()
    try:
        if action == "claim":
            engine.claim_task(me().id, task_id)
        elif action == "release":
            engine.release_task(me().id, task_id)
        else:
            engine.assign_task(me().id, task_id, to)
    except InvalidInput as error:
        return _claim_refused(task_id, error, to, 422)
    except TaskAlreadyDone:
        raise
    except Conflict as error:
        return _claim_refused(task_id, error, to, 409)
    flash(_(CLAIM_DONE[action]), "info")
    if action == "claim":
        return redirect(url_for("tasks.show", task_id=task_id), code=303)
    # Released or handed over: the task may no longer be the user's to open.
    return redirect(url_for("tasks.inbox"), code=303)


def _claim_refused(task_id: str, error, to: str, status: int):
    """The task page again with why the claim action was refused (who holds it, for one)."""
    engine = get_engine()
    task = engine.get_task(me().id, task_id)
    values = initial_values(task.form.fields, task.values)
    page = _render(task, values, claim_error={"message": error_text(error), "to": to})
    return page, status


def _draft_action(engine, task_id: str):
    """Save the half-filled form as the person's draft (or discard it) and show the page again."""
    if request.form.get("discard_draft"):
        engine.discard_draft(me().id, task_id)
    else:
        task = engine.get_task(me().id, task_id)
        engine.save_draft(me().id, task_id, parse_form(task.form.fields, request.form))
    return redirect(url_for("tasks.show", task_id=task_id), code=303)


def _already_submitted(task_id: str, error: TaskAlreadyDone):
    """The person's own second submission (a double click): show what the first one did."""
    first = session.get(DONE_KEY)
    if first and first.get("task_id") == task_id:
        return redirect(url_for("tasks.done", task_id=task_id), code=303)
    return render_template("task_submitted.html", title=error.title, at=error.at,
                           instance_id=error.instance_id)


def row_change(task: TaskView) -> dict:
    """The form's data with a row added or removed (the no-JavaScript row buttons).

    Any view with a `form` will do (a task, or an earlier step's answers being changed).
    """
    add, remove = request.form.get("add_row"), request.form.get("remove_row")
    if add:
        name, action, index = add, "add", None
    else:  # "moderators-2": remove the third moderator
        name, _dash, number = remove.rpartition("-")
        action, index = "remove", int(number) if number.isdigit() else None
    spec = next((f for f in task.form.fields
                 if f.name == name and f.kind in ("list", "group")), None)
    if spec is None:
        abort(400)
    data = parse_form(task.form.fields, request.form, keep_empty_rows=True)
    data[name] = change_rows(spec, data.get(name) or [], action, index)
    return data


def _render(task: TaskView, values: dict, messages: dict | None = None, draft=None,
            claim_error: dict | None = None, comment: dict | None = None) -> str:
    fields, summary = build_form(task.form.fields, values, messages)
    engine = get_engine()
    if draft is None and messages is None:
        draft = engine.load_draft(me().id, task.id)
    colleagues = engine.task_colleagues(me().id, task.id) if task.group else []
    return render_template("task.html", task=task, fields=fields, summary=summary, draft=draft,
                           shown_when=task.form.shown_when(),
                           colleagues=colleagues, claim_error=claim_error, comment=comment,
                           conversation=engine.conversation(me().id, task.instance_id))


def task_page_with_comment(task_id: str, instance_id: str, comment: dict) -> str | None:
    """The task page again with a refused comment and what was typed (None: not this task)."""
    try:
        task = get_engine().get_task(me().id, task_id)
    except EngineError:
        return None  # completed or moved on meanwhile: the request page shows it instead
    if task.instance_id != instance_id:
        return None
    return _render(task, initial_values(task.form.fields, task.values), comment=comment)
