"""A request's history for people: what each event says, with the decisions made at each step."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.store import Event, User

from ._answers import answer_section
from ._views import AnswerSection, HistoryEntry

REVISION_LOOKBACK = 200  # events read to decide whether a task is being done again


def request_history(session: Session, process: LoadedProcess,
                    instance_id: str) -> list[HistoryEntry]:
    """Every event of an instance, oldest first, with the answers given at each step."""
    rows = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.stream == instance_id).order_by(Event.seq)
    ).all()
    return [_entry(process, event, name) for event, name in rows]


def _entry(process: LoadedProcess, event: Event, actor: str | None) -> HistoryEntry:
    details = None
    if event.kind == "task_completed":
        details = answer_section(process, event.task_name, event.payload.get("data", {}))
    return HistoryEntry(event.seq, event.kind, event.created_at, actor, event.task_name,
                        event.payload.get("title"), _summary(process, event, actor), details)


def _summary(process: LoadedProcess, event: Event, actor: str | None) -> str:
    who = actor or "The system"
    if event.kind == "instance_started":
        return f"{who} started the request" if actor else "The review cycle started"
    if event.kind == "task_completed":
        title = event.payload.get("title", event.task_name)
        decision = decision_of(process, event.task_name, event.payload.get("data", {}))
        return f"{who} completed '{title}'" + (f": {decision}" if decision else "")
    if event.kind == "timer_fired":
        return f"Timer '{event.payload.get('timer')}' fired"
    if event.kind == "instance_completed":
        return "The process reached its end"
    return event.kind.replace("_", " ")


def decision_of(process: LoadedProcess, task_name: str | None, data: dict) -> str:
    """The labels of the choices made at a step that steer the flow, or an empty string."""
    info = process.user_tasks.get(task_name or "")
    if info is None:
        return ""
    return ", ".join(f.label_for(data[f.name]) for f in info.form.fields
                     if f.name in process.decision_fields and f.name in data)


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
