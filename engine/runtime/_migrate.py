"""Moving a running workflow to another version of its process, with SpiffWorkflow's diff.

SpiffWorkflow aligns the old version's task specs with the new one's by following the graph
(not only ids), then resets and predicts again every ready and waiting branch. Here that is
wrapped in the rules of this engine:

- Everything SpiffWorkflow computes during a move reads one instant: the move's own, the one
  its event records (the same rule as every step), so replay repeats it exactly.
- A timer that was waiting keeps the due time it had: SpiffWorkflow would compute it again from
  the move's instant, which would postpone a deadline merely because a version changed. A
  waiting timer whose definition differs in the new version cannot move (there is no honest
  rule for when the new definition would have started counting).
- A move never advances a request: after it the request waits at the steps it waited at (in
  the new version's words), or it cannot move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.clock import Clock, clock_in_force
from engine.definitions import LoadedProcess
from engine.errors import InvalidForm

from ._advance import Snapshot, snapshot_of
from ._state import _SCRIPT_ENGINE

# A copy: never mutate SpiffWorkflow's shared config. The registry converts specs to compare them.
_REGISTRY = BpmnWorkflowSerializer.configure(dict(SPIFF_CONFIG))

# Why a request cannot move: each code with the names of its parameters.
MOVE_CODES: dict[str, tuple[str, ...]] = {
    "move.waiting_step_removed": ("step",),  # a step waiting now is not in the new version
    "move.done_step_removed": ("step",),  # a completed step is not in the new version
    "move.answer_missing": ("step", "field"),  # the new form of a done step reads an answer
    #                                             the request never gave (a renamed field)
    "move.answer_invalid": ("step", "field"),  # an answer given is not one the new form allows
    "move.timer_changed": ("timer",),  # a waiting timer is defined differently in the new one
    "move.would_advance": ("before", "after"),  # it would not wait where it waits now
    "move.subprocesses": (),  # requests inside a subprocess are not moved
    "move.failed": ("detail",),  # SpiffWorkflow could not move it
    "move.not_running": ("status",),  # a cancelled or completed request stays where it is
    "move.not_newer": (),  # the version is not newer than the request's
    # conflicts met while moving all: the request changed or moved meanwhile
    "move.already_moved": ("version_id",),
    "instance.changed": (),
}

_DONE = TaskState.COMPLETED
_NOW = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class MoveReason:
    """Why a request cannot move: a code from MOVE_CODES and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepMove:
    """One step of the request in the old version and what it becomes in the new one."""

    from_step: str
    from_title: str
    to_step: str | None  # None: the new version has no such step
    to_title: str | None
    state: str  # "done" or "waiting"

    def as_data(self) -> dict[str, Any]:
        """The mapping as the move's event records it."""
        return {"from": self.from_step, "from_title": self.from_title, "to": self.to_step,
                "to_title": self.to_title, "state": self.state}


@dataclass(frozen=True)
class MovePlan:
    """Whether a workflow can move, why not, what maps to what, and the moved state if it can."""

    reasons: tuple[MoveReason, ...]
    mapping: tuple[StepMove, ...]
    snapshot: Snapshot | None = None
    timers_kept: tuple[tuple[str, str], ...] = ()  # (timer, due) of timers that kept their due

    @property
    def can_move(self) -> bool:
        """True when nothing stands in the way."""
        return not self.reasons and self.snapshot is not None


def plan_move(workflow: BpmnWorkflow, new: LoadedProcess, clock: Clock) -> MovePlan:
    """Decide whether a restored workflow can move to `new`; if so, move it (in memory)."""
    top, subprocess_diffs = diff_workflow(_REGISTRY, workflow, new.spec, new.subprocess_specs)
    mapping = _mapping(top)
    reasons = _removed(top) + _timer_changes(top) + _answer_problems(workflow, new, top)
    if subprocess_diffs or workflow.subprocesses:
        reasons.append(MoveReason("move.subprocesses"))
    if reasons:
        return MovePlan(tuple(reasons), mapping)
    before = sorted({top.alignment[t].name
                     for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                     if top.alignment.get(t) is not None
                     and top.alignment[t].name in new.user_tasks})
    try:
        snapshot, kept = _migrate(workflow, top, new, clock)
    except SpiffWorkflowException as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        return MovePlan((MoveReason("move.failed", {"detail": detail}),), mapping)
    after = sorted(r.task_name for r in snapshot.ready)
    if snapshot.completed or after != before:
        return MovePlan((MoveReason("move.would_advance", {"before": before, "after": after}),),
                        mapping)
    return MovePlan((), mapping, snapshot, kept)


def migrate(workflow: BpmnWorkflow, new: LoadedProcess, clock: Clock) -> Snapshot:
    """Move a workflow to `new` as a recorded move did (for replay); no checks."""
    top, _subprocesses = diff_workflow(_REGISTRY, workflow, new.spec, new.subprocess_specs)
    return _migrate(workflow, top, new, clock)[0]


def _migrate(workflow: BpmnWorkflow, top, new: LoadedProcess, clock: Clock):
    waiting = {task.id: task.internal_data["event_value"]
               for task in workflow.get_tasks(state=TaskState.WAITING)
               if _timer(task.task_spec) is not None
               and isinstance(task.internal_data.get("event_value"), str)}
    last = workflow.last_task
    with clock_in_force(clock):
        migrate_workflow(top, workflow, new.spec)
        # migrate_workflow looks the task up among the ids and so always forgets it: keep it.
        if last is not None and last.id in workflow.tasks:
            workflow.last_task = last
        kept = []
        for task_id, due in waiting.items():
            task = workflow.tasks.get(task_id)
            if task is not None and task.has_state(TaskState.WAITING):
                # Keep the deadline it had; SpiffWorkflow counted it again from now.
                task.internal_data.pop("event_fired", None)
                task.internal_data["event_value"] = due
                kept.append((task.task_spec.bpmn_name or task.task_spec.name, due))
        workflow.do_engine_steps()
    workflow.script_engine = _SCRIPT_ENGINE  # as after every restore
    return snapshot_of(workflow, new), tuple(sorted(kept))


def _timer(spec):
    definition = getattr(spec, "event_definition", None)
    return definition if isinstance(definition, TimerEventDefinition) else None


def _named(spec) -> bool:
    """A spec a person knows from the diagram (not SpiffWorkflow's own joins and splits)."""
    return bool(getattr(spec, "bpmn_id", None))


def _title(spec) -> str:
    return spec.bpmn_name or spec.name


def _mapping(top) -> tuple[StepMove, ...]:
    seen: dict[str, StepMove] = {}
    for task in sorted(top.alignment, key=lambda t: (t.last_state_change or 0)):
        if not task.has_state(_DONE | _NOW) or not _named(task.task_spec):
            continue
        target = top.alignment.get(task)
        seen[task.task_spec.name] = StepMove(
            task.task_spec.name, _title(task.task_spec), target.name if target else None,
            _title(target) if target else None, "done" if task.has_state(_DONE) else "waiting")
    for task in top.removed:
        if task.has_state(_DONE | _NOW) and _named(task.task_spec):
            seen[task.task_spec.name] = StepMove(
                task.task_spec.name, _title(task.task_spec), None, None,
                "done" if task.has_state(_DONE) else "waiting")
    return tuple(seen.values())


def _removed(top) -> list[MoveReason]:
    reasons: dict[str, MoveReason] = {}
    for task in top.removed:
        name = _title(task.task_spec)
        if task.has_state(_NOW):
            reasons[name] = MoveReason("move.waiting_step_removed", {"step": name})
        elif task.has_state(_DONE) and _named(task.task_spec):
            reasons.setdefault(name, MoveReason("move.done_step_removed", {"step": name}))
    return list(reasons.values())


def _timer_changes(top) -> list[MoveReason]:
    reasons = []
    for task in top.changed:
        old, new = _timer(task.task_spec), _timer(top.alignment.get(task))
        if old is None or not task.has_state(TaskState.WAITING):
            continue
        if new is None or type(old) is not type(new) or old.expression != new.expression:
            reasons.append(MoveReason("move.timer_changed", {"timer": _title(task.task_spec)}))
    return reasons


def _answer_problems(workflow: BpmnWorkflow, new: LoadedProcess, top) -> list[MoveReason]:
    """Done steps whose answers the new version's form of that step would not accept."""
    data = dict((workflow.last_task or workflow.task_tree).data)
    reasons: dict[tuple[str, str], MoveReason] = {}
    done = {top.alignment[t].name for t in workflow.get_tasks(state=_DONE, manual=True)
            if top.alignment.get(t) is not None}
    for name in sorted(done & set(new.user_tasks)):
        info = new.user_tasks[name]
        answers = {f.name: data[f.name] for f in info.form.fields if f.name in data}
        try:
            info.form.validate(answers)
        except InvalidForm as error:
            for path in sorted(error.messages):
                top_field = path.split(".")[0]
                code = "move.answer_invalid" if top_field in data else "move.answer_missing"
                reasons.setdefault((info.title, top_field),
                                   MoveReason(code, {"step": info.title, "field": top_field}))
    return list(reasons.values())
