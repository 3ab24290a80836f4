"""Requests: start one, list mine, and follow one (answers, history, progress diagram)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from werkzeug.exceptions import NotFound

from engine import RequestView

from .context import get_engine, may_start_requests, me

bp = Blueprint("requests", __name__, url_prefix="/requests")
VIEWER_FILE = "bpmn-navigated-viewer.production.min.js"


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
    view = get_engine().get_request(me().id, instance_id)
    return render_template("request.html", req=view, diagram=diagram_available(),
                           my_task_ids=_my_task_ids(view),
                           may_audit=get_engine().may_audit(me().id))


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
            raise NotFound()
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
    xml = get_engine().request_diagram(me().id, instance_id)
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

