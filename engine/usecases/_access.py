"""Who may see or act on what: the access rules every read use case applies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed, NotFound, TaskAlreadyDone
from engine.store import Event, Instance, ReadyTask, User

from ._directory import load_user
from ._views import UserView

OVERSIGHT_ROLES = frozenset({"communications", "auditor", "admin"})
AUDIT_ROLES = frozenset({"auditor", "admin"})


def actionable_task(session: Session, user_id: int, task_id: str) -> tuple[ReadyTask, Instance]:
    """A ready task the user may act on, with its instance, in one query after the user's.

    Raises TaskAlreadyDone (with who and when), NotFound or NotAllowed.
    """
    user = load_user(session, user_id)
    row = session.execute(
        select(ReadyTask, Instance).join(Instance, Instance.id == ReadyTask.instance_id)
        .where(ReadyTask.id == task_id)
    ).first()
    if row is None:
        raise_if_done(session, task_id)
        raise NotFound("There is no such task.")
    check_may_act(user, row.ReadyTask)
    return row.ReadyTask, row.Instance


def visible_instance(session: Session, user_id: int, instance_id: str) -> tuple[Instance, User]:
    """An instance and its requester, if the user may see it (else NotFound / NotAllowed)."""
    user = load_user(session, user_id)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("There is no such request.")
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
        raise NotAllowed("You are not involved in this request.")


def who_acts(task: ReadyTask, assignee_name: str | None) -> str:
    """Who a ready task waits on, in words: the assigned person, or anyone in its lane."""
    return assignee_name or f"anyone in {task.lane_name or task.role}"


def may_act(user: UserView, task: ReadyTask) -> bool:
    """True when the user may complete the task."""
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    # Separation of duties: nobody acts in a role lane on their own request.
    return task.role in user.roles and task.requester_id != user.id


def check_may_act(user: UserView, task: ReadyTask) -> None:
    """Raise NotAllowed unless the user may complete the task."""
    if not may_act(user, task):
        raise NotAllowed("This task is not yours to complete.")


def raise_if_done(session, task_id: str) -> None:
    """Raise TaskAlreadyDone if the task id was completed before."""
    row = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.task_id == task_id, Event.kind == "task_completed")
    ).first()
    if row is not None:
        event, name = row
        raise TaskAlreadyDone(event.payload.get("title", event.task_name), name, event.created_at)
