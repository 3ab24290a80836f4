"""Plain, read-only values the engine hands to its callers (the web layer, the CLI, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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

    def has_role(self, role: str) -> bool:
        """True when the user holds the role."""
        return role in self.roles


@dataclass(frozen=True)
class WaitingOn:
    """Who a ready task waits on: a named person, anyone in a lane (or role), or the reader."""

    person: str | None = None
    lane: str | None = None
    you: bool = False


@dataclass(frozen=True)
class TaskSummary:
    """One row of an inbox."""

    id: str
    instance_id: str
    task_name: str
    title: str
    request_title: str
    requester_name: str
    lane: str
    created_at: datetime
    waited: timedelta
    lane_name: str = ""
    waiting_on: WaitingOn = WaitingOn()
    due_at: datetime | None = None


@dataclass(frozen=True)
class AnswerItem:
    """One answered field: its label and its value (text, a boolean, or a list of texts)."""

    name: str
    label: str
    value: Any


@dataclass(frozen=True)
class AnswerSection:
    """The answers given at one step."""

    step: str
    title: str
    items: tuple[AnswerItem, ...]


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
    request_title: str
    requester_name: str
    created_at: datetime
    answers: tuple[AnswerSection, ...]
    previous_step: AnswerSection | None
    process_id: str
    initiator_label: str = ""  # the initiator lane's name; empty when the diagram has none
    account: AccountRow | None = None


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
    title: str
    status: str
    current_step: CurrentStep
    created_at: datetime
    updated_at: datetime
    requester_name: str = ""


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


@dataclass(frozen=True)
class RequestView:
    """A request in full, for the people allowed to see it."""

    id: str
    process_id: str
    title: str
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


@dataclass(frozen=True)
class AccountRow:
    """One account in the communications department's register."""

    id: int
    request_id: str
    channel: str
    account_name: str
    handle: str
    url: str
    owning_unit: str
    owning_unit_type: str
    owner_name: str
    owner_email: str
    moderators: tuple[str, ...]
    status: str
    approved_by: str | None
    registered_on: date | None
    next_review_on: date | None
    closed_on: date | None
    review_cycles: int
    purpose: str = ""


@dataclass(frozen=True)
class AccountFacets:
    """What the register can be filtered by: the statuses and channels in use, and the total."""

    statuses: tuple[str, ...]
    channels: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class RecordCheck:
    """An auditor's check of one request: its hash chain, and a replay of its log."""

    chain: Any  # audit.ChainCheck
    replay: Any  # replay.ReplayResult

    @property
    def sound(self) -> bool:
        """True when the log is intact and replaying it gives the stored state."""
        return self.chain.intact and self.replay.matches


@dataclass(frozen=True)
class TimerSweep:
    """What one pass of the timer sweep did."""

    fired: int
    skipped: int
    failed: int = 0
    errors: list[str] = field(default_factory=list)
