"""Process versions: deploying them (immutable, by content hash) and loading them, cached."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from engine.definitions import (
    Contract,
    LoadedProcess,
    ProcessSource,
    load_process,
    read_process_dir,
)
from engine.errors import NotFound, VersionAltered

from ._events import NewEvent, append_events
from ._models import Deployment, ProcessVersion
from ._uow import UnitOfWork


@dataclass(frozen=True)
class VersionView:
    """A deployed process version."""

    process_id: str
    content_hash: str
    version_id: int
    created: bool
    deployed: bool
    number: int = 0  # the version's number within its process


class Catalog:
    """Deployed process versions; parsed specs are cached per content hash.

    A version is deployed only if it keeps the contract of its process (the tasks and fields
    a procedure plug-in reads).
    """

    def __init__(self, uow: UnitOfWork, clock, max_diagram_bytes: int,
                 contracts: Mapping[str, Contract] | None = None):
        self.uow = uow
        self.clock = clock
        self.max_diagram_bytes = max_diagram_bytes
        self.contracts = dict(contracts or {})
        self._by_version_id: dict[int, LoadedProcess] = {}
        self._lock = threading.Lock()

    def deploy_dir(self, path: Path, actor_id: int | None = None) -> VersionView:
        """Check a process folder and make it the version new instances start on."""
        return self.deploy(read_process_dir(path), actor_id)

    def deploy(self, source: ProcessSource, actor_id: int | None = None,
               reason: str = "") -> VersionView:
        """Check a process source and deploy it; deploying the current version again is a no-op."""
        loaded = self.check(source)
        with self.uow.write() as session:
            view = self.record_deploy(session, source, actor_id, reason)
        self.remember(view.version_id, loaded)
        return view

    def record_deploy(self, session, source: ProcessSource, actor_id: int | None,
                      reason: str, **event_params) -> VersionView:
        """Store a checked source as a version and make it current, in the caller's transaction.

        The `version_deployed` event in the process's stream carries the version's number, the
        reason and any `event_params` (such as the approval it came from).
        """
        now = self.clock.now()
        version = session.scalar(
            select(ProcessVersion).where(ProcessVersion.content_hash == source.content_hash))
        created = version is None
        if created:
            version = ProcessVersion(
                process_id=source.process_id, content_hash=source.content_hash,
                bpmn_xml=source.bpmn_xml, forms=source.forms, lanes=source.lanes,
                created_at=now, number=_next_number(session, source.process_id))
            session.add(version)
            session.flush()
        current = _current_version_id(session, source.process_id)
        deployed = current != version.id
        if deployed:
            session.add(Deployment(process_id=source.process_id, version_id=version.id,
                                   deployed_by=actor_id, deployed_at=now, reason=reason))
            append_events(session, f"process:{source.process_id}", [NewEvent(
                "version_deployed", {"version_id": version.id, "created": created,
                                     "number": version.number, "reason": reason,
                                     **event_params},
                actor_id=actor_id)], source.content_hash, now)
        return VersionView(source.process_id, source.content_hash, version.id, created, deployed,
                           version.number)

    def remember(self, version_id: int, loaded: LoadedProcess) -> None:
        """Cache a version's parsed spec (after the transaction that stored it committed)."""
        with self._lock:
            self._by_version_id[version_id] = loaded

    def check(self, source: ProcessSource) -> LoadedProcess:
        """Load a process source as deploy would, with its contract; InvalidDiagram if refused."""
        return load_process(source, self.max_diagram_bytes, self.contracts.get(source.process_id))

    def current(self, process_id: str) -> tuple[int, LoadedProcess]:
        """The version new instances of a process start on."""
        with self.uow.read() as session:
            return self.current_in(session, process_id)

    def current_in(self, session, process_id: str) -> tuple[int, LoadedProcess]:
        """The current version, looked up in the caller's transaction."""
        version_id = _current_version_id(session, process_id)
        if version_id is None:
            raise NotFound("process.not_deployed", process_id=process_id)
        return version_id, self.get(version_id)

    def stored_hash(self, session, version_id: int) -> str:
        """The content hash a version was deployed with."""
        row = session.get(ProcessVersion, version_id)  # the row `altered` loaded, if it did
        return row.content_hash if row else ""

    def altered(self, session, version_id: int) -> VersionAltered | None:
        """Recompute a stored version's hash from the database itself (never the cache)."""
        row = session.get(ProcessVersion, version_id)
        if row is None:
            raise NotFound("version.not_found")
        return _altered(row, _source_of(row))

    def get(self, version_id: int) -> LoadedProcess:
        """A deployed version, parsed once and then cached."""
        cached = self._by_version_id.get(version_id)
        if cached is not None:
            return cached
        with self.uow.read() as session:
            row = session.get(ProcessVersion, version_id)
            if row is None:
                raise NotFound("version.not_found")
            source = _source_of(row)
            # A version is what its hash says: a diagram or lane file edited in the database
            # (say, a manager lane turned into the requester's) is refused, never run.
            altered = _altered(row, source)
            if altered is not None:
                raise altered
        # The data the plug-in gives at start counts, as at deploy. The contract's tasks and
        # fields were checked when the version was deployed; a contract that grew since (a
        # review's new follow-up step) must not strand the instances still running on it.
        loaded = load_process(source, max(self.max_diagram_bytes, len(source.bpmn_xml) * 4),
                              _given_only(self.contracts.get(source.process_id)))
        with self._lock:
            self._by_version_id[version_id] = loaded
        return loaded


def _given_only(contract: Contract | None) -> Contract | None:
    """A contract's start data alone: what a stored version is loaded with."""
    return Contract(contract.process_id, given=contract.given) if contract else None


def _source_of(row: ProcessVersion) -> ProcessSource:
    return ProcessSource(row.process_id, row.bpmn_xml, row.forms, row.lanes)


def _altered(row: ProcessVersion, source: ProcessSource) -> VersionAltered | None:
    """VersionAltered when the stored files no longer hash to the stored content hash."""
    actual = source.content_hash
    if actual == row.content_hash:
        return None
    return VersionAltered(row.id, row.process_id, row.content_hash, actual)


def _next_number(session, process_id: str) -> int:
    """The number the process's next stored version gets (two racing writers: one fails on
    the unique index and its transaction rolls back)."""
    highest = session.scalar(select(func.max(ProcessVersion.number))
                             .where(ProcessVersion.process_id == process_id))
    return (highest or 0) + 1


def current_version_id(session, process_id: str) -> int | None:
    """The id of the version new instances of a process start on (None: never deployed)."""
    return _current_version_id(session, process_id)


def _current_version_id(session, process_id: str) -> int | None:
    return session.scalar(
        select(Deployment.version_id).where(Deployment.process_id == process_id)
        .order_by(Deployment.id.desc()).limit(1))
