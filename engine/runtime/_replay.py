"""Re-executing an instance from its event log, to prove that its stored state is what the
recorded decisions produce.

The log holds everything that moved an instance: the data it started with, each task's
submitted data, when each timer fired, and the time of each. Replaying them on the same process
version with the clock set to each event's time must give the stored state again: the same
ready tasks, the same waiting timers and the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from SpiffWorkflow.util.task import TaskState

from engine.clock import FixedClock
from engine.definitions import LoadedProcess
from engine.errors import EngineError, ReplayDiverged

from ._advance import (
    Snapshot,
    complete_user_task,
    correct_data,
    fire_timers,
    ready_user_tasks,
    restore,
    start_workflow,
    waiting_timers,
)
from ._migrate import migrate

MIGRATED = "instance_migrated"
WITHDRAWN = "request_withdrawn"
# Events that end a request: an admin's cancellation, the requester's withdrawal.
_ENDINGS = ("request_cancelled", WITHDRAWN)
AMENDED = "answer_amended"  # the requester changed a step's answers before sending them on


class RecordedEvent(Protocol):
    """What replay reads of a logged event (the store's rows have these attributes)."""

    seq: int
    kind: str
    task_name: str | None
    payload: dict[str, Any]
    created_at: datetime
    version_hash: str


# How a replayed log can differ from the stored state: each code with its parameters.
REPLAY_CODES: dict[str, tuple[str, ...]] = {
    "replay.waiting_steps": ("stored", "replayed"),  # the waiting steps' names
    "replay.timers": ("stored", "replayed"),  # (name, due) of each timer
    "replay.completion": ("stored",),  # whether the stored one is completed
    "replay.data": ("name", "stored", "replayed"),
    "replay.step_not_waiting": ("seq", "task_name"),  # the log could not be replayed
    "replay.no_events": (),  # the log is empty: there is nothing to replay
    "replay.after_cancel": ("seq",),  # an event follows the request's cancellation
    "replay.after_withdrawal": ("seq",),  # an event follows the requester's withdrawal
    # an event names another version than the one in force when it happened
    "replay.wrong_version": ("seq", "recorded", "in_force"),
    "replay.version": ("stored", "replayed"),  # the version id the instance row names
}


@dataclass(frozen=True)
class Difference:
    """One way the replayed state differs from the stored one: a code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.code + "".join(f" {k}={v!r}" for k, v in sorted(self.params.items()))


@dataclass(frozen=True)
class ReplayResult:
    """Whether re-executing the log gave the stored state, and where it differs if not."""

    instance_id: str
    events: int
    matches: bool
    differences: tuple[Difference, ...] = ()


def replay_events(process: LoadedProcess, events: list[RecordedEvent],
                  versions: Callable[[int], LoadedProcess] | None = None) -> Snapshot:
    """Run a process version through an instance's events, oldest first.

    A recorded move (`instance_migrated`) moves the replayed workflow to the version it names
    (`versions` loads it by id) at that point, as the move did, and replay goes on there.
    """
    return replay_log(process, events, versions)[1]


def replay_log(process: LoadedProcess, events: list[RecordedEvent],
               versions: Callable[[int], LoadedProcess] | None = None
               ) -> tuple[LoadedProcess, Snapshot]:
    """`replay_events`, also telling the version in force after the last event."""
    first, *rest = events
    clock = FixedClock(first.created_at)
    _check_version(first, process)
    snapshot = start_workflow(process, first.payload.get("data", {}), clock)
    for index, event in enumerate(rest):
        clock.set(event.created_at)
        if event.kind == MIGRATED and versions is not None:
            if event.payload.get("from_hash") != process.content_hash:
                raise ReplayDiverged("replay.wrong_version", seq=event.seq,
                                     recorded=event.payload.get("from_hash"),
                                     in_force=process.content_hash)
            workflow = restore(process, snapshot.state)
            process = _version(versions, event)
            _check_version(event, process)
            snapshot = migrate(workflow, process, clock)
            continue
        _check_version(event, process)
        if event.kind == "task_completed":
            snapshot = _complete(process, snapshot, event, clock)
        elif event.kind == "timer_fired":
            snapshot = fire_timers(restore(process, snapshot.state), process, clock)
        elif event.kind == "answer_corrected":
            snapshot = correct_data(restore(process, snapshot.state), process,
                                    event.payload.get("field", ""), event.payload.get("after"))
        elif event.kind == AMENDED:
            snapshot = _amend(process, snapshot, event)
        elif event.kind == "task_reassigned":
            _ready_by_name(process, snapshot, event)  # only a waiting task can be reassigned
        elif event.kind in _ENDINGS:
            _check_terminal(rest[index + 1:], event.kind)
            break
    return process, snapshot


def _version(versions: Callable[[int], LoadedProcess], event: RecordedEvent) -> LoadedProcess:
    """The version a recorded move names (ReplayDiverged when there is no such version)."""
    try:
        return versions(event.payload.get("to_version_id"))
    except EngineError:
        raise ReplayDiverged("replay.wrong_version", seq=event.seq,
                             recorded=event.payload.get("to_hash"), in_force=None) from None


def _check_version(event: RecordedEvent, process: LoadedProcess) -> None:
    """Every event names the version in force when it happened (a move: the one it moved to)."""
    recorded = getattr(event, "version_hash", None)
    if recorded is not None and recorded != process.content_hash:
        raise ReplayDiverged("replay.wrong_version", seq=event.seq, recorded=recorded,
                             in_force=process.content_hash)


def _check_terminal(following: list[RecordedEvent], ending: str) -> None:
    """A cancellation or withdrawal ends the log: nothing may follow it."""
    if following and ending == WITHDRAWN:
        raise ReplayDiverged("replay.after_withdrawal", seq=following[0].seq)
    if following:
        raise ReplayDiverged("replay.after_cancel", seq=following[0].seq)


def _amend(process: LoadedProcess, snapshot: Snapshot, event: RecordedEvent) -> Snapshot:
    """A requester's amendment: each changed answer set as the amendment recorded it."""
    workflow = restore(process, snapshot.state)
    for name, value in sorted((event.payload.get("after") or {}).items()):
        snapshot = correct_data(workflow, process, name, value)
    return snapshot


def _complete(process: LoadedProcess, snapshot: Snapshot, event: RecordedEvent,
              clock: FixedClock) -> Snapshot:
    workflow, task = _ready_by_name(process, snapshot, event)
    return complete_user_task(workflow, process, str(task.id), event.payload.get("data", {}),
                              clock)


def _ready_by_name(process: LoadedProcess, snapshot: Snapshot, event: RecordedEvent):
    """The restored workflow and its ready task the event names (ReplayDiverged if none)."""
    # Task ids are made afresh on every run, so the recorded step is found by its name.
    workflow = restore(process, snapshot.state)
    ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
             if t.task_spec.name == event.task_name]
    if not ready:
        raise ReplayDiverged("replay.step_not_waiting", seq=event.seq, task_name=event.task_name)
    return workflow, ready[0]


def compare(process: LoadedProcess, stored_state: str, replayed: Snapshot) -> list[Difference]:
    """How the stored state differs from the replayed one (empty when they agree)."""
    stored = restore(process, stored_state)
    differences = []
    stored_ready = sorted(r.task_name for r in ready_user_tasks(stored, process))
    replayed_ready = sorted(r.task_name for r in replayed.ready)
    if stored_ready != replayed_ready:
        differences.append(Difference("replay.waiting_steps",
                                      {"stored": stored_ready, "replayed": replayed_ready}))
    stored_timers = sorted((t.name, t.due_at) for t in waiting_timers(stored))
    replayed_timers = sorted((t.name, t.due_at) for t in replayed.timers)
    if stored_timers != replayed_timers:
        differences.append(Difference("replay.timers",
                                      {"stored": stored_timers, "replayed": replayed_timers}))
    if stored.is_completed() != replayed.completed:
        differences.append(Difference("replay.completion", {"stored": stored.is_completed()}))
    differences += _data_differences(_current_data(stored), _current_data(
        restore(process, replayed.state)))
    return differences


def _current_data(workflow) -> dict[str, Any]:
    ready = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    task = ready[0] if ready else (workflow.last_task or workflow.task_tree)
    return dict(task.data)


def _data_differences(stored: dict[str, Any], replayed: dict[str, Any]) -> list[Difference]:
    names = sorted(set(stored) | set(replayed))
    return [Difference("replay.data", {"name": name, "stored": stored.get(name),
                                       "replayed": replayed.get(name)})
            for name in names if stored.get(name) != replayed.get(name)]
