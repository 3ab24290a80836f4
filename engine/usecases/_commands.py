"""The engine's use cases that change things: start a request, complete a task, fire timers.

Each does its SpiffWorkflow work on a copy read in its own short transaction, then writes the
result in one short transaction checked against the instance's version counter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from engine.accounts import REQUEST_PROCESS, apply_follow_up, plan_follow_up
from engine.errors import Conflict, NotFound
from engine.runtime import complete_user_task, fire_timers, restore, start_workflow
from engine.store import (
    Catalog,
    Instance,
    NewEvent,
    ReadyTask,
    Timer,
    Transition,
    User,
    approver_of,
    write_transition,
)

from ._access import check_may_act, raise_if_done, who_acts
from ._directory import load_user
from ._views import CompletionResult, TimerSweep, UserView, WaitingOn


@dataclass
class _Loaded:
    instance: Instance
    task: ReadyTask | None
    user: UserView


class Commands:
    """Use cases that change state."""

    def __init__(self, uow, catalog: Catalog, clock, settings):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.settings = settings

    def start_request(self, user_id: int, process_id: str = REQUEST_PROCESS) -> str:
        """Start a new request on the newest deployed version; returns its id."""
        with self.uow.read() as session:
            load_user(session, user_id)
            if process_id == REQUEST_PROCESS:
                approver_of(session, user_id)  # refuse now, not when the approval step comes
        version_id, process = self.catalog.current(process_id)
        snapshot = start_workflow(process, {}, self.clock)
        step = Transition(
            instance_id=str(uuid.uuid4()), process=process, version_id=version_id,
            snapshot=snapshot, started_by=user_id, title="New social media account",
            events=[NewEvent("instance_started", {"process_id": process_id}, actor_id=user_id)],
        )
        with self.uow.write() as session:
            write_transition(session, step, self.clock.now())
        return step.instance_id

    def complete_task(self, user_id: int, task_id: str, data: dict[str, Any]) -> CompletionResult:
        """Validate a form, complete the task and move the request on."""
        loaded = self._load_for_task(user_id, task_id)
        task, instance = loaded.task, loaded.instance
        check_may_act(loaded.user, task)
        process = self.catalog.get(instance.version_id)
        info = process.user_tasks[task.task_name]
        cleaned = info.form.validate(data)
        workflow = restore(process, instance.state)
        snapshot = complete_user_task(workflow, process, task_id, cleaned, self.clock)
        step = Transition(
            instance_id=instance.id, process=process, version_id=instance.version_id,
            snapshot=snapshot, started_by=instance.started_by,
            title=_title(instance.title, snapshot.data), expected_lock=instance.lock_version,
            account_id=instance.account_id,
            events=[NewEvent("task_completed", {"title": info.title, "data": cleaned},
                             actor_id=user_id, task_id=task_id, task_name=task.task_name)],
        )
        follow_up = plan_follow_up(self, instance, snapshot)
        now = self.clock.now()
        with self.uow.write() as session:
            write_transition(session, step, now)
            apply_follow_up(session, follow_up, instance, snapshot, now)
            waiting = _waiting_on(session, instance.id, user_id)
        return CompletionResult(
            instance_id=step.instance_id, completed_title=info.title, status=step.status,
            next_steps=tuple(title for title, _, _ in waiting),
            waiting_on=tuple(who for _, who, _ in waiting),
            next_task_for_you=next((task_id for _, who, task_id in waiting if who.you), None),
        )

    def _load_for_task(self, user_id: int, task_id: str) -> _Loaded:
        with self.uow.read() as session:
            user = load_user(session, user_id)
            row = session.execute(
                select(ReadyTask, Instance).join(Instance, Instance.id == ReadyTask.instance_id)
                .where(ReadyTask.id == task_id)
            ).first()
            if row is None:
                raise_if_done(session, task_id)
                raise NotFound("task.not_found")
            return _Loaded(row.Instance, row.ReadyTask, user)

    def fire_due_timers(self, limit: int = 100) -> TimerSweep:
        """Fire every due timer once; a timer another worker fired meanwhile is skipped."""
        now = self.clock.now()
        with self.uow.read() as session:
            instance_ids = session.scalars(
                select(Timer.instance_id).where(Timer.due_at < now)
                .group_by(Timer.instance_id)
                .order_by(func.min(Timer.due_at), Timer.instance_id).limit(limit)
            ).all()
        fired = skipped = 0
        errors: list[str] = []
        for instance_id in instance_ids:
            try:
                if self._fire_instance_timers(instance_id, now):
                    fired += 1
                else:
                    skipped += 1
            except Exception as error:
                # One broken instance must not stop the others' timers; it is retried next sweep
                # and reported to the worker, which logs it.
                errors.append(f"{instance_id}: {type(error).__name__}: {error}")
        return TimerSweep(fired=fired, skipped=skipped, failed=len(errors), errors=errors)

    def _fire_instance_timers(self, instance_id: str, now) -> bool:
        with self.uow.read() as session:
            instance = session.get(Instance, instance_id)
            due = session.scalars(select(Timer).where(
                Timer.instance_id == instance_id, Timer.due_at < now)).all()
            if instance is None or not due:
                return False
        process = self.catalog.get(instance.version_id)
        snapshot = fire_timers(restore(process, instance.state), process, self.clock)
        waiting = {t.task_id for t in snapshot.timers}
        fired = [t for t in due if t.task_id not in waiting]
        if not fired:
            return False
        step = Transition(
            instance_id=instance.id, process=process, version_id=instance.version_id,
            snapshot=snapshot, started_by=instance.started_by, title=instance.title,
            expected_lock=instance.lock_version, account_id=instance.account_id,
            events=[NewEvent("timer_fired", {"timer": t.name, "due_at": t.due_at.isoformat()},
                             task_id=t.task_id) for t in fired],
        )
        follow_up = plan_follow_up(self, instance, snapshot)
        try:
            with self.uow.write() as session:
                if not _claim_timers(session, instance_id, [t.id for t in fired]):
                    return False
                write_transition(session, step, now)
                apply_follow_up(session, follow_up, instance, snapshot, now)
        except Conflict:
            return False
        return True


def _claim_timers(session, instance_id: str, timer_ids: list[int]) -> bool:
    """Lock the timer rows (PostgreSQL skips rows another worker holds); False if gone."""
    query = select(Timer.id).where(Timer.instance_id == instance_id, Timer.id.in_(timer_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return len(session.scalars(query).all()) == len(timer_ids)


def _title(current: str, data: dict[str, Any]) -> str:
    if data.get("account_name") and data.get("channel"):
        return f"{data['account_name']} on {data['channel']}"
    return current


def _waiting_on(session, instance_id: str, user_id: int) -> list[tuple[str, WaitingOn, str]]:
    """(step title, who it waits on, task id) for each ready task; `you` set for the user."""
    rows = session.execute(
        select(ReadyTask, User.name).outerjoin(User, User.id == ReadyTask.assignee_id)
        .where(ReadyTask.instance_id == instance_id).order_by(ReadyTask.created_at)
    ).all()
    return [(task.task_title, who_acts(task, name, user_id), task.id) for task, name in rows]
