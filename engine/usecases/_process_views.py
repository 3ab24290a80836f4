"""Plain values about process definitions: the catalogue, versions, drafts and deploys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.definitions import ProcessSource
from engine.store import VersionView


@dataclass(frozen=True)
class VersionSummary:
    """One deployed version of a process, as the catalogue lists it."""

    version_id: int
    number: int  # 1, 2, 3 … within the process
    content_hash: str
    created_at: datetime
    deployed_at: datetime | None  # its latest deployment (None: stored, never made current)
    deployed_by: str | None  # who deployed it then (None: the command line)
    reason: str  # the deployer's words ("" from the command line without one)
    running: int  # requests running on it now
    current: bool  # new requests start on it
    finished: int = 0  # requests on it that completed or were cancelled


@dataclass(frozen=True)
class VersionDetail:
    """A version with its files: the diagram, every form and the lane rules."""

    process_id: str
    name: str
    summary: VersionSummary
    source: ProcessSource


@dataclass(frozen=True)
class DraftView:
    """A process's shared draft: the files being edited and the revision they are at."""

    process_id: str
    revision: int
    source: ProcessSource
    base_version_id: int | None  # the version it was opened from (None: a new process)
    base_number: int | None
    updated_by: str
    updated_at: datetime
    created_by: str
    created_at: datetime

    @property
    def content_hash(self) -> str:
        """The hash the draft would have as a version."""
        return self.source.content_hash


@dataclass(frozen=True)
class PendingView:
    """A deploy waiting for a second process owner's approval."""

    pending_id: int
    process_id: str
    content_hash: str
    draft_revision: int
    reason: str
    requested_by: str
    requested_by_id: int
    requested_at: datetime
    may_decide: bool  # whether the reader may approve or reject it (never the one who asked)


@dataclass(frozen=True)
class ProcessEvent:
    """One entry of a process's own stream: a draft saved, a deploy asked for, a version made
    current. `kind` is the event's kind (PROCESS_EVENT_KINDS), `params` what it recorded."""

    seq: int
    kind: str
    actor: str | None
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessSummary:
    """One process in the catalogue."""

    process_id: str
    name: str  # from the diagram (the process id when it has none)
    current_version_id: int | None
    current_number: int | None
    versions: int
    running: int
    has_draft: bool
    pending: int  # deploys waiting for approval


@dataclass(frozen=True)
class ProcessDetail:
    """A process: its versions (newest first), its draft, deploys waiting, recent events."""

    process_id: str
    name: str
    versions: list[VersionSummary]
    draft: DraftView | None
    pending: list[PendingView]
    activity: list[ProcessEvent]  # newest first
    may_change: bool  # the reader may open drafts, upload and deploy
    approval_required: bool  # deploys wait for a second process owner

    @property
    def current(self) -> VersionSummary | None:
        """The version new requests start on."""
        return next((v for v in self.versions if v.current), None)


@dataclass(frozen=True)
class DeployOutcome:
    """What a deploy did: a new current version, or a request waiting for approval."""

    process_id: str
    version: VersionView | None = None  # set when the version became current
    pending_id: int | None = None  # set when it waits for a second process owner

    @property
    def deployed(self) -> bool:
        """True when the version is current now."""
        return self.version is not None


# Every kind of event in a process's stream, with the names of its payload's parameters.
PROCESS_EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "version_deployed": ("version_id", "number", "created", "reason"),
    "draft_opened": ("revision", "base_version_id", "content_hash"),
    "draft_saved": ("revision", "content_hash", "parts"),
    "draft_uploaded": ("revision", "content_hash", "filename"),
    "draft_discarded": ("revision",),
    "deploy_requested": ("pending_id", "revision", "reason"),
    "deploy_approved": ("pending_id",),
    "deploy_rejected": ("pending_id", "reason"),
}
