"""Plain, read-only values the engine hands to its callers (the web layer, the CLI, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.definitions.forms import FormDefinition
from engine.store import CurrentStep

ROLES = ("staff", "manager", "communications", "process_owner", "auditor", "admin")


@dataclass(frozen=True)
class UserView:
    """A person, as the rest of the system sees them."""

    id: int
    username: str
    name: str
    email: str
    roles: frozenset[str]
    manager_id: int | None
    manager_name: str | None
    active: bool = True
    session_generation: int = 0  # a session begun under another number has ended

    def has_role(self, role: str) -> bool:
        """True when the user holds the role."""
        return role in self.roles


@dataclass(frozen=True)
class WaitingOn:
    """Who a ready task waits on: a named person, anyone in a lane (or role), or the reader."""

    person: str | None = None
    lane: str | None = None
    you: bool = False
    covered_by: str | None = None  # the person's substitute today, who acts meanwhile


@dataclass(frozen=True)
class TaskSummary:
    """One row of an inbox."""

    id: str
    instance_id: str
    task_name: str
    title: str
    request_title: Any  # a store.Title: code and params, worded by the web
    requester_name: str
    lane: str
    created_at: datetime
    waited: timedelta
    lane_name: str = ""
    waiting_on: WaitingOn = WaitingOn()
    due_at: datetime | None = None
    group: bool = False  # a role task, claimed by one holder of the role
    claimed_by: str | None = None  # the name of who is working on it
    claimed_by_you: bool = False
    sent_back: bool = False  # ready again because the request was sent back


@dataclass(frozen=True)
class AnswerItem:
    """One answered field: its label and its value (text, a boolean, or a list of texts)."""

    name: str
    label: str
    value: Any


@dataclass(frozen=True)
class AnswerSection:
    """The answers given at one step (and, where the record says, who gave them and when)."""

    step: str
    title: str
    items: tuple[AnswerItem, ...]
    by: str | None = None  # the name of whoever last completed the step
    at: datetime | None = None  # when they did


@dataclass(frozen=True)
class EarlierRound:
    """A send-back by this task's step, and the answers that came back after it."""

    said: AnswerSection
    replies: tuple[AnswerSection, ...]


@dataclass(frozen=True)
class TaskView:
    """Everything needed to show and fill in one task."""

    id: str
    instance_id: str
    task_name: str
    title: str
    lane: str
    documentation: str
    form: FormDefinition
    values: dict[str, Any]
    request_title: Any  # a store.Title: code and params, worded by the web
    requester_name: str
    created_at: datetime
    answers: tuple[AnswerSection, ...]
    previous_step: AnswerSection | None
    process_id: str
    initiator_label: str = ""  # the initiator lane's name; empty when the diagram has none
    subject: Any = None  # what the task is about, from the procedure plug-in
    notes: Any = None  # what the decider should weigh (Messages), None: nothing here
    group: bool = False  # a role task: claimed by one holder of the role before it is done
    claimed_by: str | None = None  # the name of who is working on it, if anyone
    claimed_by_you: bool = False
    # Done again after this step sent the request back: what it said and what came back.
    earlier_rounds: tuple[EarlierRound, ...] = ()


@dataclass(frozen=True)
class StartResult:
    """A request just started, and the starter's first task (None if it is someone else's)."""

    instance_id: str
    first_task_id: str | None


@dataclass(frozen=True)
class CompletionResult:
    """What happened when a task was completed."""

    instance_id: str
    completed_title: str
    status: str
    next_steps: tuple[str, ...]
    waiting_on: tuple[WaitingOn, ...]
    next_task_for_you: str | None


@dataclass(frozen=True)
class RequestSummary:
    """One row of "my requests"."""

    id: str
    title: Any  # a store.Title
    status: str
    current_step: CurrentStep
    created_at: datetime
    updated_at: datetime
    requester_name: str = ""
    process_id: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a request's history."""

    seq: int
    kind: str
    at: datetime
    actor_name: str | None
    task_name: str | None
    task_title: str | None
    code: str
    params: dict[str, Any]
    details: AnswerSection | None = None
    task_id: str | None = None  # the task the event is about, if any


@dataclass(frozen=True)
class RequestView:
    """A request in full, for the people allowed to see it."""

    id: str
    process_id: str
    title: Any  # a store.Title
    status: str
    current_step: CurrentStep
    requester_name: str
    requester_id: int
    created_at: datetime
    version_hash: str
    answers: tuple[AnswerSection, ...]
    history: tuple[HistoryEntry, ...]
    completed_steps: tuple[str, ...]
    current_steps: tuple[str, ...]
    open_tasks: tuple[TaskSummary, ...]
    account_id: int | None
    # The request that opened this instance's account, when this instance is not that request.
    account_request: RequestSummary | None = None
    # The account's other instances started after that request (its review cycles), oldest first.
    account_cycles: tuple[RequestSummary, ...] = ()


@dataclass(frozen=True)
class VersionInfo:
    """A process version as an auditor names it: its number, when and by whom it was deployed."""

    process_id: str
    number: int  # 1 for the process's first version, in the order they were stored
    content_hash: str
    deployed_at: datetime | None  # its first deployment (None if it was never deployed)
    deployed_by: str | None  # who deployed it (None: the command line, or nobody known)
    version_id: int | None = None


@dataclass(frozen=True)
class HistoryStep:
    """A request as it stood right after one event of its log, rebuilt by replaying the log."""

    instance_id: str
    title: str
    requester_name: str
    timeline: tuple[HistoryEntry, ...]  # every event of the request, oldest first
    event: HistoryEntry  # the chosen event
    completed_steps: tuple[str, ...]  # the diagram's task ids done by then
    waiting_steps: tuple[str, ...]  # the diagram's task ids waiting right after it
    answers: tuple[AnswerSection, ...]  # the answers as they stood right after it
    completed: bool  # whether the request had ended by then
    version: VersionInfo

    @property
    def actor_name(self) -> str | None:
        """Who caused the chosen event (None: the system)."""
        return self.event.actor_name

    @property
    def at(self) -> datetime:
        """When the chosen event happened (aware UTC)."""
        return self.event.at


@dataclass(frozen=True)
class RecordCheck:
    """An auditor's check of one request: its hash chain, its version, a replay of its log,
    and its projected rows; with what the page needs to name the request without the version."""

    chain: Any  # store.ChainCheck
    replay: Any  # runtime.ReplayResult
    projections: tuple[Any, ...] = ()  # ProjectionDifference: inbox, timer, status, register rows
    version_altered: Any = None  # errors.VersionAltered when the version fails its hash
    instance_id: str = ""
    title: Any = None  # a store.Title
    requester_name: str = ""
    version_hash: str = ""

    @property
    def sound(self) -> bool:
        """True when the log is intact, its version is what its hash says, replaying it gives
        the stored state, and every projected row agrees with it."""
        return (self.chain.intact and self.replay.matches and not self.projections
                and self.version_altered is None)


@dataclass(frozen=True)
class TimerSweep:
    """What one pass of the timer sweep did."""

    fired: int
    skipped: int
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    # The exception of each failed instance, by instance id, for the worker to log in full.
    failures: dict[str, BaseException] = field(default_factory=dict)
