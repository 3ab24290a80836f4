"""Admins' list of stuck tasks: waiting on someone who cannot act, or waiting too long.

Read from the inbox table alone (its indexes, the people and their roles), never by restoring
an instance; reassigning one goes through `CorrectionCommands.reassign_task`, which decides
from the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from engine.errors import NotAllowed
from engine.store import ReadyTask, User, UserRole

from ._access import ADMIN_ROLES
from ._directory import load_user
from ._views import WaitingOn

STUCK_PAGE_SIZE = 25
DEFAULT_OLDER_DAYS = 7
MAX_OLDER_DAYS = 3650
# Why a task is stuck; a task can be stuck for more than one of these at once.
STUCK_REASONS = ("assignee_inactive", "no_active_holder", "claimer_inactive", "waiting_long")


@dataclass(frozen=True)
class StuckTask:
    """One waiting task that is stuck, with who it waits on, since when and why."""

    id: str
    instance_id: str
    title: str
    request_title: Any  # a store.Title, worded by the web
    requester_name: str
    waiting_on: WaitingOn
    since: datetime
    waited: timedelta
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StuckPage:
    """A page of stuck tasks, oldest first, and the threshold of days it was asked with."""

    tasks: tuple[StuckTask, ...]
    total: int
    page: int
    pages: int
    older_days: int


class StuckTasks:
    """The stuck tasks page's query (admins only)."""

    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    def page(self, user_id: int, older_days: int = DEFAULT_OLDER_DAYS,
             page: int = 1) -> StuckPage:
        """Waiting tasks whose person is inactive, whose role has nobody, or older than N days."""
        older_days = min(max(int(older_days), 0), MAX_OLDER_DAYS)
        now = self.clock.now()
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & ADMIN_ROLES:
                raise NotAllowed("tasks.admins_only")
            assignee, claimer, requester = aliased(User), aliased(User), aliased(User)
            checks = _checks(assignee, claimer, now - timedelta(days=older_days))
            stuck = or_(*checks.values())
            joined = (select(ReadyTask)
                      .outerjoin(assignee, assignee.id == ReadyTask.assignee_id)
                      .outerjoin(claimer, claimer.id == ReadyTask.claimed_by)
                      .join(requester, requester.id == ReadyTask.requester_id)
                      .where(stuck))
            total = session.scalar(select(func.count()).select_from(joined.subquery()))
            pages = max(1, -(-total // STUCK_PAGE_SIZE))
            page = min(max(page, 1), pages)
            rows = session.execute(
                joined.add_columns(requester.name, assignee.name,
                                   *(check.label(name) for name, check in checks.items()))
                .order_by(ReadyTask.created_at, ReadyTask.id)
                .limit(STUCK_PAGE_SIZE).offset((page - 1) * STUCK_PAGE_SIZE)).all()
        return StuckPage(tuple(_stuck(row, now) for row in rows), total, page, pages,
                         older_days)


def _checks(assignee, claimer, before: datetime) -> dict[str, Any]:
    """One boolean clause per reason, named as in STUCK_REASONS."""
    # A role's holders who could act: active, and not the requester (nobody acts in a role
    # lane on their own request).
    holder = exists(select(UserRole.user_id).join(User, User.id == UserRole.user_id).where(
        UserRole.role == ReadyTask.role, User.active.is_(True),
        User.id != ReadyTask.requester_id))
    return {
        "assignee_inactive": and_(ReadyTask.assignee_id.is_not(None),
                                  assignee.active.is_(False)),
        "no_active_holder": and_(ReadyTask.role.is_not(None), ~holder),
        "claimer_inactive": and_(ReadyTask.claimed_by.is_not(None), claimer.active.is_(False)),
        "waiting_long": ReadyTask.created_at < before,
    }


def _stuck(row, now: datetime) -> StuckTask:
    task, requester_name, assignee_name = row[0], row[1], row[2]
    flags = row[3:]
    waiting_on = (WaitingOn(person=assignee_name) if task.assignee_id
                  else WaitingOn(lane=task.lane_name or task.role))
    return StuckTask(
        id=task.id, instance_id=task.instance_id, title=task.task_title,
        request_title=task.request_title, requester_name=requester_name,
        waiting_on=waiting_on, since=task.created_at, waited=now - task.created_at,
        reasons=tuple(name for name, flag in zip(STUCK_REASONS, flags, strict=True) if flag))
