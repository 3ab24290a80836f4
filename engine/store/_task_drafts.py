"""Drafts of task forms: one per person and task, kept until submitted or the task moves on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ._models import Base


class TaskDraft(Base):
    """A person's half-filled form of a ready task (not validated, only known fields)."""

    __tablename__ = "task_drafts"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    data: Mapped[dict[str, Any]]
    saved_at: Mapped[datetime]


def put_task_draft(session: Session, task_id: str, user_id: int, data: dict[str, Any],
                   now: datetime) -> None:
    """Insert or replace the person's draft in one statement (two saves at once both land)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(TaskDraft.__table__).values(
        task_id=task_id, user_id=user_id, data=data, saved_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["task_id", "user_id"],
        set_={"data": statement.excluded.data, "saved_at": statement.excluded.saved_at}))


def drop_task_drafts(session: Session, task_ids) -> None:
    """Delete every person's draft of these tasks (they were completed or moved on)."""
    ids = list(task_ids)
    if ids:
        table = TaskDraft.__table__
        session.execute(table.delete().where(table.c.task_id.in_(ids)))
