"""The engine's use cases that change things: start a request, complete a task, fire timers.

Each does its SpiffWorkflow work on a copy read in its own short transaction, then writes the
result in one short transaction checked against the instance's version counter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from engine.clock import FixedClock
from engine.definitions.forms import Field, FormDefinition
from engine.errors import Conflict, InvalidForm
from engine.runtime import complete_user_task, fire_timers, restore, start_workflow
from engine.store import (
    Catalog,
    Instance,
    NewEvent,
    ReadyTask,
    Timer,
    Transition,
    User,
    add_entries,
    append_messages,
    approver_of,
    local_day,
    substitute_name_column,
    write_transition,
)

from ._access import authorized_task, raise_if_done, who_acts
from ._claims import claim_conflict, take_claim
from ._directory import load_user
from ._procedure import Procedure
from ._views import CompletionResult, StartResult, TimerSweep, WaitingOn

Submission = Mapping[str, Any] | Callable[[tuple[Field, ...]], Mapping[str, Any]]


class Commands:
    """Use cases that change state."""

    def __init__(self, uow, catalog: Catalog, clock, procedure: Procedure):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.procedure = procedure

    def start_request(self, user_id: int, process_id: str | None = None) -> StartResult:
        """Start a request (by default the procedure's own) on its newest version.

        Returns the new instance and the starter's first task, if the first step is theirs.
        """
        process_id = process_id or self.procedure.request_process
        with self.uow.read() as session:
            load_user(session, user_id)
            version_id, process = self.catalog.current_in(session, process_id)
            if _needs_manager(process):
                approver_of(session, user_id)  # refuse now, not when the approval step comes
        now = self.clock.now()
        snapshot = start_workflow(process, {}, FixedClock(now))
        step = Transition(
            instance_id=str(uuid.uuid4()), process=process, version_id=version_id,
            snapshot=snapshot, started_by=user_id,
            title=self.procedure.title(process_id, snapshot.data, None),
            events=[NewEvent("instance_started", {"process_id": process_id}, actor_id=user_id)],
        )
        with self.uow.write() as session:
            self._write(session, step, None, now)
        mine = [r.task_id for r in snapshot.ready
                if process.lane_rules[r.lane_id].kind == "initiator"]
        return StartResult(step.instance_id, mine[0] if mine else None)

    def complete_task(self, user_id: int, task_id: str,
                      submission: Submission) -> CompletionResult:
        """Validate a form, complete the task and move the request on: one read, one write.

        The submission is the answers, or a reader that takes the task's form fields and
        returns them (so the web reads its form data with the form the engine checks).
        """
        with self.uow.read() as session:
            loaded = authorized_task(session, self.catalog, user_id, task_id,
                                     self.clock.now())
        instance, process = loaded.instance, loaded.process
        if loaded.task.claimed_by not in (None, user_id):
            # Refused before the form is read: a colleague is working on this group task.
            with self.uow.read() as session:
                raise claim_conflict(session, task_id)
        info = process.user_tasks[loaded.task_name]
        data = submission(info.form.fields) if callable(submission) else submission
        earlier = dict(loaded.workflow.get_task_from_id(uuid.UUID(task_id)).data)
        cleaned = self._checked(instance.process_id, loaded.task_name, info.form, data, earlier)
        now = self.clock.now()  # the step's one instant: SpiffWorkflow's and its event's
        snapshot = complete_user_task(loaded.workflow, process, task_id, cleaned,
                                      FixedClock(now))
        step = Transition(
            instance_id=instance.id, process=process, version_id=instance.version_id,
            snapshot=snapshot, started_by=instance.started_by,
            title=self.procedure.title(instance.process_id, snapshot.data, instance.title),
            expected_lock=instance.lock_version,
            account_id=instance.account_id,
            events=[NewEvent("task_completed", {"title": info.title, "data": cleaned,
                                                **_behalf(loaded.on_behalf_of)},
                             actor_id=user_id, task_id=task_id, task_name=loaded.task_name)],
            sent_back=self.procedure.sends_back(instance.process_id, loaded.task_name,
                                                snapshot.data),
        )
        follow_up = self.procedure.plan(instance, snapshot, now)
        try:
            with self.uow.write() as session:
                # A group task nobody holds is claimed by completing it; one a colleague claimed
                # since it was read is refused (the same conditional UPDATE as a claim).
                if loaded.task.role is not None and not take_claim(session, task_id, user_id,
                                                                   now):
                    raise claim_conflict(session, task_id)
                self._write(session, step, loaded.task_name, now)
                # A question or reason the step sends back joins the request's conversation.
                add_entries(session, instance.id, user_id, self.procedure.conversation(
                    instance.process_id, loaded.task_name, cleaned), now)
                self.procedure.apply(session, follow_up, instance, snapshot, now)
                waiting = _waiting_on(session, instance.id, user_id, now)
        except Conflict:
            self._raise_if_done(task_id)  # a double click: the first submission got there first
            raise
        return CompletionResult(
            instance_id=step.instance_id, completed_title=info.title, status=step.status,
            next_steps=tuple(title for title, _, _ in waiting),
            waiting_on=tuple(who for _, who, _ in waiting),
            next_task_for_you=next((task_id for _, who, task_id in waiting if who.you), None),
        )

    def _checked(self, process_id: str, task_name: str, form: FormDefinition,
                 data: Any, earlier: Mapping[str, Any]) -> dict[str, Any]:
        """The form's cleaned answers; refused with the form's and the procedure's messages."""
        today = local_day(self.clock.now())  # the service's day, not the server's
        extra = (self.procedure.answer_problems(process_id, task_name, data, today, earlier)
                 if isinstance(data, Mapping) else {})
        try:
            cleaned = form.validate(dict(data) if isinstance(data, Mapping) else data)
        except InvalidForm as refused:
            raise InvalidForm({**extra, **refused.messages}) from None
        # The procedure's rules on the cleaned answers (moderators: people, not strings).
        extra = {**extra, **self.procedure.check(process_id, task_name, cleaned)}
        if extra:
            raise InvalidForm(extra)
        return cleaned

    def _raise_if_done(self, task_id: str) -> None:
        """TaskAlreadyDone when the task was completed meanwhile, so callers can say by whom."""
        with self.uow.read() as session:
            raise_if_done(session, task_id)

    def _write(self, session, step: Transition, completed: str | None, now) -> None:
        """Write a step with the messages it causes: the kernel's and the procedure's."""
        newly_ready = write_transition(session, step, now)
        notices = self.procedure.notices(step.process.process_id, step.started_by, completed,
                                         step.snapshot.data, newly_ready)
        append_messages(session, step.instance_id, notices, now)

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
        failures: dict[str, BaseException] = {}
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
                failures[instance_id] = error
        return TimerSweep(fired=fired, skipped=skipped, failed=len(errors), errors=errors,
                          failures=failures)

    def _fire_instance_timers(self, instance_id: str, now) -> bool:
        with self.uow.read() as session:
            instance = session.get(Instance, instance_id)
            due = session.scalars(select(Timer).where(
                Timer.instance_id == instance_id, Timer.due_at < now)).all()
            if instance is None or not due:
                return False
        process = self.catalog.get(instance.version_id)
        # Deadlines SpiffWorkflow sets now (a review's grace period) count from the instant the
        # event records, so a replay from the log sets them exactly the same.
        snapshot = fire_timers(restore(process, instance.state), process, FixedClock(now))
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
        follow_up = self.procedure.plan(instance, snapshot, now)
        try:
            with self.uow.write() as session:
                if not _claim_timers(session, instance_id, [t.id for t in fired]):
                    return False
                self._write(session, step, None, now)
                self.procedure.apply(session, follow_up, instance, snapshot, now)
        except Conflict:
            return False
        return True


def _claim_timers(session, instance_id: str, timer_ids: list[int]) -> bool:
    """Lock the timer rows (PostgreSQL skips rows another worker holds); False if gone."""
    query = select(Timer.id).where(Timer.instance_id == instance_id, Timer.id.in_(timer_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return len(session.scalars(query).all()) == len(timer_ids)


def _needs_manager(process) -> bool:
    """Whether a process has a lane for the initiator's manager (so one must exist)."""
    return any(rule.kind == "manager_of_initiator" for rule in process.lane_rules.values())


def _waiting_on(session, instance_id: str, user_id: int,
                now: datetime) -> list[tuple[str, WaitingOn, str]]:
    """(step title, who it waits on, task id) for each ready task; `you` set for the user."""
    cover = substitute_name_column(ReadyTask.assignee_id, ReadyTask.requester_id, local_day(now))
    rows = session.execute(
        select(ReadyTask, User.name, cover).outerjoin(User, User.id == ReadyTask.assignee_id)
        .where(ReadyTask.instance_id == instance_id).order_by(ReadyTask.created_at)
    ).all()
    return [(task.task_title, who_acts(task, name, user_id, covering), task.id)
            for task, name, covering in rows]


def _behalf(covered: int | None) -> dict:
    """The completion's `on_behalf_of` when a substitute acted for the covered person."""
    return {} if covered is None else {"on_behalf_of": covered}
