"""An admin's corrections: reassign a waiting task, cancel a request, correct a wrong answer.

Nothing is changed in place. Each correction is an event in the request's chain with who made
it, the reason they gave, and what it was before and after; the stored state and the rows
projected from it follow in the same transaction, checked against the version counter like
every step. Replay and the record check read the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import Conflict, InvalidForm, InvalidInput, NotAllowed, NotFound
from engine.runtime import correct_data, ready_task_name, restore
from engine.store import (
    REQUEST_CANCELLED,
    Assignment,
    Catalog,
    Corrections,
    Event,
    Instance,
    NewEvent,
    NewMessage,
    ReadyTask,
    User,
    append_messages,
    assign,
    corrections_of,
    write_correction,
)

from ._access import ADMIN_ROLES, raise_if_done, raise_if_ended
from ._directory import load_user
from ._endings import check_running, end_request, load_request
from ._procedure import Procedure
from ._projections import current_data
from ._views import UserView


@dataclass
class _Waiting:
    """A ready task as the record has it, for a reassignment."""

    instance: Instance
    process: LoadedProcess
    task_name: str
    corrections: Corrections


class CorrectionCommands:
    """Admins' corrections, each appended to the log as an event."""

    def __init__(self, uow, catalog: Catalog, clock, procedure: Procedure):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.procedure = procedure

    def may_correct(self, user_id: int) -> bool:
        """Whether the user may correct requests (admins)."""
        with self.uow.read() as session:
            return bool(load_user(session, user_id).roles & ADMIN_ROLES)

    def reassign_task(self, user_id: int, task_id: str, to_username: str, reason: str) -> None:
        """Give a waiting task to another person (never the requester's manager or role task)."""
        reason = _reason(reason)
        with self.uow.read() as session:
            admin = _admin(session, user_id)
            waiting = _waiting(session, self.catalog, task_id)
            target = _person(session, to_username)
            info = waiting.process.user_tasks[waiting.task_name]
            rule = waiting.process.lane_rules[info.lane_id]
            if rule.kind != "initiator" and target.id == waiting.instance.started_by:
                raise InvalidInput("correction.requester_not_allowed", lane=info.lane_name)
            holder = _holder(session, waiting, task_id)
            if holder.assignee_id == target.id:
                raise InvalidInput("correction.already_assigned", username=target.username)
            before = session.get(User, holder.assignee_id) if holder.assignee_id else None
        event = NewEvent("task_reassigned", {
            "title": info.title, "from": holder.assignee_id,
            "from_name": before.name if before else None, "from_lane": info.lane_name,
            "to": target.id, "to_name": target.name, "reason": reason,
        }, actor_id=admin.id, task_id=task_id, task_name=waiting.task_name)
        now = self.clock.now()
        with self.uow.write() as session:
            write_correction(session, waiting.instance, [event], waiting.process.content_hash,
                             now)
            tasks = ReadyTask.__table__
            session.execute(tasks.update().where(tasks.c.id == task_id)
                            .values(assignee_id=target.id, role=None, claimed_by=None,
                                    claimed_at=None))
            append_messages(session, waiting.instance.id, [NewMessage(
                "task_ready", target.id, None,
                {"task_id": task_id, "task_name": waiting.task_name, "task_title": info.title,
                 "request_title": waiting.instance.title.as_data()})], now)

    def cancel_request(self, user_id: int, instance_id: str, reason: str) -> None:
        """Cancel a running request: its waiting tasks and timers go, its log keeps all."""
        reason = _reason(reason)
        with self.uow.read() as session:
            admin = _admin(session, user_id)
            instance = load_request(session, instance_id)
            if instance.process_id != self.procedure.request_process:
                raise InvalidInput("correction.not_a_request")
            process = self.catalog.get(instance.version_id)
            check_running(session, process, instance)
        event = NewEvent(REQUEST_CANCELLED, {"reason": reason}, actor_id=admin.id)
        with self.uow.write() as session:
            end_request(session, instance, process, event, "cancelled", self.clock.now())

    def _check_rules(self, process_id: str, task_name: str, field: str, after: Any) -> None:
        """The procedure's rules about the corrected answer (not older answers beside it)."""
        messages = {path: found for path, found in
                    self.procedure.check(process_id, task_name, {field: after}).items()
                    if path.split(".")[0] == field}
        if messages:
            raise InvalidForm(messages)

    def correct_answer(self, user_id: int, task_id: str, field: str, value: Any,
                       reason: str) -> None:
        """Correct one answer of a completed task; the form's validation applies to it."""
        reason = _reason(reason)
        with self.uow.read() as session:
            admin = _admin(session, user_id)
            completion = latest_completion(session, task_id)
            instance = session.get(Instance, completion.stream)
            raise_if_ended(corrections_of(session, instance.id))
        process = self.catalog.get(instance.version_id)
        workflow = restore(process, instance.state)
        before, after = _corrected_value(process, completion, current_data(workflow), field,
                                         value)
        self._check_rules(instance.process_id, completion.task_name, field, after)
        snapshot = correct_data(workflow, process, field, after)
        title = self.procedure.title(instance.process_id, snapshot.data, instance.title)
        event = NewEvent("answer_corrected", {
            "title": completion.payload.get("title", completion.task_name), "field": field,
            "before": before, "after": after, "reason": reason,
        }, actor_id=admin.id, task_id=task_id, task_name=completion.task_name)
        with self.uow.write() as session:
            write_answer_change(session, self.procedure, instance, process, event, snapshot,
                                title, self.clock.now())


def write_answer_change(session: Session, procedure: Procedure, instance: Instance,
                        process: LoadedProcess, event: NewEvent, snapshot, title,
                        now) -> None:
    """Record a changed answer: the event and new state, the inbox titles, the plug-in's rows."""
    write_correction(session, instance, [event], process.content_hash, now,
                     state=snapshot.state, title=title)
    tasks = ReadyTask.__table__
    session.execute(tasks.update().where(tasks.c.instance_id == instance.id)
                    .values(request_title=title))
    procedure.corrected(session, instance, snapshot.data, snapshot.completed, now)


def _reason(reason: str | None) -> str:
    """The reason given, trimmed; every correction needs one."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("correction.reason_required")
    return text


def _admin(session: Session, user_id: int) -> UserView:
    """The acting user, if they are an admin (else NotAllowed)."""
    user = load_user(session, user_id)
    if not user.roles & ADMIN_ROLES:
        raise NotAllowed("correction.admins_only")
    return user


def _person(session: Session, username: str) -> User:
    """An active person by username."""
    person = session.scalar(select(User).where(User.username == (username or "").strip()))
    if person is None:
        raise NotFound("user.not_found", username=username)
    if not person.active:
        raise InvalidInput("correction.user_inactive", username=person.username)
    return person


def _waiting(session: Session, catalog: Catalog, task_id: str) -> _Waiting:
    """A task that is ready in the stored state of a request that was not cancelled."""
    row = session.execute(
        select(Instance).join(ReadyTask, ReadyTask.instance_id == Instance.id)
        .where(ReadyTask.id == task_id)).scalar()
    if row is None:
        raise_if_done(session, task_id)
        raise NotFound("task.not_found")
    process = catalog.get(row.version_id)
    task_name = ready_task_name(restore(process, row.state), task_id)
    if task_name is None or task_name not in process.user_tasks:
        raise Conflict("task.no_longer_waiting")
    corrections = corrections_of(session, row.id)
    raise_if_ended(corrections)
    return _Waiting(row, process, task_name, corrections)


def _holder(session: Session, waiting: _Waiting, task_id: str) -> Assignment:
    """Who holds a waiting task by the record: the latest reassignment, else the lane rule."""
    if task_id in waiting.corrections.reassigned:
        return Assignment(waiting.corrections.reassigned[task_id], None)
    rule = waiting.process.lane_rules[waiting.process.user_tasks[waiting.task_name].lane_id]
    return assign(session, rule, waiting.instance.started_by)


def latest_completion(session: Session, task_id: str) -> Event:
    """The completion of a task, if it is the latest answer to that step of its request."""
    completion = session.scalar(select(Event).where(Event.task_id == task_id,
                                                    Event.kind == "task_completed"))
    if completion is None:
        raise NotFound("task.not_found")
    later = session.scalar(select(Event.id).where(
        Event.stream == completion.stream, Event.kind == "task_completed",
        Event.task_name == completion.task_name, Event.seq > completion.seq).limit(1))
    if later is not None:
        raise Conflict("answer.superseded",
                       title=completion.payload.get("title", completion.task_name))
    return completion


def _corrected_value(process: LoadedProcess, completion: Event, data: dict[str, Any],
                     field: str, value: Any) -> tuple[Any, Any]:
    """(before, after) of one answer, the new value validated with the task's whole form."""
    info = process.user_tasks[completion.task_name]
    names = {f.name for f in info.form.fields}
    if field not in names:
        raise InvalidInput("correction.not_an_answer", field=field, title=info.title)
    if field in process.decision_fields:
        raise InvalidInput("correction.decision_field", field=field)
    answers = {name: data[name] for name in names if name in data}
    answers[field] = value
    after = info.form.validate(answers).get(field)
    before = data.get(field)
    if after == before:
        raise InvalidInput("correction.no_change", field=field)
    return before, after
