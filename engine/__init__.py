"""Kontoflöde's workflow engine: no Flask, no HTTP; everything the web layer may use is here."""

from engine.accounts import AccountFacets, AccountRow
from engine.definitions import ProcessSource, load_process, read_process_dir
from engine.definitions.forms import Field, FormDefinition
from engine.errors import CheckpointUnavailable, TaskAlreadyDone
from engine.evidence import CaseFileCheck, SealCheck, check_case_file, generate_key_pair
from engine.runtime import ProcessFailed, ReplayResult
from engine.store import ChainCheck, VersionView
from engine.usecases import (
    ROLES,
    AnswerItem,
    AnswerSection,
    CheckpointVerdict,
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
    StreamFinding,
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
)
from .settings import Settings
from .worker import FireTimers, Job, MakeCheckpoints, Worker, stop_on_signals

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_PEOPLE",
    "ROLES",
    "AccountFacets",
    "AccountRow",
    "AnswerItem",
    "AnswerSection",
    "CaseFileCheck",
    "ChainCheck",
    "CheckpointUnavailable",
    "CheckpointVerdict",
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
    "MakeCheckpoints",
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
    "SealCheck",
    "Settings",
    "StartResult",
    "StreamFinding",
    "SystemClock",
    "TaskAlreadyDone",
    "TaskSummary",
    "TaskView",
    "TimerSweep",
    "UserView",
    "VersionView",
    "Worker",
    "check_case_file",
    "check_process_dir",
    "generate_key_pair",
    "load_process",
    "read_process_dir",
    "seed_demo",
    "stop_on_signals",
]
