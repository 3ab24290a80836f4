"""The projections checked against the record: inbox rows, timer rows and an instance's status.

Lists are answered from these tables, and people act from the inbox, so an insider who edits
them can hide a task, hang a request or point a task at the wrong person. They are rebuilt here
from the stored state (which replay checks against the log) and the version's lane rules, and
every difference is reported as data: which table, which row, which field, stored and expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.runtime import ready_user_tasks, waiting_timers
from engine.store import (
    Assignment,
    Corrections,
    Instance,
    ReadyTask,
    Timer,
    assign,
    corrections_of,
)


@dataclass(frozen=True)
class ProjectionDifference:
    """One field of one projected row that the record does not bear out."""

    table: str
    row: str
    field: str
    stored: Any
    expected: Any


def projection_differences(session: Session, process: LoadedProcess, instance: Instance,
                           workflow) -> list[ProjectionDifference]:
    """Every way the instance's inbox, timer and status rows differ from its stored state.

    The log's corrections count: a reassigned task belongs to the person it was reassigned to,
    and a cancelled or withdrawn request has no inbox or timer rows at all.
    """
    corrections = corrections_of(session, instance.id)
    found = _status_differences(instance, workflow.is_completed(), corrections.ended)
    found += _inbox_differences(session, process, instance, workflow, corrections)
    found += _timer_differences(session, instance, workflow, corrections.ended is not None)
    return found


def current_data(workflow) -> dict[str, Any]:
    """The data a restored workflow holds now (at its last completed task, or its start)."""
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)


def _status_differences(instance: Instance, completed: bool,
                        ended: str | None) -> list[ProjectionDifference]:
    expected = ended or ("completed" if completed else "running")
    if instance.status == expected:
        return []
    return [ProjectionDifference("instances", instance.id, "status", instance.status, expected)]


def _inbox_differences(session: Session, process: LoadedProcess, instance: Instance,
                       workflow, corrections: Corrections) -> list[ProjectionDifference]:
    rows = {r.id: r for r in session.scalars(
        select(ReadyTask).where(ReadyTask.instance_id == instance.id)).all()}
    found = []
    expected_ready = [] if corrections.ended else ready_user_tasks(workflow, process)
    for ready in expected_ready:
        row = rows.pop(ready.task_id, None)
        if row is None:
            found.append(ProjectionDifference("ready_tasks", ready.task_id, "row", None,
                                              ready.task_name))
            continue
        target = _holder(session, process, instance, ready, corrections)
        expected = {"task_name": ready.task_name, "lane": ready.lane_id,
                    "assignee_id": target.assignee_id, "role": target.role,
                    "requester_id": instance.started_by, "due_at": ready.due_at}
        found += [ProjectionDifference("ready_tasks", row.id, name, getattr(row, name), value)
                  for name, value in expected.items() if getattr(row, name) != value]
    found += [ProjectionDifference("ready_tasks", row.id, "row", row.task_name, None)
              for row in rows.values()]
    return found


def _holder(session: Session, process: LoadedProcess, instance: Instance, ready,
            corrections: Corrections) -> Assignment:
    """Who a ready task belongs to: the reassigned person, else the lane rule's."""
    if ready.task_id in corrections.reassigned:
        return Assignment(corrections.reassigned[ready.task_id], None)
    return assign(session, process.lane_rules[ready.lane_id], instance.started_by)


def _timer_differences(session: Session, instance: Instance, workflow,
                       ended: bool) -> list[ProjectionDifference]:
    stored = {(t.task_id, t.name, t.due_at) for t in session.scalars(
        select(Timer).where(Timer.instance_id == instance.id)).all()}
    expected = set() if ended else {
        (t.task_id, t.name, t.due_at) for t in waiting_timers(workflow)}
    found = [ProjectionDifference("timers", task_id, "due_at", due_at, None)
             for task_id, _name, due_at in sorted(stored - expected)]
    found += [ProjectionDifference("timers", task_id, "due_at", None, due_at)
              for task_id, _name, due_at in sorted(expected - stored)]
    return found
