"""Writing one step of an instance: state, ready tasks, timers and events in one transaction.

The caller has already done the SpiffWorkflow work; here the row is updated only if its version
counter is still the one the work started from, so of two racing writers exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import Conflict
from engine.runtime import Snapshot

from ._assignment import Assignment, assign
from ._corrections import corrections_of
from ._events import NewEvent, append_events
from ._models import Instance, ReadyTask, Timer
from ._outbox import NewMessage, append_messages
from ._steps import CurrentStep
from ._task_drafts import drop_task_drafts
from ._titles import Title


@dataclass
class Transition:
    """One step of one instance, ready to be written."""

    instance_id: str
    process: LoadedProcess
    version_id: int
    snapshot: Snapshot
    started_by: int
    title: Title
    events: list[NewEvent] = field(default_factory=list)
    expected_lock: int | None = None  # None: a new instance
    account_id: int | None = None
    messages: list[NewMessage] = field(default_factory=list)  # besides "task_ready" ones
    sent_back: bool = False  # the step sent the request back: tasks it makes ready are flagged

    @property
    def status(self) -> str:
        """running or completed."""
        return "completed" if self.snapshot.completed else "running"

    def current_step(self) -> CurrentStep:
        """Where the instance stands, as a code with parameters."""
        if self.snapshot.completed:
            return CurrentStep("completed")
        if self.snapshot.ready:
            titles = sorted({r.title for r in self.snapshot.ready})
            return CurrentStep("at_tasks", {"tasks": titles})
        if self.snapshot.timers:
            timer = min(self.snapshot.timers, key=lambda t: t.due_at)
            return CurrentStep("timer", {"timer": timer.name,
                                         "due": timer.due_at.date().isoformat()})
        return CurrentStep("waiting")


def write_transition(session: Session, step: Transition, now: datetime) -> list[str]:
    """Write the step, or raise Conflict if the instance moved on since it was read.

    Returns the names of the tasks that became ready; each got a "task_ready" message.
    """
    if step.expected_lock is None:
        _insert_instance(session, step, now)
    else:
        _update_instance(session, step, now)
    newly_ready = _replace_ready_tasks(session, step, now)
    _replace_timers(session, step)
    append_messages(session, step.instance_id, step.messages, now)
    events = list(step.events)
    if step.snapshot.completed:
        events.append(NewEvent("instance_completed", {"status": "completed"}))
    try:
        append_events(session, step.instance_id, events, step.process.content_hash, now,
                      instance_id=step.instance_id)
        session.flush()
    except IntegrityError:
        raise Conflict("instance.changed") from None
    return newly_ready


def _insert_instance(session: Session, step: Transition, now: datetime) -> None:
    session.add(Instance(
        id=step.instance_id, process_id=step.process.process_id, version_id=step.version_id,
        status=step.status, title=step.title, current_step=step.current_step().to_column(),
        started_by=step.started_by, account_id=step.account_id, created_at=now, updated_at=now,
        completed_at=now if step.snapshot.completed else None, state=step.snapshot.state,
        lock_version=1,
    ))
    session.flush()


def _update_instance(session: Session, step: Transition, now: datetime) -> None:
    values = dict(
        state=step.snapshot.state, status=step.status, current_step=step.current_step().to_column(),
        title=step.title, updated_at=now, lock_version=step.expected_lock + 1,
        version_id=step.version_id,  # a move to another version writes its new one
    )
    if step.snapshot.completed:
        values["completed_at"] = now
    # Core statements on the tables: the ORM-enabled forms cost more and gain nothing here.
    instances = Instance.__table__
    result = session.execute(
        instances.update()
        .where(instances.c.id == step.instance_id,
               instances.c.lock_version == step.expected_lock)
        .values(**values)
    )
    if result.rowcount != 1:
        raise Conflict("instance.changed")


def _replace_ready_tasks(session: Session, step: Transition, now: datetime) -> list[str]:
    # Tasks still ready keep the time they became ready (the inbox's "waiting since").
    table = ReadyTask.__table__
    kept = {row.id: row for row in session.execute(
        table.delete().where(table.c.instance_id == step.instance_id)
        .returning(table.c.id, table.c.created_at, table.c.claimed_by, table.c.claimed_at,
                   table.c.sent_back)
    ).all()}
    # A task still ready keeps the person an admin reassigned it to (the log says who).
    reassigned = corrections_of(session, step.instance_id).reassigned if kept else {}
    newly_ready: list[str] = []
    # A task no longer ready (completed, or moved on) takes its drafts with it.
    drop_task_drafts(session, set(kept) - {ready.task_id for ready in step.snapshot.ready})
    for ready in step.snapshot.ready:
        if ready.task_id in reassigned:
            target = Assignment(reassigned[ready.task_id], None)
        else:
            target = assign(session, step.process.lane_rules[ready.lane_id], step.started_by)
        session.add(ReadyTask(
            id=ready.task_id, instance_id=step.instance_id, task_name=ready.task_name,
            task_title=ready.title, lane=ready.lane_id,
            lane_name=step.process.user_tasks[ready.task_name].lane_name,
            assignee_id=target.assignee_id,
            role=target.role, requester_id=step.started_by, request_title=step.title,
            created_at=kept[ready.task_id].created_at if ready.task_id in kept else now,
            due_at=ready.due_at,
            # A task still ready keeps whoever claimed it; a completed one took its claim along.
            claimed_by=kept[ready.task_id].claimed_by if ready.task_id in kept else None,
            claimed_at=kept[ready.task_id].claimed_at if ready.task_id in kept else None,
            sent_back=kept[ready.task_id].sent_back if ready.task_id in kept else step.sent_back,
        ))
        if ready.task_id not in kept:
            newly_ready.append(ready.task_name)
            append_messages(session, step.instance_id, [NewMessage(
                "task_ready", target.assignee_id, target.role,
                {"task_id": ready.task_id, "task_name": ready.task_name,
                 "task_title": ready.title,
                 "request_title": step.title.as_data()})], now)
    return newly_ready


def _replace_timers(session: Session, step: Transition) -> None:
    table = Timer.__table__
    session.execute(table.delete().where(table.c.instance_id == step.instance_id))
    for timer in step.snapshot.timers:
        session.add(Timer(instance_id=step.instance_id, task_id=timer.task_id,
                          name=timer.name, due_at=timer.due_at))
