"""One page of an inbox: filters by step, role and text, three sort orders, counts per filter.

Every query starts from the same actionable clause, so the rows, the total and the counts agree;
the text search is a LIKE over the person's own actionable rows, never over the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.orm import aliased

from engine.store import ReadyTask, User, title_matches
from engine.text import check_search

from ._actionable import actionable_by, inbox_filter
from ._directory import load_user
from ._views import TaskSummary

PAGE_SIZE = 25
INBOX_SORTS = ("waiting", "deadline", "newest")
ME = "me"  # the role filter for tasks waiting on the person (or someone they cover)


@dataclass(frozen=True)
class InboxFilter:
    """What a person asked the inbox for; unknown values fall back to the defaults."""

    step: str | None = None
    text: str | None = None
    role: str | None = None
    sort: str = "waiting"
    page: int = 1
    show: str | None = None  # "mine", "group", "sent_back" or all


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox with the counts per step and per role over all matching rows."""

    tasks: tuple[TaskSummary, ...]
    total: int
    page: int
    pages: int
    sort: str
    step_counts: tuple[tuple[str, str, int], ...]  # (task name, task title, count)
    role_counts: tuple[tuple[str, int], ...]  # (role or "me", count)
    unfiltered: int


def inbox_page(session, user_id: int, wanted: InboxFilter, now: datetime,
               summary, title_words: Mapping[str, str] | None = None) -> InboxPage:
    """The page `wanted` of the user's inbox; `summary` turns a row into a TaskSummary.

    `title_words` are the titles' own words per code, searched by as well (`title_matches`).
    """
    check_search(wanted.step, wanted.text, wanted.role)
    user = load_user(session, user_id)
    mine = actionable_by(session, user, now)
    role_key = func.coalesce(ReadyTask.role, literal(ME))
    step_counts = session.execute(
        select(ReadyTask.task_name, func.min(ReadyTask.task_title), func.count())
        .where(mine).group_by(ReadyTask.task_name).order_by(ReadyTask.task_name)).all()
    role_counts = session.execute(
        select(role_key, func.count()).where(mine).group_by(role_key).order_by(role_key)).all()
    clauses = [mine, *inbox_filter(user, wanted.show)]
    if wanted.step:
        clauses.append(ReadyTask.task_name == wanted.step)
    if wanted.role == ME:
        clauses.append(ReadyTask.role.is_(None))
    elif wanted.role:
        clauses.append(ReadyTask.role == wanted.role)
    if wanted.text and wanted.text.strip():
        # The title column holds the account's name and channel (a review: its year) as JSON.
        clauses.append(title_matches(ReadyTask.request_title, wanted.text, title_words))
    total = session.scalar(select(func.count()).select_from(ReadyTask).where(*clauses))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(wanted.page, 1), pages)
    sort = wanted.sort if wanted.sort in INBOX_SORTS else "waiting"
    requester, claimer = aliased(User), aliased(User)
    rows = session.execute(
        select(ReadyTask, requester.name, claimer.name)
        .join(requester, requester.id == ReadyTask.requester_id)
        .outerjoin(claimer, claimer.id == ReadyTask.claimed_by)
        .where(*clauses).order_by(*_order(sort))
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return InboxPage(
        tasks=tuple(summary(task, name, now, user.name, held_by, user.id)
                    for task, name, held_by in rows),
        total=total, page=page, pages=pages, sort=sort,
        step_counts=tuple((name, title, count) for name, title, count in step_counts),
        role_counts=tuple((role, count) for role, count in role_counts),
        unfiltered=sum(count for _, _, count in step_counts),
    )


def _order(sort: str) -> tuple:
    if sort == "deadline":
        # Nulls last on both databases: a task without a deadline waits behind those with one.
        return (ReadyTask.due_at.is_(None), ReadyTask.due_at, ReadyTask.created_at, ReadyTask.id)
    if sort == "newest":
        return (ReadyTask.created_at.desc(), ReadyTask.id.desc())
    return (ReadyTask.created_at, ReadyTask.id)

