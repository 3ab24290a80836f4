"""Which inbox rows a person may act on: the one filter every inbox query shares.

The rows only find candidates quickly; acting on a task is still decided from the record
(`authorized_task`). Kept in one place so the inbox, its counts and its pages agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_

from engine.store import ReadyTask, covered_query, local_day

from ._views import UserView


def actionable_by(user: UserView, now: datetime):
    """A WHERE clause on ReadyTask: the tasks `user` may act on at `now`."""
    # Holiday cover: the tasks of the people the user covers today, never on their own request.
    # A subquery, not a lookup first: the inbox and its badge stay one statement.
    covered = and_(ReadyTask.assignee_id.in_(covered_query(user.id, local_day(now))),
                   ReadyTask.requester_id != user.id)
    if not user.roles:
        return or_(ReadyTask.assignee_id == user.id, covered)
    role_clause = and_(ReadyTask.role.in_(user.roles), ReadyTask.requester_id != user.id)
    return or_(ReadyTask.assignee_id == user.id, role_clause, covered)


INBOX_SHOWS = ("mine", "group", "sent_back")


def inbox_filter(user: UserView, show: str | None) -> tuple:
    """Extra WHERE clauses for the inbox's filter: "mine", "group", "sent_back" or none (all)."""
    if show == "mine":  # given to me, or a group task I claimed
        return (or_(ReadyTask.assignee_id == user.id, ReadyTask.claimed_by == user.id),)
    if show == "group":  # the group tasks of my roles, whoever holds them
        return (ReadyTask.role.in_(user.roles or ()),)
    if show == "sent_back":  # ready again because a request was sent back
        return (ReadyTask.sent_back.is_(True),)
    return ()
