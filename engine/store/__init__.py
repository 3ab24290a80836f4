"""The database: typed models, the unit of work, the version-checked write of a step,
the hash-chained event log and the catalog of deployed versions."""

from ._assignment import approver_of, assign
from ._catalog import Catalog, VersionView
from ._events import CHAIN_CODES, GENESIS, ChainCheck, NewEvent, verify_chain
from ._models import (
    Base,
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
from ._transitions import Transition, write_transition
from ._uow import UnitOfWork, make_db_engine

__all__ = [
    "CHAIN_CODES",
    "GENESIS",
    "INSTANCE_STATUSES",
    "STEP_CODES",
    "Base",
    "Catalog",
    "ChainCheck",
    "CurrentStep",
    "Deployment",
    "Event",
    "Instance",
    "NewEvent",
    "NewMessage",
    "OutboxMessage",
    "ProcessVersion",
    "ReadyTask",
    "Timer",
    "Transition",
    "UnitOfWork",
    "User",
    "UserRole",
    "VersionView",
    "append_messages",
    "approver_of",
    "assign",
    "claim_pending",
    "make_db_engine",
    "verify_chain",
    "write_transition",
]
