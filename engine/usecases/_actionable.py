"""Which inbox rows a person may act on: the one filter every inbox query shares.

The rows only find candidates quickly; acting on a task is still decided from the record
(`authorized_task`). Kept in one place so the inbox, its counts and its pages agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_

from engine.store import ReadyTask, covered_by, local_day

from ._views import UserView


def actionable_by(session, user: UserView, now: datetime):
    """A WHERE clause on ReadyTask: the tasks `user` may act on at `now`."""
    # Holiday cover: the tasks of the people the user covers today, never on their own request.
    # Looked up first (one indexed read, usually empty): a subquery inside the OR kept
    # PostgreSQL from using the indexes at all, so every inbox read the whole table.
    covered = covered_by(session, user.id, local_day(now))
    arms = [ReadyTask.assignee_id == user.id]
    if user.roles:
        arms.append(and_(ReadyTask.role.in_(user.roles), ReadyTask.requester_id != user.id))
    if covered:
        arms.append(and_(ReadyTask.assignee_id.in_(covered), ReadyTask.requester_id != user.id))
    return or_(*arms)


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
