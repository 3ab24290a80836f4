"""Running SpiffWorkflow: start, restore, advance and snapshot a workflow; scripting; replay.

Never touches the database. Moving a workflow to another version: `plan_move`, `migrate`."""

from ._advance import (
    ProcessFailed,
    Snapshot,
    complete_user_task,
    correct_data,
    fire_timers,
    ready_task_name,
    ready_user_tasks,
    restore,
    start_workflow,
    waiting_timers,
)
from ._migrate import MOVE_CODES, MovePlan, MoveReason, StepMove, migrate, plan_move
from ._replay import (
    MIGRATED,
    REPLAY_CODES,
    Difference,
    ReplayDiverged,
    ReplayResult,
    compare,
    replay_events,
    replay_log,
)
from ._scripting import SafeEnvironment, SafeScriptEngine

__all__ = [
    "MIGRATED",
    "MOVE_CODES",
    "REPLAY_CODES",
    "Difference",
    "MovePlan",
    "MoveReason",
    "ProcessFailed",
    "ReplayDiverged",
    "ReplayResult",
    "SafeEnvironment",
    "SafeScriptEngine",
    "Snapshot",
    "StepMove",
    "compare",
    "complete_user_task",
    "correct_data",
    "fire_timers",
    "migrate",
    "plan_move",
    "ready_task_name",
    "ready_user_tasks",
    "replay_events",
    "replay_log",
    "restore",
    "start_workflow",
    "waiting_timers",
]
