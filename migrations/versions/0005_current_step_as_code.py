"""instances.current_step: a code with parameters (JSON) instead of an English phrase

Each row is rebuilt from what the instance waits on (its ready tasks and timers), so no phrase
has to be parsed: completed, at_tasks (the ready tasks' titles), timer (name and due date) or
waiting. Downgrading writes the old phrases back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00
"""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

instances = sa.table("instances", sa.column("id", sa.String), sa.column("status", sa.String),
                     sa.column("current_step", sa.String))
ready_tasks = sa.table("ready_tasks", sa.column("instance_id", sa.String),
                       sa.column("task_title", sa.String))
timers = sa.table("timers", sa.column("instance_id", sa.String), sa.column("name", sa.String),
                  sa.column("due_at", sa.DateTime))


def _code(code: str, **params) -> str:
    return json.dumps({"code": code, "params": params}, sort_keys=True, ensure_ascii=False)


def _due_date(value) -> str:
    if isinstance(value, str):  # SQLite hands DateTime back as text through a plain table
        value = datetime.fromisoformat(value)
    return value.date().isoformat()


def upgrade() -> None:
    connection = op.get_bind()
    titles: dict[str, set[str]] = {}
    for instance_id, title in connection.execute(
            sa.select(ready_tasks.c.instance_id, ready_tasks.c.task_title)):
        titles.setdefault(instance_id, set()).add(title)
    first_timer: dict[str, tuple] = {}
    for instance_id, name, due_at in connection.execute(
            sa.select(timers.c.instance_id, timers.c.name, timers.c.due_at)
            .order_by(timers.c.due_at)):
        first_timer.setdefault(instance_id, (name, due_at))
    for instance_id, status in connection.execute(sa.select(instances.c.id, instances.c.status)):
        if status == "completed":
            step = _code("completed")
        elif instance_id in titles:
            step = _code("at_tasks", tasks=sorted(titles[instance_id]))
        elif instance_id in first_timer:
            name, due_at = first_timer[instance_id]
            step = _code("timer", timer=name, due=_due_date(due_at))
        else:
            step = _code("waiting")
        connection.execute(instances.update().where(instances.c.id == instance_id)
                           .values(current_step=step))


def _phrase(stored: str) -> str:
    try:
        step = json.loads(stored)
    except ValueError:
        return stored
    params = step.get("params") or {}
    if step.get("code") == "completed":
        return "Completed"
    if step.get("code") == "at_tasks":
        return ", ".join(params.get("tasks", []))
    if step.get("code") == "timer":
        return f"{params.get('timer')}: {params.get('due')}"
    return "Waiting"


def downgrade() -> None:
    connection = op.get_bind()
    for instance_id, stored in connection.execute(
            sa.select(instances.c.id, instances.c.current_step)):
        connection.execute(instances.update().where(instances.c.id == instance_id)
                           .values(current_step=_phrase(stored or "")))
