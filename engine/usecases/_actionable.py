"""Which inbox rows a person may act on: the one filter every inbox query shares.

The rows only find candidates quickly; acting on a task is still decided from the record
(`authorized_task`). Kept in one place so the inbox, its counts and its pages agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from engine.store import ReadyTask, covered_by, local_day

from ._views import UserView


def actionable_by(session: Session, user: UserView, now: datetime):
    """A WHERE clause on ReadyTask: the tasks `user` may act on at `now`."""
    # Holiday cover: the tasks of the people the user covers today, never on their own request.
    covered = covered_by(session, user.id, local_day(now))
    cover_clause = and_(ReadyTask.assignee_id.in_(covered), ReadyTask.requester_id != user.id)
    if not user.roles:
        return or_(ReadyTask.assignee_id == user.id, cover_clause) if covered \
            else ReadyTask.assignee_id == user.id
    role_clause = and_(ReadyTask.role.in_(user.roles), ReadyTask.requester_id != user.id)
    if covered:
        return or_(ReadyTask.assignee_id == user.id, role_clause, cover_clause)
    return or_(ReadyTask.assignee_id == user.id, role_clause)
