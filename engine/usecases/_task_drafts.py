"""Drafts of task forms: save half-filled answers, load them on the task page, discard them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.store import TaskDraft, put_task_draft

from ._access import authorized_task

MAX_TEXT = 10_000  # characters kept of one typed answer
MAX_ROWS = 50  # rows kept of a list or group


@dataclass(frozen=True)
class DraftView:
    """A person's saved draft of a task: what was typed and when it was saved."""

    data: dict[str, Any]
    saved_at: datetime


class TaskDrafts:
    """Per person, per task drafts; only someone who may act on the task has one."""

    def __init__(self, uow, catalog, clock):
        self.uow, self.catalog, self.clock = uow, catalog, clock

    def save_draft(self, user_id: int, task_id: str, data: dict[str, Any]) -> DraftView:
        """Keep the typed answers of the task's own fields (not checked for completeness)."""
        with self.uow.write() as session:
            loaded = authorized_task(session, self.catalog, user_id, task_id,
                                     self.clock.now())
            fields = loaded.process.user_tasks[loaded.task_name].form.fields
            kept = clean_draft(fields, data)
            now = self.clock.now()
            put_task_draft(session, task_id, user_id, kept, now)
        return DraftView(kept, now)

    def load_draft(self, user_id: int, task_id: str) -> DraftView | None:
        """The user's own draft of a task, or None.

        Keyed by the person: nobody reads another's draft. The task page that shows it has
        decided already that the person may act on the task, so the state is not restored twice.
        """
        with self.uow.read() as session:
            draft = session.get(TaskDraft, (task_id, user_id))
            return None if draft is None else DraftView(dict(draft.data), draft.saved_at)

    def discard_draft(self, user_id: int, task_id: str) -> None:
        """Forget the user's own draft of a task."""
        with self.uow.write() as session:
            table = TaskDraft.__table__
            session.execute(table.delete().where(table.c.task_id == task_id,
                                                 table.c.user_id == user_id))


def clean_draft(fields, data: dict[str, Any]) -> dict[str, Any]:
    """Only the form's fields, plain values, strings and rows capped: hostile input shrinks."""
    specs = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for name, value in (data or {}).items():
        spec = specs.get(name)
        if spec is None:
            continue
        if spec.kind == "group":
            subs = {sub.name for sub in spec.item_fields}
            rows = [{k: _plain(v) for k, v in row.items() if k in subs and _plain(v) is not None}
                    for row in (value if isinstance(value, list) else [])[:MAX_ROWS]
                    if isinstance(row, dict)]
            out[name] = rows
        elif spec.kind == "list":
            items = [_plain(v) for v in (value if isinstance(value, list) else [])[:MAX_ROWS]]
            out[name] = [v for v in items if v is not None]
        else:
            plain = _plain(value)
            if plain is not None:
                out[name] = plain
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:MAX_TEXT]
    return None
