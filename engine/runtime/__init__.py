"""Running SpiffWorkflow: start, restore, advance and snapshot a workflow; scripting; replay.

Never touches the database."""

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
from ._replay import (
    REPLAY_CODES,
    Difference,
    ReplayDiverged,
    ReplayResult,
    compare,
    replay_events,
)
from ._scripting import SafeEnvironment, SafeScriptEngine

__all__ = [
    "DRY_RUN_CODES",
    "MAX_ANSWERS",
    "REPLAY_CODES",
    "AnswerRefused",
    "Difference",
    "DryRun",
    "PathStep",
    "ProcessFailed",
    "ReachedTimer",
    "ReplayDiverged",
    "ReplayResult",
    "SafeEnvironment",
    "SafeScriptEngine",
    "Snapshot",
    "WaitingTask",
    "compare",
    "complete_user_task",
    "correct_data",
    "dry_run",
    "fire_timers",
    "ready_task_name",
    "ready_user_tasks",
    "replay_events",
    "restore",
    "start_workflow",
    "waiting_timers",
]
