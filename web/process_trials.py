"""Trying a process before it runs (a dry run, nothing saved) and comparing two versions.

The dry-run page is stateless: the answers given so far travel in a hidden field as JSON, and
every post runs the whole path again from the start, each answer checked again by its form.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from engine import (
    DRY_RUN_MAX_ANSWERS,
    InvalidDiagram,
    InvalidInput,
    NotAllowed,
    Trial,
    may_change_processes,
)

from .context import get_engine, me
from .formdata import change_rows, parse_form
from .formview import build_form, initial_values
from .i18n import _
from .requests import diagram_available
from .trial_wording import (
    attribute_text,
    failure_text,
    refusal_text,
    state_text,
    tag_text,
    value_text,
)
from .wording import problem_text

bp = Blueprint("trials", __name__, url_prefix="/processes")
MAX_ANSWERS_BYTES = 256_000  # far more than any path's answers; bounds a hostile post
MAX_ANSWERS = DRY_RUN_MAX_ANSWERS
for _name, _filter in (("tag_text", tag_text), ("trial_state", state_text),
                       ("attribute_text", attribute_text), ("change_value", value_text)):
    bp.add_app_template_filter(_filter, _name)


# ---- the dry-run pages ------------------------------------------------------------------------


@bp.route("/<process_id>/versions/<int:version_id>/try", methods=["GET", "POST"])
@login_required
def try_version(process_id: str, version_id: int):
    """Dry-run a deployed version: answer each step and see the path, nothing saved."""
    def run(answers):
        return get_engine().trials.try_version(me().id, process_id, version_id, answers)
    here = url_for("trials.try_version", process_id=process_id, version_id=version_id)
    xml_url = url_for("processes.version_diagram", process_id=process_id, version_id=version_id)
    return _trial_page(run, here, xml_url)


@bp.route("/<process_id>/draft/try", methods=["GET", "POST"])
@login_required
def try_draft(process_id: str):
    """Dry-run the draft (process owners); a draft that fails Check shows its problems."""
    def run(answers):
        return get_engine().trials.try_draft(me().id, process_id, answers)
    here = url_for("trials.try_draft", process_id=process_id)
    xml_url = url_for("processes.draft_diagram", process_id=process_id)
    try:
        return _trial_page(run, here, xml_url)
    except InvalidDiagram as refused:
        return render_template("process_try_refused.html", process_id=process_id,
                               problems=[problem_text(p) for p in refused.problems]), 422


def _trial_page(run, here: str, xml_url: str):
    if request.method == "GET":
        return _show(run([]), [], here, xml_url)
    # Every answer is authorized by the engine; a post that carries none (start over, a form
    # that cannot be read) is refused here by the same rule: forms under /processes are owners'.
    if not may_change_processes(me()):
        raise NotAllowed("process.owners_only")
    if request.form.get("start_over"):
        return redirect(here, code=303)
    answers, unreadable = read_answers(request.form.get("answers", "[]"))
    if unreadable:
        note = _("The answers so far could not be read, so the run starts over.")
        return _show(run([]), [], here, xml_url, note=note), 400
    try:
        trial = run(answers)
    except InvalidInput:
        note = _("The answers so far could not be read, so the run starts over.")
        return _show(run([]), [], here, xml_url, note=note), 400
    if trial.run.refused is not None:  # an earlier answer no longer fits: show it to correct
        return _show(trial, answers, here, xml_url), 422
    fire = request.form.get("fire")
    if fire:
        after = run([*answers, (fire, {})])
        status = 422 if after.run.refused is not None else 200
        return _show(after, [*answers, (fire, {})], here, xml_url), status
    waiting = {task.name: task for task in trial.run.waiting}
    task = waiting.get(request.form.get("task", ""))
    if task is None:
        note = _("That step is not waiting any more; here is where the run stands.")
        return _show(trial, answers, here, xml_url, note=note), 409
    if request.form.get("add_row") or request.form.get("remove_row"):
        return _show(trial, answers, here, xml_url, typed=(task.name, _row_change(task)))
    data = parse_form(task.form.fields, request.form)
    after = run([*answers, (task.name, data)])
    status = 422 if after.run.refused is not None else 200
    return _show(after, [*answers, (task.name, data)], here, xml_url), status


def read_answers(raw: str) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
    """The hidden field's answers as (id, answer) pairs, and whether it could not be read."""
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        return [], True
    try:
        value = json.loads(raw or "[]")
    except (ValueError, RecursionError):
        return [], True
    if not isinstance(value, list) or len(value) > MAX_ANSWERS:
        return [], True
    pairs = []
    for pair in value:
        if (not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str)
                or not isinstance(pair[1], dict)):
            return [], True
        pairs.append((pair[0], pair[1]))
    return pairs, False


def _row_change(task) -> dict:
    """The typed answer with a row added or removed (the no-JavaScript row buttons)."""
    add, remove = request.form.get("add_row"), request.form.get("remove_row")
    name, action, index = (add, "add", None) if add else _row_of(remove)
    spec = next((f for f in task.form.fields if f.name == name and f.kind in ("list", "group")),
                None)
    if spec is None:
        abort(400)
    data = parse_form(task.form.fields, request.form, keep_empty_rows=True)
    data[name] = change_rows(spec, data.get(name) or [], action, index)
    return data


def _row_of(value: str) -> tuple[str, str, int | None]:
    name, _dash, number = value.rpartition("-")  # "moderators-2": the third moderator
    return name, "remove", int(number) if number.isdigit() and len(number) < 4 else None


def _show(trial: Trial, answers: list, here: str, xml_url: str, note: str | None = None,
          typed: tuple[str, dict] | None = None) -> str:
    """The dry-run page: the path on the diagram and in words, and the next form to answer."""
    run = trial.run
    refused = run.refused
    kept = answers[:refused.index] if refused is not None else answers[:run.used]
    task = None
    fields, summary = [], []
    if run.waiting:
        task = run.waiting[0]
        if refused is not None and refused.form_error is not None:
            task = next((t for t in run.waiting if t.name == refused.name), task)
            values = answers[refused.index][1]
            fields, summary = build_form(task.form.fields, values, refused.form_error.messages)
        else:
            values = typed[1] if typed and typed[0] == task.name else _last_answer(kept, task)
            fields, summary = build_form(task.form.fields,
                                         initial_values(task.form.fields, values))
    return render_template(
        "process_try.html", trial=trial, run=run, here=here, xml_url=xml_url,
        diagram=diagram_available(), task=task, fields=fields, summary=summary, note=note,
        answers_json=json.dumps(kept, ensure_ascii=False, separators=(",", ":")),
        refused=refusal_text(refused) if refused is not None else None,
        failure=failure_text(run.failure) if run.failure is not None else None,
        answered=len(kept),
    )


def _last_answer(answers: list, task) -> dict:
    """What was answered to this task the last time the run passed it (a revised step)."""
    for name, data in reversed(answers):
        if name == task.name:
            return data
    return {}


# ---- comparing two versions -------------------------------------------------------------------


@bp.get("/<process_id>/compare")
@login_required
def compare(process_id: str):
    """Two versions side by side: changed elements coloured and listed, forms and lanes.

    Without `a` it compares `b` (else the newest version) with the version before it.
    """
    trials = get_engine().trials
    versions = trials.versions(me().id, process_id)  # authorizes first
    if not versions:
        abort(404)
    a, b = _chosen(request.args.get("a"), request.args.get("b"), versions)
    comparison = trials.compare(me().id, process_id, a, b)
    return render_template(
        "process_compare.html", process_id=process_id, c=comparison, versions=versions,
        diagram=diagram_available(), bundle=_bundle_version("compare.js"),
        a_url=url_for("processes.version_diagram", process_id=process_id, version_id=a),
        b_url=url_for("processes.version_diagram", process_id=process_id, version_id=b))


def _chosen(a: str | None, b: str | None, versions: list) -> tuple[int, int]:
    """The version ids asked for. Only `b`: it and the version before it (the version page's
    "compare with the previous version"); neither: the newest and the one before it."""
    if a is None:
        if b is None:
            b = str(versions[-1].version_id)
        ids = [v.version_id for v in versions]
        if not (b.isdigit() and len(b) < 12 and int(b) in ids):
            abort(404)
        index = ids.index(int(b))
        return ids[max(index - 1, 0)], int(b)
    if not (a and b and a.isdigit() and b.isdigit() and len(a) < 12 and len(b) < 12):
        abort(404)
    return int(a), int(b)


def _bundle_version(name: str) -> str | None:
    """A token that changes with every build (for the bundle's URL), or None when not built."""
    try:
        return str(int((current_app.config["ASSETS_BUILD_DIR"] / name).stat().st_mtime))
    except OSError:
        return None
