"""Running SpiffWorkflow: advance a workflow and read off what the database must know.

Nothing here touches the database: it turns a workflow into a `Snapshot` (state JSON, status,
ready user tasks, waiting timers), which the transition code then writes in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.clock import Clock, clock_in_force
from engine.definitions import LoadedProcess
from engine.errors import Conflict, ExpressionError, ProcessFailed

from ._state import dump_state, load_state, new_workflow

# The most tasks the engine runs by itself between two waits (a person's task, a timer). The
# procedures run a handful; a cycle with nobody in it would otherwise run until SpiffWorkflow
# gives up, quietly, and the request would look completed without having reached an end.
MAX_ENGINE_STEPS = 250


@dataclass(frozen=True)
class ReadySpec:
    """A user task that became ready."""

    task_id: str
    task_name: str
    title: str
    lane_id: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class TimerSpec:
    """A timer a workflow waits on."""

    task_id: str
    name: str
    due_at: datetime


@dataclass
class Snapshot:
    """A workflow's state after a step, as the database needs it."""

    state: str
    completed: bool
    ready: list[ReadySpec]
    timers: list[TimerSpec]
    data: dict[str, Any] = field(default_factory=dict)


def start_workflow(process: LoadedProcess, data: dict[str, Any], clock: Clock) -> Snapshot:
    """Create a workflow, run it to its first wait, and snapshot it."""
    workflow = new_workflow(process.spec, process.subprocess_specs, data)
    return _advance(workflow, process, clock)


def restore(process: LoadedProcess, state: str) -> BpmnWorkflow:
    """Rebuild a workflow from stored state."""
    return load_state(state, process.spec, process.subprocess_specs)


def ready_task_name(workflow: BpmnWorkflow, task_id: str) -> str | None:
    """The spec name of a task that is ready in this state, or None if it is not waiting."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, SpiffWorkflowException):
        return None
    if task is None or task.state != TaskState.READY:
        return None
    return task.task_spec.name


def complete_user_task(workflow: BpmnWorkflow, process: LoadedProcess, task_id: str,
                       data: dict[str, Any], clock: Clock) -> Snapshot:
    """Complete a ready user task with validated form data and run to the next wait."""
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict("task.no_longer_waiting")
    answer_task(workflow, process, task, data, clock)
    return snapshot_of(workflow, process)


def answer_task(workflow: BpmnWorkflow, process: LoadedProcess, task, data: dict[str, Any],
                clock: Clock) -> None:
    """Complete a ready user task with validated data and run to the next wait (no snapshot)."""
    form = process.user_tasks[task.task_spec.name].form
    # Task data is one namespace carried along the flow: clear this form's own fields first,
    # so a value left empty now does not keep an answer given on an earlier round.
    for form_field in form.fields:
        task.data.pop(form_field.name, None)
    task.data.update(data)
    with clock_in_force(clock):
        _run(lambda: task.run())
        _run(workflow.do_engine_steps)


def fire_timers(workflow: BpmnWorkflow, process: LoadedProcess, clock: Clock) -> Snapshot:
    """Let every due timer of the workflow fire, then run to the next wait."""
    fire_due(workflow, clock)
    return snapshot_of(workflow, process)


def fire_due(workflow: BpmnWorkflow, clock: Clock) -> None:
    """Let every due timer fire and run to the next wait (no snapshot)."""
    with clock_in_force(clock):
        _run(workflow.refresh_timers)
        _run(workflow.do_engine_steps)


def correct_data(workflow: BpmnWorkflow, process: LoadedProcess, name: str,
                 value: Any) -> Snapshot:
    """Set one data item (None removes it) wherever the workflow reads it from now on.

    That is the last completed task (what the request's data is now) and every task not yet
    done (what later steps will see); completed tasks keep what was answered then, as the log
    does. Nothing runs: a correction changes data, not where the workflow stands.
    """
    holders = [task for task in workflow.get_tasks()
               if not task.has_state(TaskState.COMPLETED | TaskState.CANCELLED)]
    if workflow.last_task is not None:
        holders.append(workflow.last_task)
    for task in holders:
        if value is None:
            task.data.pop(name, None)
        else:
            task.data[name] = value
    return snapshot_of(workflow, process)


class _StepCount:
    """Counts the tasks the engine completes in one advance; stops the run past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def __call__(self, task: Any) -> None:
        self.count += 1
        if self.count > self.limit:
            raise ProcessFailed("process.too_many_steps", limit=self.limit)


def _advance(workflow: BpmnWorkflow, process: LoadedProcess, clock: Clock) -> Snapshot:
    with clock_in_force(clock):
        _run(lambda: workflow.do_engine_steps(did_complete_task=_StepCount(MAX_ENGINE_STEPS)))
    if workflow.is_completed() and not _reached_an_end(workflow):
        raise ProcessFailed("process.no_end_reached")
    return snapshot_of(workflow, process)


def _reached_an_end(workflow: BpmnWorkflow) -> bool:
    """Whether an end event completed: a workflow can stop without one (SpiffWorkflow's guard)."""
    return any(isinstance(task.task_spec, EndEvent)
               for task in workflow.get_tasks(state=TaskState.COMPLETED))


def snapshot_of(workflow: BpmnWorkflow, process: LoadedProcess) -> Snapshot:
    """What the database must know of a workflow as it stands."""
    return Snapshot(
        state=dump_state(workflow),
        completed=workflow.is_completed(),
        ready=ready_user_tasks(workflow, process),
        timers=waiting_timers(workflow),
        data=dict(workflow.last_task.data) if workflow.last_task else {},
    )


def _run(step) -> None:
    try:
        step()
    except SpiffWorkflowException as error:
        raise _failure(error) from error


def _failure(error: SpiffWorkflowException) -> ProcessFailed:
    """ProcessFailed for a SpiffWorkflow error: an expression's or script's reason if it has one."""
    cause = getattr(error, "exception", None)
    if isinstance(cause, ExpressionError):
        spec = getattr(getattr(error, "task", None), "task_spec", None)
        task = (getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None)
                or getattr(spec, "name", None))
        where = {"task": task, "reason": cause.reason, "reason_params": cause.reason_params,
                 "line": cause.line}
        expression = getattr(error, "expression", None)
        if expression is not None:
            return ProcessFailed("process.expression_failed", expression=expression, **where)
        return ProcessFailed("process.script_failed", **where)
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return ProcessFailed("process.failed", detail=message.rstrip(". "))


def ready_user_tasks(workflow: BpmnWorkflow, process: LoadedProcess) -> list[ReadySpec]:
    """The ready user tasks of a workflow, with their lane ids."""
    ready = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        info = process.user_tasks.get(task.task_spec.name)
        if info is None:
            continue
        ready.append(ReadySpec(str(task.id), info.name, info.title, info.lane_id,
                               _boundary_due(task)))
    return ready


def _boundary_due(task) -> datetime | None:
    """When a timer on the task's boundary fires: the task's deadline, if it has one."""
    # SpiffWorkflow puts a task with boundary events under a split whose other children are
    # the waiting boundary events.
    dues = [_parse_due(sibling.internal_data["event_value"])
            for sibling in task.parent.children
            if sibling is not task and sibling.has_state(TaskState.WAITING)
            and isinstance(getattr(sibling.task_spec, "event_definition", None),
                           TimerEventDefinition)
            and isinstance(sibling.internal_data.get("event_value"), str)]
    return min(dues, default=None)


def waiting_timers(workflow: BpmnWorkflow) -> list[TimerSpec]:
    """The timers a workflow waits on, with their due times."""
    timers = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        value = task.internal_data.get("event_value")
        if isinstance(definition, TimerEventDefinition) and isinstance(value, str):
            due = _parse_due(value)
            name = task.task_spec.bpmn_name or task.task_spec.name
            timers.append(TimerSpec(str(task.id), name, due))
    return timers


def _parse_due(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return datetime.fromtimestamp(moment.timestamp(), UTC)
