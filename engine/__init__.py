"""Kontoflöde's workflow engine: no Flask, no HTTP; everything the web layer may use is here."""

from engine.accounts import AccountFacets, AccountRow
from engine.definitions import ProcessSource, load_process, read_process_dir
from engine.definitions.forms import Field, FormDefinition
from engine.errors import TaskAlreadyDone
from engine.runtime import ProcessFailed, ReplayResult
from engine.store import ChainCheck, VersionView
from engine.usecases import (
    ROLES,
    AnswerItem,
    AnswerSection,
    CompletionResult,
    DeliveryPort,
    DeliveryReport,
    HistoryEntry,
    Message,
    RecordCheck,
    RecordingDelivery,
    RequestSummary,
    RequestView,
    StartResult,
    TaskSummary,
    TaskView,
    TimerSweep,
    UserView,
)

from .app import Engine, check_process_dir
from .clock import Clock, FixedClock, SystemClock
from .demo import DEMO_PASSWORD, DEMO_PEOPLE, DemoPerson, seed_demo
from .errors import (
    Conflict,
    EngineError,
    InvalidDiagram,
    InvalidForm,
    InvalidInput,
    NotAllowed,
    NotFound,
    Problem,
    VersionAltered,
)
from .settings import Settings
from .worker import FireTimers, Job, Worker, stop_on_signals

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_PEOPLE",
    "ROLES",
    "AccountFacets",
    "AccountRow",
    "AnswerItem",
    "AnswerSection",
    "ChainCheck",
    "Clock",
    "CompletionResult",
    "Conflict",
    "DeliveryPort",
    "DeliveryReport",
    "DemoPerson",
    "Engine",
    "EngineError",
    "Field",
    "FireTimers",
    "FixedClock",
    "FormDefinition",
    "HistoryEntry",
    "InvalidDiagram",
    "InvalidForm",
    "InvalidInput",
    "Job",
    "Message",
    "NotAllowed",
    "NotFound",
    "Problem",
    "ProcessFailed",
    "ProcessSource",
    "RecordCheck",
    "RecordingDelivery",
    "ReplayResult",
    "RequestSummary",
    "RequestView",
    "Settings",
    "StartResult",
    "SystemClock",
    "TaskAlreadyDone",
    "TaskSummary",
    "TaskView",
    "TimerSweep",
    "UserView",
    "VersionAltered",
    "VersionView",
    "Worker",
    "check_process_dir",
    "load_process",
    "read_process_dir",
    "seed_demo",
    "stop_on_signals",
]
