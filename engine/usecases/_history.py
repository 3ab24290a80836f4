"""A request's history for people: what each event says, with the decisions made at each step."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import NotFound
from engine.store import Deployment, Event, ProcessVersion, User

from ._answers import answer_section
from ._views import AnswerSection, HistoryEntry, VersionInfo

REVISION_LOOKBACK = 200  # events read to decide whether a task is being done again


def request_history(session: Session, process: LoadedProcess,
                    instance_id: str) -> list[HistoryEntry]:
    """Every event of an instance, oldest first, with the answers given at each step."""
    return history_of(session, process, instance_id)[0]


def history_of(session: Session, process: LoadedProcess,
               instance_id: str) -> tuple[list[HistoryEntry], list[Event]]:
    """Every event of an instance, oldest first: as history entries, and the rows themselves."""
    rows = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.stream == instance_id).order_by(Event.seq)
    ).all()
    return [_entry(process, event, name) for event, name in rows], [event for event, _ in rows]


def version_info(session: Session, version_id: int) -> VersionInfo:
    """A version's number among its process's versions, its first deployment and its hash."""
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise NotFound("version.not_found")
    first = session.execute(
        select(Deployment.deployed_at, User.name).outerjoin(User, User.id == Deployment.deployed_by)
        .where(Deployment.version_id == version.id).order_by(Deployment.id).limit(1)).first()
    return VersionInfo(version.process_id, version.number, version.content_hash,
                       first.deployed_at if first else None, first.name if first else None)


# What a history entry may say: each code with the names of its parameters.
HISTORY_CODES: dict[str, tuple[str, ...]] = {
    "history.started": ("actor",),
    "history.started_automatically": (),
    # actor (None: the system), the step's title, the decision's values (labels or booleans)
    "history.task_completed": ("actor", "title", "decision"),
    "history.timer_fired": ("timer",),
    "history.completed": (),
    # an admin's corrections: who, the reason they gave, and what changed
    "history.task_reassigned": ("actor", "title", "from", "to", "reason"),
    "history.cancelled": ("actor", "reason"),
    "history.answer_corrected": ("actor", "title", "field", "before", "after", "reason"),
    "history.event": ("event",),  # any other event, by its kind
}


def _entry(process: LoadedProcess, event: Event, actor: str | None) -> HistoryEntry:
    details = None
    if event.kind == "task_completed":
        details = answer_section(process, event.task_name, event.payload.get("data", {}))
    code, params = _what(process, event, actor)
    return HistoryEntry(event.seq, event.kind, event.created_at, actor, event.task_name,
                        event.payload.get("title"), code, params, details, event.task_id)


def _what(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    """The code and parameters of what an event says."""
    if event.kind == "instance_started":
        if actor:
            return "history.started", {"actor": actor}
        return "history.started_automatically", {}
    if event.kind == "task_completed":
        return "history.task_completed", {
            "actor": actor, "title": event.payload.get("title", event.task_name),
            "decision": decision_of(process, event.task_name, event.payload.get("data", {}))}
    if event.kind == "timer_fired":
        return "history.timer_fired", {"timer": event.payload.get("timer")}
    if event.kind == "instance_completed":
        return "history.completed", {}
    if event.kind in _CORRECTIONS:
        return _CORRECTIONS[event.kind](process, event, actor)
    return "history.event", {"event": event.kind}


def _reassigned(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    p = event.payload
    return "history.task_reassigned", {
        "actor": actor, "title": p.get("title", event.task_name),
        "from": p.get("from_name") or p.get("from_lane"), "to": p.get("to_name"),
        "reason": p.get("reason")}


def _cancelled(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    return "history.cancelled", {"actor": actor, "reason": event.payload.get("reason")}


def _corrected(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    p = event.payload
    field = _form_field(process, event.task_name, p.get("field"))
    shown = field.label_for if field is not None else (lambda value: value)
    return "history.answer_corrected", {
        "actor": actor, "title": p.get("title", event.task_name),
        "field": field.title if field is not None else p.get("field"),
        "before": None if p.get("before") is None else shown(p["before"]),
        "after": None if p.get("after") is None else shown(p["after"]),
        "reason": p.get("reason")}


_CORRECTIONS = {"task_reassigned": _reassigned, "request_cancelled": _cancelled,
                "answer_corrected": _corrected}


def _form_field(process: LoadedProcess, task_name: str | None, name: str | None):
    """A field of a task's form, by name (None when the version has no such field)."""
    info = process.user_tasks.get(task_name or "")
    return next((f for f in info.form.fields if f.name == name), None) if info else None


def decision_of(process: LoadedProcess, task_name: str | None, data: dict) -> list:
    """The choices made at a step that steer the flow: labels, or booleans as they are."""
    info = process.user_tasks.get(task_name or "")
    if info is None:
        return []
    return [data[f.name] if isinstance(data[f.name], bool) else f.label_for(data[f.name])
            for f in info.form.fields if f.name in process.decision_fields and f.name in data]


def revision_note(session: Session, process: LoadedProcess, instance_id: str,
                  task_name: str) -> AnswerSection | None:
    """What sent a task back, when it is being done again: the latest step from another lane.

    Shown only on a revision, so a first registration form does not read the manager's
    approval as if it had been sent back.
    """
    lane_id = process.user_tasks[task_name].lane_id
    events = session.scalars(
        select(Event).where(Event.stream == instance_id, Event.kind == "task_completed")
        .order_by(Event.seq.desc()).limit(REVISION_LOOKBACK)).all()
    sender = next((e for e in events if e.task_name in process.user_tasks
                   and process.user_tasks[e.task_name].lane_id != lane_id), None)
    if sender is None or not any(e.task_name == task_name and e.seq < sender.seq
                                 for e in events):
        return None
    return answer_section(process, sender.task_name, sender.payload.get("data", {}))
