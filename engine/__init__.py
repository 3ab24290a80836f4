"""Kontoflöde's workflow engine: no Flask, no HTTP; everything the web layer may use is here."""

from engine.definitions import ProcessSource, load_process, read_process_dir
from engine.definitions.forms import Field, FormDefinition
from engine.runtime import ReplayResult
from engine.store import ChainCheck, VersionView
from engine.usecases import (
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
)

from .app import Engine
from .clock import Clock, FixedClock, SystemClock
from .errors import (
    Conflict,
    EngineError,
    ExpressionError,
    FormDefinitionError,
    InvalidDiagram,
    InvalidForm,
    InvalidInput,
    Message,
    NotAllowed,
    NotFound,
    Problem,
    ProcessFailed,
    ReplayDiverged,
    TaskAlreadyDone,
    error_codes,
)
from .settings import Settings

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
    "ExpressionError",
    "Field",
    "FixedClock",
    "FormDefinition",
    "FormDefinitionError",
    "HistoryEntry",
    "InvalidDiagram",
    "InvalidForm",
    "InvalidInput",
    "Message",
    "NotAllowed",
    "NotFound",
    "Problem",
    "ProcessFailed",
    "ProcessSource",
    "RecordCheck",
    "ReplayDiverged",
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
    "error_codes",
    "load_process",
    "read_process_dir",
]
