"""Trying a process before it runs for real, and comparing two of its versions.

A dry run reads the version (or the draft) in one short read transaction, then runs in memory:
it writes nothing, starts no request, appends no event and sends no message.

Who may: whoever may read processes (process owners, auditors, admins) sees where a dry run of
a version or of the draft starts, and compares versions; only process owners answer its steps,
since trying a change is part of making one (and every form sent under /processes is theirs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.clock import FixedClock
from engine.definitions import LoadedProcess, ProcessSource, VersionComparison, compare_sources
from engine.errors import InvalidInput, NotFound
from engine.runtime import MAX_ANSWERS, DryRun, dry_run
from engine.store import Catalog, ProcessVersion

from ._procedure import NoProcedure, Procedure
from ._process_access import require_process_owner, require_process_reader

DraftReader = Callable[[int, str], ProcessSource]  # (user id, process id) -> the draft's files


@dataclass(frozen=True)
class VersionRef:
    """A deployed version of a process: its id and its number (1, 2, 3 … per process)."""

    version_id: int
    number: int


@dataclass(frozen=True)
class Trial:
    """A dry run of a version or of the draft, with what it ran on."""

    process_id: str
    version: VersionRef | None  # None: the draft
    run: DryRun

    @property
    def is_draft(self) -> bool:
        """Whether the draft was tried."""
        return self.version is None


class Trials:
    """Dry runs and version comparisons for the people who look after processes."""

    def __init__(self, uow, catalog: Catalog, clock, drafts: DraftReader | None = None,
                 procedure: Procedure | None = None):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.drafts = drafts
        self.procedure = procedure or NoProcedure()

    def try_version(self, user_id: int, process_id: str, version_id: int,
                    answers: Sequence[tuple[str, Mapping[str, Any]]]) -> Trial:
        """Dry-run a deployed version with these answers (with none: readers of processes may)."""
        checked = _checked_answers(answers)
        with self.uow.read() as session:
            _require_trier(session, user_id, checked)
            ref = _version_ref(session, process_id, version_id)
        return Trial(process_id, ref, self._run(self.catalog.get(version_id), checked))

    def try_draft(self, user_id: int, process_id: str,
                  answers: Sequence[tuple[str, Mapping[str, Any]]]) -> Trial:
        """Dry-run the process's draft; InvalidDiagram if it fails Check (who: as try_version)."""
        checked = _checked_answers(answers)
        with self.uow.read() as session:
            _require_trier(session, user_id, checked)
        return Trial(process_id, None, self._run(self.draft_process(user_id, process_id), checked))

    def _run(self, process: LoadedProcess, answers: list) -> DryRun:
        """The dry run, starting with what the procedure would seed a real instance with."""
        now = self.clock.now()
        data = self.procedure.trial_data(process.process_id, now)
        return dry_run(process, answers, FixedClock(now), data)

    def draft_process(self, user_id: int, process_id: str) -> LoadedProcess:
        """The draft, loaded as Check loads it; InvalidDiagram with its problems if refused."""
        return self.catalog.check(self.draft_source(user_id, process_id))

    def draft_source(self, user_id: int, process_id: str) -> ProcessSource:
        """The draft's files (readers of processes may, as the process administration says)."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
        if self.drafts is None:
            raise NotFound("draft.not_found", process_id=process_id)
        return self.drafts(user_id, process_id)

    def versions(self, user_id: int, process_id: str) -> list[VersionRef]:
        """Every deployed version of a process, oldest first (readers of processes may)."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            rows = session.execute(select(ProcessVersion.id, ProcessVersion.number).where(
                ProcessVersion.process_id == process_id).order_by(ProcessVersion.number)).all()
        return [VersionRef(version_id, number) for version_id, number in rows]

    def previous_version(self, user_id: int, process_id: str,
                         version_id: int) -> VersionRef | None:
        """The version numbered before this one, if there is one."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            ref = _version_ref(session, process_id, version_id)
            before = session.scalar(select(ProcessVersion.id).where(
                ProcessVersion.process_id == process_id,
                ProcessVersion.number == ref.number - 1))
        return VersionRef(before, ref.number - 1) if before is not None else None

    def compare(self, user_id: int, process_id: str, a_version_id: int,
                b_version_id: int) -> VersionComparison:
        """What changed from version a to version b (readers of processes may)."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            a_ref = _version_ref(session, process_id, a_version_id)
            b_ref = _version_ref(session, process_id, b_version_id)
        a, b = self.catalog.get(a_version_id), self.catalog.get(b_version_id)
        limit = max(self.catalog.max_diagram_bytes,
                    2 * len(a.source.bpmn_xml.encode()), 2 * len(b.source.bpmn_xml.encode()))
        comparison = compare_sources(a.source, b.source, limit)
        comparison.a_version_id, comparison.b_version_id = a_version_id, b_version_id
        comparison.a_number, comparison.b_number = a_ref.number, b_ref.number
        return comparison


def _require_trier(session, user_id: int, answers: list) -> None:
    """Readers may see a run's start; answering its steps is for process owners."""
    if answers:
        require_process_owner(session, user_id)
    else:
        require_process_reader(session, user_id)


def _version_ref(session, process_id: str, version_id: int) -> VersionRef:
    """The version with its number; NotFound unless it is a version of this process."""
    row = session.get(ProcessVersion, version_id) if isinstance(version_id, int) else None
    if row is None or row.process_id != process_id:
        raise NotFound("version.not_found")
    return VersionRef(version_id, row.number)


def _checked_answers(answers: Any) -> list[tuple[str, dict[str, Any]]]:
    """Answers as (task or timer id, answer) pairs; InvalidInput naming the first that is not."""
    if not isinstance(answers, Sequence) or isinstance(answers, (str, bytes)):
        raise InvalidInput("dry_run.answers_malformed", index=0)
    if len(answers) > MAX_ANSWERS:
        raise InvalidInput("dry_run.answers_malformed", index=MAX_ANSWERS)
    checked = []
    for index, pair in enumerate(answers):
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                or not isinstance(pair[0], str) or not isinstance(pair[1], Mapping)):
            raise InvalidInput("dry_run.answers_malformed", index=index)
        checked.append((pair[0], dict(pair[1])))
    return checked
