"""Who may see or act on what: the access rules every read use case applies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed, NotFound, TaskAlreadyDone
from engine.store import Event, Instance, ReadyTask, User

from ._directory import load_user
from ._views import UserView, WaitingOn

OVERSIGHT_ROLES = frozenset({"communications", "auditor", "admin"})
AUDIT_ROLES = frozenset({"auditor", "admin"})
REGISTER_ROLES = frozenset({"communications", "auditor", "admin"})


def actionable_task(session: Session, user_id: int, task_id: str) -> ReadyTask:
    """A ready task the user may act on (else TaskAlreadyDone, NotFound or NotAllowed)."""
    user = load_user(session, user_id)
    task = session.get(ReadyTask, task_id)
    if task is None:
        raise_if_done(session, task_id)
        raise NotFound("task.not_found")
    if not may_act(user, task):
        raise NotAllowed("task.not_assignee")
    return task


def visible_instance(session: Session, user_id: int, instance_id: str) -> tuple[Instance, User]:
    """An instance and its requester, if the user may see it (else NotFound / NotAllowed)."""
    user = load_user(session, user_id)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("request.not_found")
    requester = session.get(User, instance.started_by)
    check_may_view(session, user, instance, requester)
    return instance, requester


def check_register_access(session: Session, user_id: int) -> None:
    """Raise NotAllowed unless the user may see the account register."""
    if not load_user(session, user_id).roles & REGISTER_ROLES:
        raise NotAllowed("register.communications_only")


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


def who_acts(task: ReadyTask, assignee_name: str | None, user_id: int | None = None) -> WaitingOn:
    """Who a ready task waits on: the user asking, the assigned person, or anyone in its lane."""
    if user_id is not None and task.assignee_id == user_id:
        return WaitingOn(person=assignee_name, you=True)
    if assignee_name:
        return WaitingOn(person=assignee_name)
    return WaitingOn(lane=task.lane_name or task.role)


def may_act(user: UserView, task: ReadyTask) -> bool:
    """True when the user may complete the task."""
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    # Separation of duties: nobody acts in a role lane on their own request.
    return task.role in user.roles and task.requester_id != user.id


def check_may_act(user: UserView, task: ReadyTask) -> None:
    """Raise NotAllowed unless the user may complete the task."""
    if not may_act(user, task):
        raise NotAllowed("task.not_assignee")


def raise_if_done(session, task_id: str) -> None:
    """Raise TaskAlreadyDone if the task id was completed before."""
    row = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.task_id == task_id, Event.kind == "task_completed")
    ).first()
    if row is not None:
        event, name = row
        raise TaskAlreadyDone(event.payload.get("title", event.task_name), name, event.created_at)
