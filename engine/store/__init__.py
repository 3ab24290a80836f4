"""The database: typed models, the unit of work, the version-checked write of a step,
the hash-chained event log, checkpoints over it and the catalog of deployed versions."""

from ._assignment import Assignment, approver_of, assign
from ._catalog import Catalog, VersionView
from ._checkpoints import (
    StreamScan,
    checkpoint_document,
    count_events,
    latest_checkpoint,
    latest_checkpoint_time,
    latest_covering,
    save_checkpoint,
    scan_streams,
    stream_heads,
)
from ._corrections import (
    ANSWER_CORRECTED,
    CORRECTION_KINDS,
    REQUEST_CANCELLED,
    TASK_REASSIGNED,
    Corrections,
    corrections_of,
    write_correction,
)
from ._events import CHAIN_CODES, GENESIS, ChainCheck, NewEvent, verify_chain
from ._models import (
    Base,
    Checkpoint,
    Deployment,
    Event,
    Instance,
    OutboxMessage,
    ProcessVersion,
    ReadyTask,
    Timer,
    User,
    UserRole,
)
from ._outbox import NewMessage, append_messages, claim_pending
from ._steps import INSTANCE_STATUSES, STEP_CODES, CurrentStep
from ._titles import KERNEL_TITLE_CODES, Title
from ._transitions import Transition, write_transition
from ._uow import UnitOfWork, make_db_engine

__all__ = [
    "ANSWER_CORRECTED",
    "CHAIN_CODES",
    "CORRECTION_KINDS",
    "GENESIS",
    "INSTANCE_STATUSES",
    "KERNEL_TITLE_CODES",
    "REQUEST_CANCELLED",
    "STEP_CODES",
    "TASK_REASSIGNED",
    "Assignment",
    "Base",
    "Catalog",
    "ChainCheck",
    "Checkpoint",
    "Corrections",
    "CurrentStep",
    "Deployment",
    "Event",
    "Instance",
    "NewEvent",
    "NewMessage",
    "OutboxMessage",
    "ProcessVersion",
    "ReadyTask",
    "StreamScan",
    "Timer",
    "Title",
    "Transition",
    "UnitOfWork",
    "User",
    "UserRole",
    "VersionView",
    "append_messages",
    "approver_of",
    "assign",
    "checkpoint_document",
    "claim_pending",
    "corrections_of",
    "count_events",
    "latest_checkpoint",
    "latest_checkpoint_time",
    "latest_covering",
    "make_db_engine",
    "save_checkpoint",
    "scan_streams",
    "stream_heads",
    "verify_chain",
    "write_correction",
    "write_transition",
]
