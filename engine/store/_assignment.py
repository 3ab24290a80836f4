"""Who a ready task goes to: lane rules applied to the people of one request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LaneRule
from engine.errors import InvalidInput

from ._models import User


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
        return Assignment(approver_of(session, initiator_id, lock=True), None)
    return Assignment(None, rule.role)


def approver_of(session: Session, initiator_id: int, lock: bool = False) -> int:
    """The initiator's own manager: never the initiator, also when they are a manager.

    With `lock`, the initiator's row is share-locked until the caller commits (PostgreSQL), so
    a manager change running at the same time either commits first and is read here, or waits
    and then moves the approval this step assigns; it can never miss it.
    """
    query = select(User.manager_id).where(User.id == initiator_id)
    manager_id = session.scalar(query.with_for_update(read=True) if lock else query)
    if manager_id is None or manager_id == initiator_id:
        raise InvalidInput("approval.no_manager")
    return manager_id
