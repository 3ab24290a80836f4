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
from ._before import tasks_before, tasks_right_before
from ._dry_run import (
    DRY_RUN_CODES,
    MAX_ANSWERS,
    AnswerRefused,
    DryRun,
    PathStep,
    ReachedTimer,
    WaitingTask,
    dry_run,
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
    "DRY_RUN_CODES",
    "MAX_ANSWERS",
    "MIGRATED",
    "MOVE_CODES",
    "REPLAY_CODES",
    "AnswerRefused",
    "Difference",
    "DryRun",
    "MovePlan",
    "MoveReason",
    "PathStep",
    "ProcessFailed",
    "ReachedTimer",
    "ReplayDiverged",
    "ReplayResult",
    "SafeEnvironment",
    "SafeScriptEngine",
    "Snapshot",
    "StepMove",
    "WaitingTask",
    "compare",
    "complete_user_task",
    "correct_data",
    "dry_run",
    "fire_timers",
    "migrate",
    "plan_move",
    "ready_task_name",
    "ready_user_tasks",
    "replay_events",
    "replay_log",
    "restore",
    "start_workflow",
    "tasks_before",
    "tasks_right_before",
    "waiting_timers",
]
