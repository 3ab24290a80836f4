"""Reminders: a task's deadline coming up, or passed, written to the outbox once per task.

Each reminder carries a dedup key ("reminder:<task id>", "overdue:<task id>") with a unique
index, and is written with an insert that does nothing on a clash: two workers sweeping at
once write it once. The sweep reads ready_tasks by due_at, a bounded batch at a time, and only
tasks whose key is not in the outbox yet, so a sweep never reads the same task twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ._cover import LOCAL_TZ
from ._models import OutboxMessage, ReadyTask

REMINDER_KINDS = {"task_reminder": "reminder:", "task_overdue": "overdue:"}


def insert_once(session: Session, model: Any, values: dict[str, Any],
                key: str | tuple[str, ...]) -> bool:
    """Insert a row unless one with the same unique `key` is there; whether it was inserted."""
    dialect = session.get_bind().dialect.name
    key = [key] if isinstance(key, str) else list(key)
    if dialect == "postgresql":
        statement = pg_insert(model).values(**values).on_conflict_do_nothing(
            index_elements=key)
    elif dialect == "sqlite":
        statement = sqlite_insert(model).values(**values).on_conflict_do_nothing(
            index_elements=key)
    else:  # pragma: no cover - the engine runs on SQLite and PostgreSQL only
        statement = insert(model).values(**values)
    # RETURNING, not rowcount: psycopg reports no count for a conflict-ignoring insert.
    return session.execute(statement.returning(model.__table__.c.id)).first() is not None


def _unwritten(kind: str):
    prefix = REMINDER_KINDS[kind]
    return ~exists().where(OutboxMessage.dedup_key == literal(prefix) + ReadyTask.id)


def tasks_to_remind(session: Session, now: datetime, horizon: timedelta,
                    limit: int) -> list[tuple[str, ReadyTask]]:
    """Up to `limit` (kind, task) pairs that need a reminder now, soonest deadline first."""
    overdue = session.scalars(
        select(ReadyTask).where(ReadyTask.due_at.is_not(None), ReadyTask.due_at <= now,
                                _unwritten("task_overdue"))
        .order_by(ReadyTask.due_at).limit(limit)).all()
    found = [("task_overdue", task) for task in overdue]
    if len(found) < limit:
        soon = session.scalars(
            select(ReadyTask).where(ReadyTask.due_at > now, ReadyTask.due_at <= now + horizon,
                                    _unwritten("task_reminder"))
            .order_by(ReadyTask.due_at).limit(limit - len(found))).all()
        found += [("task_reminder", task) for task in soon]
    return found


def write_reminder(session: Session, kind: str, task: ReadyTask, now: datetime) -> bool:
    """Write one task's reminder of `kind` unless it is written; whether this call wrote it."""
    # A claimed group task reminds the one who holds it; otherwise whom task_ready told.
    user_id, role = (task.claimed_by, None) if task.claimed_by else (task.assignee_id, task.role)
    due = task.due_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if task.due_at else ""
    return insert_once(session, OutboxMessage, {
        "instance_id": task.instance_id, "kind": kind, "user_id": user_id, "role": role,
        "params": {"task_id": task.id, "task_name": task.task_name,
                   "task_title": task.task_title, "due": due,
                   "request_title": task.request_title.as_data()},
        "created_at": now, "attempts": 0, "last_error": "",
        "dedup_key": REMINDER_KINDS[kind] + task.id}, "dedup_key")


def stale_reminders(session: Session, rows: list[OutboxMessage]) -> set[int]:
    """The ids of reminder rows whose task is no longer waiting (done or gone meanwhile)."""
    wanted = {row.id: str(row.params.get("task_id", "")) for row in rows
              if row.kind in REMINDER_KINDS}
    if not wanted:
        return set()
    waiting = set(session.scalars(select(ReadyTask.id).where(
        ReadyTask.id.in_(set(wanted.values())))))
    return {row_id for row_id, task_id in wanted.items() if task_id not in waiting}
