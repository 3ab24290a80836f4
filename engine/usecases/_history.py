"""A request's history for people: what each event says, with the decisions made at each step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import EngineError, NotFound
from engine.runtime import MIGRATED
from engine.store import Deployment, Event, Instance, ProcessVersion, User

from ._answers import answer_section
from ._views import AnswerSection, HistoryEntry, VersionInfo

# Whether a completed task's data sent the request back (the procedure's `sends_back`).
SentBack = Callable[[str, str, Mapping[str, Any]], bool]

REVISION_LOOKBACK = 200  # events read to decide whether a task is being done again


def request_history(session: Session, catalog, instance: Instance) -> list[HistoryEntry]:
    """Every event of an instance, oldest first, with the answers given at each step."""
    return history_of(session, catalog, instance)[0]


def history_of(session: Session, catalog,
               instance: Instance) -> tuple[list[HistoryEntry], list[Event]]:
    """Every event of an instance, oldest first: as history entries, and the rows themselves.

    Each event is worded with the version in force when it happened: a move switches it.
    """
    rows = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.stream == instance.id).order_by(Event.seq)
    ).all()
    events = [event for event, _ in rows]
    behalf = _behalf_names(session, events)
    process = catalog.get(first_version(events, instance))
    entries = []
    for event, name in rows:
        if event.kind == MIGRATED:
            # A tampered move: the record check says so; the wording keeps the last version.
            with suppress(EngineError):
                process = catalog.get(event.payload.get("to_version_id"))
        entries.append(_entry(process, event, name, behalf))
    return entries, events


def version_in_force(events: list[Event], instance: Instance, upto_seq: int | None = None) -> int:
    """The version id an instance was on right after event `upto_seq` (default: the last)."""
    moves = [e for e in events if e.kind == MIGRATED]
    done = [e for e in moves if upto_seq is None or e.seq <= upto_seq]
    if done:
        return done[-1].payload.get("to_version_id")
    return moves[0].payload.get("from_version_id") if moves else instance.version_id


def first_version(events: list[Event], instance: Instance) -> int:
    """The version an instance started on, by its log."""
    return version_in_force(events, instance, upto_seq=0)


def versions_in_log(session: Session, instance: Instance) -> list[int]:
    """Every version an instance has been on: its moves' versions and its own."""
    payloads = session.scalars(select(Event.payload).where(
        Event.stream == instance.id, Event.kind == MIGRATED)).all()
    found = {instance.version_id}
    for payload in payloads:
        found |= {v for v in (payload.get("from_version_id"), payload.get("to_version_id"))
                  if isinstance(v, int)}
    return sorted(found)


def version_info(session: Session, version_id: int) -> VersionInfo:
    """A version's number among its process's versions, its first deployment and its hash."""
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise NotFound("version.not_found")
    first = session.execute(
        select(Deployment.deployed_at, User.name).outerjoin(User, User.id == Deployment.deployed_by)
        .where(Deployment.version_id == version.id).order_by(Deployment.id).limit(1)).first()
    return VersionInfo(version.process_id, version.number, version.content_hash,
                       first.deployed_at if first else None, first.name if first else None,
                       version.id)


# What a history entry may say: each code with the names of its parameters.
HISTORY_CODES: dict[str, tuple[str, ...]] = {
    "history.started": ("actor",),
    "history.started_automatically": (),
    # actor (None: the system), the step's title, the decision's values (labels or booleans)
    "history.task_completed": ("actor", "title", "decision"),
    # holiday cover: the same, by a substitute for the covered person
    "history.task_completed_for": ("actor", "title", "decision", "for"),
    "history.timer_fired": ("timer",),
    "history.completed": (),
    # an admin's corrections: who, the reason they gave, and what changed
    "history.task_reassigned": ("actor", "title", "from", "to", "reason"),
    "history.cancelled": ("actor", "reason"),
    "history.withdrawn": ("actor", "reason"),  # by the requester; the reason may be empty
    "history.answer_corrected": ("actor", "title", "field", "before", "after", "reason"),
    # the requester changed answers of a step before sending the request on: the fields' labels
    "history.answer_amended": ("actor", "title", "fields"),
    # a process owner moved the request to another version: numbers of both, the reason
    "history.migrated": ("actor", "from", "to", "reason"),
    # group tasks: who took, gave back or handed over a step (from: the previous holder)
    "history.task_claimed": ("actor", "title"),
    "history.task_released": ("actor", "title", "from"),
    "history.task_assigned": ("actor", "title", "from", "to"),
    "history.comment_added": ("actor", "text"),  # a comment in the request's conversation
    "history.event": ("event",),  # any other event, by its kind
}


def _behalf_names(session: Session, events: list[Event]) -> dict[int, str]:
    """The names of the people substitutes completed steps for (holiday cover)."""
    ids = {e.payload.get("on_behalf_of") for e in events if e.kind == "task_completed"} - {None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _entry(process: LoadedProcess, event: Event, actor: str | None,
           behalf: dict[int, str] | None = None) -> HistoryEntry:
    details = None
    if event.kind == "task_completed":
        details = answer_section(process, event.task_name, event.payload.get("data", {}))
    elif event.kind == "answer_amended":  # the new answers, as the amendment recorded them
        details = answer_section(process, event.task_name, event.payload.get("after") or {})
    code, params = _what(process, event, actor)
    covered = event.payload.get("on_behalf_of") if event.kind == "task_completed" else None
    if covered is not None:  # holiday cover: a substitute acted for the covered person
        code, params = "history.task_completed_for", {
            **params, "for": (behalf or {}).get(covered, str(covered))}
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


def _withdrawn(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    return "history.withdrawn", {"actor": actor, "reason": event.payload.get("reason")}


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


def _amended(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    p = event.payload
    names = sorted(p.get("after") or {})
    fields = [getattr(_form_field(process, event.task_name, name), "title", None) or name
              for name in names]
    return "history.answer_amended", {"actor": actor, "title": p.get("title", event.task_name),
                                      "fields": fields}


def _migrated(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    p = event.payload
    return "history.migrated", {"actor": actor, "from": p.get("from_number"),
                                "to": p.get("to_number"), "reason": p.get("reason")}


def _claim(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    p = event.payload
    params = {"actor": actor, "title": p.get("title", event.task_name)}
    if event.kind != "task_claimed":
        params["from"] = p.get("from_name")
    if event.kind == "task_assigned":
        params["to"] = p.get("to_name")
    return f"history.{event.kind}", params


def _comment(process: LoadedProcess, event: Event, actor: str | None) -> tuple[str, dict]:
    return "history.comment_added", {"actor": actor, "text": event.payload.get("text", "")}


_CORRECTIONS = {"task_reassigned": _reassigned, "request_cancelled": _cancelled,
                "request_withdrawn": _withdrawn,
                "answer_corrected": _corrected, "answer_amended": _amended, MIGRATED: _migrated,
                "task_claimed": _claim, "task_released": _claim, "task_assigned": _claim,
                "comment_added": _comment}


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
                  task_name: str, sent_back: SentBack) -> AnswerSection | None:
    """What sent a task back, when it is being done again: the latest step from another lane.

    Shown only on a revision that a send-back caused, so a first registration form does not
    read the manager's approval as if it had been sent back, nor a manager's re-approval the
    requester's revised answers.
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
    # Only a decision that sent the request back was addressed to this step's person.
    if not sent_back(process.process_id, sender.task_name, sender.payload.get("data", {})):
        return None
    return answer_section(process, sender.task_name, sender.payload.get("data", {}))
