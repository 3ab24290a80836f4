"""The requester's check of every answer before the request goes to the manager."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import Conflict, InvalidForm, TaskAlreadyDone

from .context import get_engine, me
from .formdata import parse_form
from .formview import build_form, initial_values
from .i18n import _
from .tasks import remember_done, row_change
from .wording import error_text

bp = Blueprint("answers", __name__, url_prefix="/requests")


@bp.get("/<instance_id>/answers")
@login_required
def show(instance_id: str):
    """Every requester step's answers, each with Change, and the Send to manager button."""
    try:
        view = get_engine().answer_check(me().id, instance_id)
    except Conflict as error:
        if error.code != "answers.already_sent":
            raise
        flash(error_text(error), "info")  # sent already: the request page says where it is
        return redirect(url_for("requests.show", instance_id=instance_id), code=303)
    return render_template("answers_check.html", view=view)


@bp.post("/<instance_id>/answers")
@login_required
def send(instance_id: str):
    """Complete the held step from the kept answers; a second press only shows the first."""
    task_id = request.form.get("task_id", "")[:36]
    try:
        result = get_engine().send_answers(me().id, task_id)
    except TaskAlreadyDone as error:
        if error.by_id != me().id:
            raise
        flash(_("Your answers were sent already."), "info")
        return redirect(url_for("requests.show", instance_id=instance_id), code=303)
    except InvalidForm:
        flash(_("Some answers of this step are missing. Fill them in and submit again."),
              "error")
        return redirect(url_for("tasks.show", task_id=task_id), code=303)
    remember_done(task_id, result)
    return redirect(url_for("tasks.done", task_id=task_id), code=303)


@bp.get("/<instance_id>/answers/<task_id>/edit")
@login_required
def edit(instance_id: str, task_id: str):
    """An earlier step's form, prefilled with its answers as they stand."""
    view = get_engine().amend_form(me().id, task_id)
    return _render(view, initial_values(view.form.fields, view.values))


@bp.post("/<instance_id>/answers/<task_id>/edit")
@login_required
def amend(instance_id: str, task_id: str):
    """Save the changed answers and go back to the check page; bad input keeps what was typed."""
    engine = get_engine()
    if request.form.get("add_row") or request.form.get("remove_row"):
        view = engine.amend_form(me().id, task_id)
        return _render(view, row_change(view))
    typed: dict = {}

    def read(fields):
        typed.update(parse_form(fields, request.form))
        return typed

    try:
        changed_in = engine.amend_answers(me().id, task_id, read)
    except InvalidForm as error:
        return _render(engine.amend_form(me().id, task_id), typed, error.messages), 422
    flash(_("Your answers were changed."), "info")
    return redirect(url_for("answers.show", instance_id=changed_in), code=303)


def _render(view, values: dict, messages: dict | None = None) -> str:
    fields, summary = build_form(view.form.fields, values, messages)
    return render_template("answers_edit.html", view=view, fields=fields, summary=summary)
