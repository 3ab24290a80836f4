"""Who may act on a ready task: lane rules applied to the people of one request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput, NotAllowed
from .lanes import LaneRule
from .models import ReadyTask, User
from .views import UserView


@dataclass(frozen=True)
class Assignment:
    """A task goes to one person, or to everyone holding a role."""

    assignee_id: int | None
    role: str | None


def assign(session: Session, rule: LaneRule, initiator_id: int) -> Assignment:
    """Apply a lane rule to a request started by `initiator_id`."""
    if rule.kind == "initiator":
        return Assignment(initiator_id, None)
    if rule.kind == "manager_of_initiator":
        return Assignment(approver_of(session, initiator_id), None)
    return Assignment(None, rule.role)


def approver_of(session: Session, initiator_id: int) -> int:
    """The initiator's own manager: never the initiator, also when they are a manager."""
    manager_id = session.scalar(select(User.manager_id).where(User.id == initiator_id))
    if manager_id is None or manager_id == initiator_id:
        raise InvalidInput("You have no manager registered, and a manager must approve every "
                           "new account. Ask an administrator to set your manager.")
    return manager_id


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
