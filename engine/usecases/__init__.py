"""The application: commands and queries, access rules, the directory, auditing, checkpoints."""

from ._access import check_may_view, holds_role_on_record
from ._anchoring import Anchoring, CheckpointVerdict, StreamFinding
from ._answer_check import AmendView, AnswerCheck, AnswerCheckView, CheckedStep
from ._auditing import Auditing
from ._claims import ClaimCommands
from ._commands import Commands
from ._conversation import ConversationItem, Conversations, ConversationView
from ._corrections import CorrectionCommands
from ._cover import CoverCommands, CoverView
from ._delivery import DeliveryPort, DeliveryReport, Notice, Outbox, RecordingDelivery
from ._demo_clock import DEMO_CLOCK_CODES, ClockMove, DemoClockCommands, DemoClockView
from ._directory import Directory, Identity, LocalPasswords, PersonChange, PersonFields, load_user
from ._draft_editor import DraftEditor
from ._drafts import DraftLimits
from ._endings import end_request
from ._history import HISTORY_CODES
from ._inbox import INBOX_SORTS, InboxFilter, InboxPage
from ._mail_admin import MailAdmin
from ._moves import PAGE_SIZE as MOVE_PAGE_SIZE
from ._moves import MoveCandidate, MoveOutcome, MoveReport, Moves
from ._notify import NOTIFY_MODES, NotifyPrefs
from ._people_admin import (
    PEOPLE_PAGE_SIZE,
    PeopleAdmin,
    PeoplePage,
    PersonDetail,
    PersonEntry,
    may_administer,
)
from ._procedure import NoProcedure, Procedure
from ._process_access import (
    may_change_processes,
    may_read_processes,
    require_process_owner,
    require_process_reader,
)
from ._process_admin import ProcessAdmin
from ._process_views import (
    PROCESS_EVENT_KINDS,
    DeployOutcome,
    DraftView,
    PendingView,
    ProcessDetail,
    ProcessEvent,
    ProcessSummary,
    VersionDetail,
    VersionSummary,
)
from ._projections import ProjectionDifference, projection_differences
from ._queries import Queries
from ._reminders import Reminders
from ._stuck import STUCK_PAGE_SIZE, STUCK_REASONS, StuckPage, StuckTask, StuckTasks
from ._task_drafts import DraftView as TaskDraftView
from ._task_drafts import TaskDrafts
from ._trials import Trial, Trials, VersionRef
from ._views import (
    ROLES,
    AnswerItem,
    AnswerSection,
    CompletionResult,
    EarlierRound,
    HistoryEntry,
    HistoryStep,
    RecordCheck,
    RequestSummary,
    RequestView,
    StartResult,
    TaskSummary,
    TaskView,
    TimerSweep,
    UserView,
    VersionInfo,
    WaitingOn,
)
from ._withdrawal import WithdrawCommands

__all__ = [
    "DEMO_CLOCK_CODES",
    "HISTORY_CODES",
    "INBOX_SORTS",
    "MOVE_PAGE_SIZE",
    "NOTIFY_MODES",
    "PEOPLE_PAGE_SIZE",
    "PROCESS_EVENT_KINDS",
    "ROLES",
    "STUCK_PAGE_SIZE",
    "STUCK_REASONS",
    "AmendView",
    "Anchoring",
    "AnswerCheck",
    "AnswerCheckView",
    "AnswerItem",
    "AnswerSection",
    "Auditing",
    "CheckedStep",
    "CheckpointVerdict",
    "ClaimCommands",
    "ClockMove",
    "Commands",
    "CompletionResult",
    "ConversationItem",
    "ConversationView",
    "Conversations",
    "CorrectionCommands",
    "CoverCommands",
    "CoverView",
    "DeliveryPort",
    "DeliveryReport",
    "DemoClockCommands",
    "DemoClockView",
    "DeployOutcome",
    "Directory",
    "DraftEditor",
    "DraftLimits",
    "DraftView",
    "EarlierRound",
    "HistoryEntry",
    "HistoryStep",
    "Identity",
    "InboxFilter",
    "InboxPage",
    "LocalPasswords",
    "MailAdmin",
    "MoveCandidate",
    "MoveOutcome",
    "MoveReport",
    "Moves",
    "NoProcedure",
    "Notice",
    "NotifyPrefs",
    "Outbox",
    "PendingView",
    "PeopleAdmin",
    "PeoplePage",
    "PersonChange",
    "PersonDetail",
    "PersonEntry",
    "PersonFields",
    "Procedure",
    "ProcessAdmin",
    "ProcessDetail",
    "ProcessEvent",
    "ProcessSummary",
    "ProjectionDifference",
    "Queries",
    "RecordCheck",
    "RecordingDelivery",
    "Reminders",
    "RequestSummary",
    "RequestView",
    "StartResult",
    "StreamFinding",
    "StuckPage",
    "StuckTask",
    "StuckTasks",
    "TaskDraftView",
    "TaskDrafts",
    "TaskSummary",
    "TaskView",
    "TimerSweep",
    "Trial",
    "Trials",
    "UserView",
    "VersionDetail",
    "VersionInfo",
    "VersionRef",
    "VersionSummary",
    "WaitingOn",
    "WithdrawCommands",
    "check_may_view",
    "end_request",
    "holds_role_on_record",
    "load_user",
    "may_administer",
    "may_change_processes",
    "may_read_processes",
    "projection_differences",
    "require_process_owner",
    "require_process_reader",
]
