"""Ending a running request early: an admin's cancellation or the requester's withdrawal.

Both are one event in the request's chain; in the same version-checked write the request takes
its new status, its waiting tasks (with their drafts) and timers go, and whoever a waiting task
was with can be told. The log keeps everything that happened before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import Conflict, NotFound
from engine.runtime import ready_user_tasks, restore
from engine.store import (
    Assignment,
    CurrentStep,
    Instance,
    NewEvent,
    NewMessage,
    ReadyTask,
    Timer,
    append_messages,
    assign,
    corrections_of,
    drop_task_drafts,
    write_correction,
)


def load_request(session: Session, instance_id: str) -> Instance:
    """An instance by id (NotFound if there is none); the caller decides what it may do."""
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("request.not_found")
    return instance


def ended_as(session: Session, process: LoadedProcess, instance: Instance) -> str | None:
    """How the record says a request ended ("cancelled", "withdrawn", "completed"), or None."""
    ended = corrections_of(session, instance.id).ended
    if ended:
        return ended
    return "completed" if restore(process, instance.state).is_completed() else None


def check_running(session: Session, process: LoadedProcess, instance: Instance) -> None:
    """Raise Conflict unless the record says the request still runs."""
    status = ended_as(session, process, instance)
    if status is not None:
        raise Conflict("request.not_running", status=status)


def holder_notices(session: Session, process: LoadedProcess, instance: Instance, kind: str,
                   params: dict) -> list[NewMessage]:
    """One message per waiting task, to whoever it is with by the record (not the requester)."""
    corrections = corrections_of(session, instance.id)
    claims = dict(session.execute(select(ReadyTask.id, ReadyTask.claimed_by)
                                  .where(ReadyTask.instance_id == instance.id)).all())
    messages = []
    for ready in ready_user_tasks(restore(process, instance.state), process):
        if ready.task_id in corrections.reassigned:
            holder = Assignment(corrections.reassigned[ready.task_id], None)
        else:
            holder = assign(session, process.lane_rules[ready.lane_id], instance.started_by)
        if holder.role and claims.get(ready.task_id):  # a claimed group task: its holder
            holder = Assignment(claims[ready.task_id], None)
        if holder.assignee_id == instance.started_by:
            continue  # the requester ended it and needs no word of it
        messages.append(NewMessage(kind, holder.assignee_id, holder.role, {
            **params, "task_id": ready.task_id, "task_name": ready.task_name,
            "task_title": ready.title, "request_title": instance.title.as_data()}))
    return messages


def end_request(session: Session, instance: Instance, process: LoadedProcess,
                event: NewEvent, status: str, now: datetime,
                messages: list[NewMessage] = ()) -> None:
    """Write the ending event and status; remove waiting tasks, their drafts and timers."""
    write_correction(session, instance, [event], process.content_hash, now,
                     status=status, current_step=CurrentStep(status).to_column())
    tasks = ReadyTask.__table__
    drop_task_drafts(session, session.scalars(
        select(tasks.c.id).where(tasks.c.instance_id == instance.id)).all())
    for table in (tasks, Timer.__table__):
        session.execute(table.delete().where(table.c.instance_id == instance.id))
    if messages:
        append_messages(session, instance.id, list(messages), now)
