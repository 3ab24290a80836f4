"""Process owners' pages: the catalogue, versions, the shared draft, check, deploy, upload.

Auditors and admins read everything here; only process owners change anything, and the engine
decides both. JSON routes (the editor's) send the CSRF token in the X-CSRFToken header.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from engine import (
    Conflict,
    InvalidDiagram,
    InvalidInput,
    NotAllowed,
    NotFound,
    may_change_processes,
    may_read_processes,
)

from .context import get_engine, me
from .i18n import _
from .process_files import (
    download,
    draft_payload,
    folder_zip,
    json_error,
    json_words,
    lane_rows,
    pretty_json,
    problem_dicts,
)
from .wording import error_text, problem_text, process_event_text

bp = Blueprint("processes", __name__, url_prefix="/processes")
EDITOR = "process_editor.edit"  # the modeler page, when its blueprint is registered
JSON_SLACK = 256 * 1024  # JSON escaping and the forms beside a diagram of the limit's size


LARGE_BODIES = {"processes.save_files", "processes.upload"}


def raise_body_limits():
    """Let the editor's saves and uploads be as large as a draft may be, before anything (the
    CSRF check included) reads the body; every other route keeps the app's limit."""
    if request.endpoint in LARGE_BODIES:
        request.max_content_length = get_engine().processes.limits.upload_bytes + JSON_SLACK


def init_processes(app) -> None:
    """Register the body limits; call before CSRF protection is set up, so they come first."""
    app.before_request(raise_body_limits)


def _admin():
    return get_engine().processes


def _version_of(process_id: str, version_id: int):
    detail = _admin().version(me().id, version_id)
    if detail.process_id != process_id:
        raise NotFound("version.not_found")
    return detail


@bp.get("/")
@login_required
def catalogue():
    """Every process with its current version, running requests and open draft."""
    return render_template("processes_catalogue.html", processes=_admin().catalogue(me().id),
                           may_change=may_change_processes(me()))


@bp.get("/<process_id>")
@login_required
def show(process_id: str):
    """A process: its versions, its draft, deploys waiting for approval, what happened."""
    detail = _admin().process(me().id, process_id)
    return render_template("processes_process.html", process=detail,
                           activity=[(e, process_event_text(e.kind, e.params))
                                     for e in detail.activity])


@bp.get("/<process_id>/versions/<int:version_id>")
@login_required
def version(process_id: str, version_id: int):
    """One version: its diagram, forms and lane rules."""
    detail = _version_of(process_id, version_id)
    return render_template(
        "processes_version.html", version=detail, lanes=lane_rows(detail.source.lanes),
        forms=[(name, pretty_json(schema)) for name, schema in sorted(detail.source.forms.items())],
        lanes_json=pretty_json(detail.source.lanes), may_change=may_change_processes(me()))


@bp.get("/<process_id>/versions/<int:version_id>/diagram.bpmn")
@login_required
def version_diagram(process_id: str, version_id: int):
    """A version's diagram file."""
    detail = _version_of(process_id, version_id)
    return download(detail.source.bpmn_xml, f"{process_id}.bpmn", "application/xml")


@bp.get("/<process_id>/versions/<int:version_id>/download.zip")
@login_required
def version_zip(process_id: str, version_id: int):
    """A version as a zipped process folder."""
    detail = _version_of(process_id, version_id)
    return download(folder_zip(detail.source),
                    f"{process_id}-v{detail.summary.number}.zip", "application/zip")


@bp.post("/<process_id>/draft")
@login_required
def open_draft(process_id: str):
    """Open the shared draft from the chosen version (default: the current one)."""
    chosen = request.form.get("from_version", "")
    from_version = int(chosen) if chosen.isdigit() else None
    try:
        _admin().open_draft(me().id, process_id, from_version)
    except Conflict as error:
        if error.code != "draft.exists":
            raise
        flash(error_text(error), "info")
    return redirect(url_for(".draft", process_id=process_id), 303)


@bp.get("/<process_id>/draft")
@login_required
def draft(process_id: str):
    """The draft: its files, Check, the deploy form, discard and download."""
    problems = None
    if request.args.get("check") and may_change_processes(me()):
        problems = _admin().check_draft(me().id, process_id)
    return _draft_page(process_id, problems=problems)


def _draft_page(process_id: str, status: int = 200, **shown):
    view = _admin().draft(me().id, process_id)
    problems = shown.pop("problems", None)
    return render_template(
        "processes_draft.html", draft=view, may_change=may_change_processes(me()),
        editor=EDITOR in current_app.view_functions,
        forms=[(name, pretty_json(schema)) for name, schema in sorted(view.source.forms.items())],
        lanes=lane_rows(view.source.lanes),
        problems=None if problems is None else [(p, problem_text(p)) for p in problems],
        **shown), status


@bp.get("/<process_id>/draft/files.json")
@login_required
def draft_files(process_id: str):
    """The draft's files for the editor."""
    try:
        return draft_payload(_admin().draft(me().id, process_id))
    except (NotAllowed, NotFound) as error:
        return json_error(error, 403 if isinstance(error, NotAllowed) else 404)


@bp.post("/<process_id>/draft/files.json")
@login_required
def save_files(process_id: str):
    """Save the editor's changes made from a revision; 409 when someone saved since."""
    if not may_change_processes(me()):  # refused before reading the body (the engine would too)
        return json_error(NotAllowed("process.owners_only"), 403)
    try:
        body = json.loads(request.get_data(cache=False))
    except RequestEntityTooLarge:
        return json_words(_("What you sent is larger than the limit."), 413)
    except (ValueError, RecursionError):
        return json_words(_("The draft could not be read: it is not valid JSON."), 422)
    revision = body.get("revision") if isinstance(body, dict) else None
    if not isinstance(revision, int) or isinstance(revision, bool):
        return json_words(_("Say which revision of the draft the changes were made from."), 422)
    try:
        saved = _admin().save_draft(me().id, process_id, revision, bpmn_xml=body.get("bpmn"),
                                    forms=body.get("forms"), lanes=body.get("lanes"))
    except NotAllowed as error:
        return json_error(error, 403)
    except NotFound as error:
        return json_error(error, 404)
    except Conflict as error:
        return json_error(error, 409)
    except InvalidInput as error:
        return json_error(error, 422)
    return {"revision": saved.revision, "content_hash": saved.content_hash,
            "updated_by": saved.updated_by, "updated_at": saved.updated_at.isoformat()}


@bp.post("/<process_id>/draft/check.json")
@login_required
def check_json(process_id: str):
    """Check the draft as deploy would: every problem, with element and line."""
    try:
        problems = _admin().check_draft(me().id, process_id)
    except NotAllowed as error:
        return json_error(error, 403)
    except NotFound as error:
        return json_error(error, 404)
    return {"ok": not problems, "problems": problem_dicts(problems)}


@bp.post("/<process_id>/draft/check")
@login_required
def check(process_id: str):
    """Check the draft from its page (without scripts): the problems as a list."""
    return _draft_page(process_id, problems=_admin().check_draft(me().id, process_id))


@bp.post("/<process_id>/draft/deploy")
@login_required
def deploy(process_id: str):
    """Deploy the draft with a reason (or ask a second owner to approve it)."""
    reason = request.form.get("reason", "")
    revision = request.form.get("revision", "")
    if not revision.isdigit():
        return _draft_page(process_id, 400, reason=reason,
                           deploy_error=_("The form was incomplete. Reload the page."))
    try:
        outcome = _admin().deploy_draft(me().id, process_id, int(revision), reason)
    except InvalidDiagram as error:
        return _draft_page(process_id, 422, reason=reason, problems=error.problems,
                           deploy_error=_("The draft was not deployed: fix the problems "
                                          "below first."))
    except (InvalidInput, Conflict) as error:
        return _draft_page(process_id, 409 if isinstance(error, Conflict) else 422,
                           reason=reason, deploy_error=error_text(error))
    if outcome.deployed:
        flash(_("Version {n} is deployed: new requests start on it.",
                n=outcome.version.number), "success")
    else:
        flash(_("The deploy waits for another process owner's approval."), "info")
    return redirect(url_for(".show", process_id=process_id), 303)


@bp.post("/<process_id>/draft/discard")
@login_required
def discard(process_id: str):
    """Throw the draft away."""
    revision = request.form.get("revision", "")
    _admin().discard_draft(me().id, process_id, int(revision) if revision.isdigit() else -1)
    flash(_("The draft was discarded."), "info")
    return redirect(url_for(".show", process_id=process_id), 303)


@bp.get("/<process_id>/draft/download.zip")
@login_required
def draft_zip(process_id: str):
    """The draft as a zipped process folder."""
    view = _admin().draft(me().id, process_id)
    return download(folder_zip(view.source), f"{process_id}-draft-r{view.revision}.zip",
                    "application/zip")


@bp.get("/<process_id>/draft/diagram.bpmn")
@login_required
def draft_diagram(process_id: str):
    """The draft's diagram file."""
    view = _admin().draft(me().id, process_id)
    return download(view.source.bpmn_xml, f"{process_id}.bpmn", "application/xml")


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload():
    """A .bpmn file or a zipped process folder becomes a process's draft."""
    process_id = (request.values.get("process_id") or "")[:100] or None
    if request.method == "GET":
        if not may_read_processes(me()):  # the engine refuses the upload itself, too
            raise NotAllowed("process.readers_only")
        return render_template("processes_upload.html", process_id=process_id)
    if not may_change_processes(me()):  # said before asking for a file (the engine refuses too)
        raise NotAllowed("process.owners_only")
    try:
        sent = request.files.get("file")
        replace = request.form.get("replace_revision", "")
    except RequestEntityTooLarge:
        return _upload_page(process_id, 413, error=_(
            "The file is larger than the limit of {n} bytes.", n=_admin().limits.upload_bytes))
    if sent is None or not sent.filename:
        return _upload_page(process_id, 422, error=_("Choose a .bpmn or .zip file to upload."))
    try:
        view = _admin().upload(me().id, sent.filename, sent.read(), process_id=process_id,
                               replace_revision=int(replace) if replace.isdigit() else None)
    except InvalidDiagram as error:
        return _upload_page(process_id, 422, problems=[problem_text(p) for p in error.problems],
                            error=_("The file cannot become a draft:"))
    except Conflict as error:
        return _upload_page(process_id, 409, error=error_text(error),
                            replace=error.params.get("revision"))
    except InvalidInput as error:
        return _upload_page(process_id, 422, error=error_text(error))
    flash(_("{file} is now the draft of {process} (revision {n}).", file=sent.filename,
            process=view.process_id, n=view.revision), "success")
    return redirect(url_for(".draft", process_id=view.process_id, check=1), 303)


def _upload_page(process_id, status, **shown):
    return render_template("processes_upload.html", process_id=process_id, **shown), status


@bp.post("/deploys/<int:pending_id>/approve")
@login_required
def approve(pending_id: int):
    """A second process owner approves a waiting deploy."""
    outcome = _admin().approve_deploy(me().id, pending_id)
    flash(_("Version {n} is deployed: new requests start on it.", n=outcome.version.number),
          "success")
    return redirect(url_for(".show", process_id=outcome.process_id), 303)


@bp.post("/deploys/<int:pending_id>/reject")
@login_required
def reject(pending_id: int):
    """A second process owner rejects a waiting deploy."""
    process_id = _admin().reject_deploy(me().id, pending_id, request.form.get("reason", ""))
    flash(_("The deploy was rejected; the draft stays open."), "info")
    return redirect(url_for(".show", process_id=process_id), 303)
