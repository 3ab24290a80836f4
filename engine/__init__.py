"""Kontoflöde's workflow engine: no Flask, no HTTP; everything the web layer may use is here."""

from .app import Engine
from .audit import ChainCheck
from .clock import Clock, FixedClock, SystemClock
from .definitions import ProcessSource, load_process, read_process_dir
from .errors import (
    Conflict,
    EngineError,
    InvalidDiagram,
    InvalidForm,
    InvalidInput,
    NotAllowed,
    NotFound,
    Problem,
)
from .forms import Field, FormDefinition
from .replay import ReplayResult
from .runtime import ProcessFailed
from .services import TaskAlreadyDone
from .settings import Settings
from .views import (
    ROLES,
    AccountFacets,
    AccountRow,
    AnswerItem,
    AnswerSection,
    CompletionResult,
    HistoryEntry,
    RecordCheck,
    RequestSummary,
    RequestView,
    TaskSummary,
    TaskView,
    TimerSweep,
    UserView,
    VersionView,
)

__all__ = [
    "ROLES",
    "AccountFacets",
    "AccountRow",
    "AnswerItem",
    "AnswerSection",
    "ChainCheck",
    "Clock",
    "CompletionResult",
    "Conflict",
    "Engine",
    "EngineError",
    "Field",
    "FixedClock",
    "FormDefinition",
    "HistoryEntry",
    "InvalidDiagram",
    "InvalidForm",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Problem",
    "ProcessFailed",
    "ProcessSource",
    "RecordCheck",
    "ReplayResult",
    "RequestSummary",
    "RequestView",
    "Settings",
    "SystemClock",
    "TaskAlreadyDone",
    "TaskSummary",
    "TaskView",
    "TimerSweep",
    "UserView",
    "VersionView",
    "load_process",
    "read_process_dir",
]
