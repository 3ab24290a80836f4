"""Moving running requests to a newer version of their process: preview, one, or all that can.

Only process owners move requests, always with a reason. Each move is one transaction,
checked against the request's version counter like every step: the new state, the new
version id, the inbox and timer rows rebuilt from it, and an `instance_migrated` event in the
request's chain that names both versions (id and content hash), what each step became, the
reason and who moved it. The event carries the new version's hash: from it on, the request's
events belong to that version. Replay and the record check read the same event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import FixedClock
from engine.errors import Conflict, InvalidInput, NotFound
from engine.runtime import MIGRATED, MoveReason, StepMove, plan_move, restore
from engine.store import (
    Catalog,
    CurrentStep,
    Instance,
    NewEvent,
    ProcessVersion,
    Title,
    Transition,
    write_transition,
)

from ._process_access import require_process_owner

PAGE_SIZE = 200  # requests restored for one preview page


@dataclass(frozen=True)
class MoveCandidate:
    """A running request on an older version, and whether it can move to the chosen one."""

    instance_id: str
    title: Title
    from_version_id: int
    from_number: int
    current_step: CurrentStep
    can_move: bool
    reasons: tuple[MoveReason, ...]
    mapping: tuple[StepMove, ...]
    lock_version: int  # the request's version counter when previewed


@dataclass(frozen=True)
class MoveOutcome:
    """What became of one request a move was asked for: moved, or why not (codes)."""

    instance_id: str
    moved: bool
    reasons: tuple[MoveReason, ...] = ()


@dataclass(frozen=True)
class MoveReport:
    """The requests moved and those not moved, each with why."""

    to_version_id: int
    moved: tuple[MoveOutcome, ...]
    not_moved: tuple[MoveOutcome, ...]


class Moves:
    """Process owners' moves of running requests between versions of a process."""

    def __init__(self, uow, catalog: Catalog, clock):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock

    def preview(self, user_id: int, process_id: str, to_version_id: int,
                page: int = 1) -> list[MoveCandidate]:
        """Each running request on an older version (one page, oldest first): can it move?"""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
            _target(session, process_id, to_version_id)
            numbers = version_numbers(session, process_id)
            rows = session.scalars(
                _older_running(process_id, to_version_id)
                .order_by(Instance.created_at, Instance.id)
                .offset(max(page - 1, 0) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        target = self.catalog.get(to_version_id)
        now = self.clock.now()
        candidates = []
        for row in rows:
            plan = plan_move(restore(self.catalog.get(row.version_id), row.state), target,
                             FixedClock(now))
            candidates.append(MoveCandidate(
                row.id, row.title, row.version_id, numbers.get(row.version_id, 0),
                CurrentStep.from_column(row.current_step), plan.can_move, plan.reasons,
                plan.mapping, row.lock_version))
        return candidates

    def numbers(self, user_id: int, process_id: str) -> dict[int, int]:
        """Each version id of a process with its number, for process owners."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
            return version_numbers(session, process_id)

    def move(self, user_id: int, instance_id: str, to_version_id: int, reason: str,
             expected_lock: int | None = None) -> MoveOutcome:
        """Move one request; Conflict if it changed since `expected_lock` or moved already."""
        reason = _reason(reason)
        with self.uow.read() as session:
            owner = require_process_owner(session, user_id)
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound("request.not_found")
            _target(session, instance.process_id, to_version_id)
            numbers = version_numbers(session, instance.process_id)
        return self._move(owner.id, instance, to_version_id, reason, expected_lock, numbers)

    def move_all(self, user_id: int, process_id: str, to_version_id: int,
                 reason: str) -> MoveReport:
        """Move every running request on an older version that can; report the others."""
        reason = _reason(reason)
        with self.uow.read() as session:
            owner = require_process_owner(session, user_id)
            _target(session, process_id, to_version_id)
            numbers = version_numbers(session, process_id)
        moved, not_moved, after = [], [], ""
        while True:
            with self.uow.read() as session:  # a page at a time, never every state at once
                rows = session.scalars(
                    _older_running(process_id, to_version_id).where(Instance.id > after)
                    .order_by(Instance.id).limit(PAGE_SIZE)).all()
            if not rows:
                break
            after = rows[-1].id
            for row in rows:
                try:
                    outcome = self._move(owner.id, row, to_version_id, reason, None, numbers)
                except Conflict as error:  # it moved on meanwhile: report it, go on
                    outcome = MoveOutcome(row.id, False, (MoveReason(error.code, error.params),))
                (moved if outcome.moved else not_moved).append(outcome)
        return MoveReport(to_version_id, tuple(moved), tuple(not_moved))

    def _move(self, actor_id: int, instance: Instance, to_version_id: int, reason: str,
              expected_lock: int | None, numbers: dict[int, int]) -> MoveOutcome:
        if expected_lock is not None and expected_lock != instance.lock_version:
            raise Conflict("instance.changed")
        if instance.version_id == to_version_id:
            raise Conflict("move.already_moved", version_id=to_version_id)
        if instance.status != "running":
            return MoveOutcome(instance.id, False,
                               (MoveReason("move.not_running", {"status": instance.status}),))
        if instance.version_id > to_version_id:
            return MoveOutcome(instance.id, False, (MoveReason("move.not_newer"),))
        old = self.catalog.get(instance.version_id)
        new = self.catalog.get(to_version_id)
        now = self.clock.now()  # the move's one instant: SpiffWorkflow's and its event's
        plan = plan_move(restore(old, instance.state), new, FixedClock(now))
        if not plan.can_move:
            return MoveOutcome(instance.id, False, plan.reasons)
        event = NewEvent(MIGRATED, {
            "from_version_id": instance.version_id, "from_hash": old.content_hash,
            "from_number": numbers.get(instance.version_id), "to_version_id": to_version_id,
            "to_hash": new.content_hash, "to_number": numbers.get(to_version_id),
            "mapping": [m.as_data() for m in plan.mapping],
            "timers_kept": [list(t) for t in plan.timers_kept], "reason": reason,
        }, actor_id=actor_id)
        step = Transition(
            instance_id=instance.id, process=new, version_id=to_version_id,
            snapshot=plan.snapshot, started_by=instance.started_by, title=instance.title,
            expected_lock=instance.lock_version, account_id=instance.account_id, events=[event])
        with self.uow.write() as session:
            write_transition(session, step, now)
        return MoveOutcome(instance.id, True)


def version_numbers(session: Session, process_id: str) -> dict[int, int]:
    """Each version id of a process with its number, as the catalogue stores it."""
    rows = session.execute(select(ProcessVersion.id, ProcessVersion.number).where(
        ProcessVersion.process_id == process_id)).all()
    return dict(rows)


def _older_running(process_id: str, to_version_id: int):
    # Served by the (status, process_id) index; version_id narrows within it.
    return select(Instance).where(Instance.status == "running",
                                  Instance.process_id == process_id,
                                  Instance.version_id < to_version_id)


def _target(session: Session, process_id: str, to_version_id: Any) -> ProcessVersion:
    """The version to move to: a stored version of this process."""
    version = session.get(ProcessVersion, to_version_id) if isinstance(to_version_id, int) \
        else None
    if version is None:
        raise NotFound("version.not_found")
    if version.process_id != process_id:
        raise InvalidInput("move.other_process")
    return version


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("move.reason_required")
    return text
