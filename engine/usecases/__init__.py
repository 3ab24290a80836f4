"""The application: commands and queries, access rules, the directory, auditing."""

from ._auditing import Auditing
from ._commands import Commands
from ._directory import Directory, Identity, LocalPasswords
from ._history import HISTORY_CODES
from ._queries import Queries
from ._register import Register
from ._views import (
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
    WaitingOn,
)

__all__ = [
    "HISTORY_CODES",
    "ROLES",
    "AccountFacets",
    "AccountRow",
    "AnswerItem",
    "AnswerSection",
    "Auditing",
    "Commands",
    "CompletionResult",
    "Directory",
    "HistoryEntry",
    "Identity",
    "LocalPasswords",
    "Queries",
    "RecordCheck",
    "Register",
    "RequestSummary",
    "RequestView",
    "TaskSummary",
    "TaskView",
    "TimerSweep",
    "UserView",
    "WaitingOn",
]
