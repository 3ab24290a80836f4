"""Who may see or act on what: the access rules every read use case applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LaneRule, LoadedProcess
from engine.errors import Conflict, NotAllowed, NotFound, TaskAlreadyDone
from engine.runtime import ready_task_name, restore
from engine.store import (
    Corrections,
    Event,
    Instance,
    ReadyTask,
    User,
    approver_of,
    corrections_of,
    local_day,
    manager_on_record,
    person_on_record,
    substitute_of,
)

from ._directory import load_user
from ._views import UserView, WaitingOn

OVERSIGHT_ROLES = frozenset({"communications", "auditor", "admin"})
AUDIT_ROLES = frozenset({"auditor", "admin"})
ADMIN_ROLES = frozenset({"admin"})


@dataclass
class Authorized:
    """A ready task the user may act on, loaded once: decided from the record, not the inbox."""

    user: UserView
    task: ReadyTask
    instance: Instance
    process: LoadedProcess
    workflow: Any  # the restored workflow, for the command to advance
    task_name: str  # the task's name in the stored state (the inbox row may say otherwise)
    on_behalf_of: int | None = None  # the person the user covers for on this task, if any
    corrections: Corrections | None = None  # the log's corrections, as read with the task


def authorized_task(session: Session, catalog, user_id: int, task_id: str,
                    now: datetime) -> Authorized:
    """Load a task with its instance and state, and decide whether the user may act on it.

    The inbox row only finds the instance; the decision comes from the stored state (the task
    must be ready there), the version's lane rule for that task, the request's people and the
    log's corrections (an admin's latest reassignment of the task overrides the lane rule; a
    cancelled or withdrawn request has nothing to do). An inbox row edited to point at someone
    else gives that person nothing. Raises TaskAlreadyDone (with who and when), NotFound,
    NotAllowed or Conflict.
    """
    user = load_user(session, user_id)
    loaded = load_waiting(session, catalog, user, task_id)
    instance, process, corrections = loaded.instance, loaded.process, loaded.corrections
    task, workflow, task_name = loaded.task, loaded.workflow, loaded.task_name
    rule = process.lane_rules[process.user_tasks[task_name].lane_id]
    holder = corrections.reassigned.get(task_id)
    if (may_act_by_rule(session, user, instance, rule) if holder is None
            else may_act_as_reassigned(user, instance, rule, holder)):
        return Authorized(user, task, instance, process, workflow, task_name,
                          corrections=corrections)
    covered = covered_person(session, instance, rule, holder)  # holiday cover, at `now`
    if covered is None or user.id == instance.started_by \
            or not _covers_on_record(session, covered, user.id, local_day(now)):
        raise NotAllowed("task.not_assignee")
    return Authorized(user, task, instance, process, workflow, task_name, on_behalf_of=covered,
                      corrections=corrections)


def holds_role_on_record(session: Session, user: UserView, role: str) -> bool:
    """Whether the user holds `role` by the roles table and by their own stream."""
    if role not in user.roles:
        return False
    record = person_on_record(session, user.id)
    return record is not None and record.active and role in record.roles


def _covers_on_record(session: Session, covered: int, substitute: int, day) -> bool:
    """Whether `substitute` covers `covered` on `day`, by the cover table and by the record."""
    if substitute_of(session, covered, day) != substitute:
        return False
    record = person_on_record(session, covered)
    return record is not None and record.covered_by_on(substitute, day)


def load_waiting(session: Session, catalog, user: UserView, task_id: str) -> Authorized:
    """A task ready in the stored state of a running request, not yet decided for the user."""
    row = session.execute(
        select(ReadyTask, Instance).join(Instance, Instance.id == ReadyTask.instance_id)
        .where(ReadyTask.id == task_id)
    ).first()
    if row is None:
        raise_if_done(session, task_id)
        raise NotFound("task.not_found")
    task, instance = row.ReadyTask, row.Instance
    process = catalog.get(instance.version_id)
    workflow = restore(process, instance.state)
    task_name = ready_task_name(workflow, task_id)
    if task_name is None or task_name not in process.user_tasks:
        raise Conflict("task.no_longer_waiting")
    corrections = corrections_of(session, instance.id)
    raise_if_ended(corrections)
    return Authorized(user, task, instance, process, workflow, task_name,
                      corrections=corrections)


def covered_person(session: Session, instance: Instance, rule: LaneRule,
                   holder: int | None) -> int | None:
    """The one person a task waits on, whom a substitute may cover (none for lanes/own tasks)."""
    if holder is not None:
        return None if holder == instance.started_by else holder
    if rule.kind == "manager_of_initiator":
        return approver_of(session, instance.started_by)
    return None


def may_act_as_reassigned(user: UserView, instance: Instance, rule: LaneRule,
                          holder: int) -> bool:
    """Whether the user is the person an admin reassigned the task to (duties stay apart)."""
    if user.id != holder:
        return False
    return rule.kind == "initiator" or user.id != instance.started_by


def may_act_by_rule(session: Session, user: UserView, instance: Instance,
                    rule: LaneRule) -> bool:
    """Whether the user holds the task's lane on this request, by the version's rule."""
    if rule.kind == "initiator":
        return user.id == instance.started_by
    if rule.kind == "manager_of_initiator":  # the users row and the person's stream agree
        return (user.id == approver_of(session, instance.started_by)
                and user.id == manager_on_record(session, instance.started_by))
    # Separation of duties: nobody acts in a role lane on their own request.
    return user.id != instance.started_by and holds_role_on_record(session, user, rule.role)


def visible_instance(session: Session, user_id: int, instance_id: str) -> tuple[Instance, User]:
    """An instance and its requester, if the user may see it (else NotFound / NotAllowed)."""
    user = load_user(session, user_id)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("request.not_found")
    requester = session.get(User, instance.started_by)
    check_may_view(session, user, instance, requester)
    return instance, requester


def check_may_view(session: Session, user: UserView, instance: Instance,
                   requester: User) -> None:
    """Raise NotAllowed unless the user is involved in the request or oversees requests."""
    if user.id == instance.started_by or user.roles & OVERSIGHT_ROLES:
        return
    if requester.manager_id == user.id:
        return
    acted = session.scalar(select(Event.id).where(
        Event.stream == instance.id, Event.actor_id == user.id).limit(1))
    if acted is None:
        raise NotAllowed("request.not_involved")


def who_acts(task: ReadyTask, assignee_name: str | None, user_id: int | None = None,
             covered_by: str | None = None) -> WaitingOn:
    """Who a ready task waits on: the user asking, the assigned person, or anyone in its lane."""
    if user_id is not None and task.assignee_id == user_id:
        return WaitingOn(person=assignee_name, you=True, covered_by=covered_by)
    if assignee_name:
        return WaitingOn(person=assignee_name, covered_by=covered_by)
    return WaitingOn(lane=task.lane_name or task.role)


def raise_if_ended(corrections: Corrections) -> None:
    """Raise Conflict if the log says the request was cancelled or withdrawn."""
    if corrections.ended == "withdrawn":
        raise Conflict("request.withdrawn")
    if corrections.ended:
        raise Conflict("request.cancelled")


def raise_if_done(session, task_id: str) -> None:
    """Raise TaskAlreadyDone if the task id was completed before."""
    row = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.task_id == task_id, Event.kind == "task_completed")
    ).first()
    if row is not None:
        event, name = row
        raise TaskAlreadyDone(event.payload.get("title", event.task_name), name, event.created_at,
                              by_id=event.actor_id, instance_id=event.stream)
