"""A dry run: a process version run in memory with the real evaluator, fed with given answers.

Nothing here touches a database, a request, an event or an outbox: the workflow lives only for
the call. Each answer is validated by its task's form as a real submission would be; the run
stops at the first answer that does not fit, at the first task with no answer yet, at an end, or
where the diagram fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.clock import Clock, FixedClock, clock_in_force
from engine.definitions import NODE_TAGS, LoadedProcess, diagram_elements
from engine.definitions.forms import FormDefinition
from engine.errors import InvalidForm, ProcessFailed

from ._advance import _parse_due, _run, answer_task, fire_due, waiting_timers
from ._state import new_workflow

MAX_ANSWERS = 100  # a dry run is a person clicking through: far more steps than any path needs
# Why an answer was not used, with its parameters (`name`: the task or timer id it named).
DRY_RUN_CODES: dict[str, tuple[str, ...]] = {
    "dry_run.invalid_answer": ("name",),  # the task's form refused it (see `form_error`)
    "dry_run.not_waiting": ("name",),  # nothing of that id waits at this point
    "dry_run.timer_has_data": ("name",),  # firing a timer takes no answer
    "dry_run.too_many": ("limit",),
}
Answers = Sequence[tuple[str, Mapping[str, Any]]] | Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class PathStep:
    """One element the run reached: its id, its kind (BPMN tag) and its name."""

    element_id: str
    kind: str
    name: str
    state: str  # "done", "waiting", "failed" or "cancelled" (a task a boundary timer ended)


@dataclass(frozen=True)
class WaitingTask:
    """A user task that waits for an answer, with the form that asks it."""

    name: str
    title: str
    lane_id: str
    lane_name: str
    documentation: str
    form: FormDefinition


@dataclass(frozen=True)
class ReachedTimer:
    """A timer the run waits on; firing it now moves the run's clock to its due time."""

    element_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class AnswerRefused:
    """An answer the run could not use: which one, for what, and why (a code)."""

    index: int
    name: str
    code: str  # one of DRY_RUN_CODES
    form_error: InvalidForm | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The code's parameters."""
        return {"limit": MAX_ANSWERS} if self.code == "dry_run.too_many" else {"name": self.name}


@dataclass
class DryRun:
    """Where a dry run went: the path, the flows taken and where it stands now."""

    path: list[PathStep] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    waiting: list[WaitingTask] = field(default_factory=list)
    timers: list[ReachedTimer] = field(default_factory=list)
    completed: bool = False
    ended_at: list[str] = field(default_factory=list)  # the end events reached
    failure: ProcessFailed | None = None
    failed_at: str | None = None  # the element whose condition or script failed
    refused: AnswerRefused | None = None
    used: int = 0  # how many answers were used, in order

    @property
    def reached(self) -> list[str]:
        """The element ids reached, in order."""
        return [step.element_id for step in self.path]


def dry_run(process: LoadedProcess, answers: Answers, clock: Clock,
            data: Mapping[str, Any] | None = None) -> DryRun:
    """Run a workflow of `process` in memory, answering each user task as it becomes ready.

    `answers` is a list of (task or timer id, answer) used in order, or a mapping from task id
    to the answer given every time that task is reached. A timer id in the list fires that
    timer now (its answer must be empty). The clock is copied: the caller's does not move.
    """
    run_clock = FixedClock(clock.now())
    result = DryRun()
    workflow = new_workflow(process.spec, process.subprocess_specs, dict(data or {}))
    touched: set[UUID] = set()
    try:
        with clock_in_force(run_clock):
            _run(workflow.do_engine_steps)
        _feed(workflow, process, answers, run_clock, result, touched)
    except ProcessFailed as failure:
        result.failure = failure
        # SpiffWorkflow's error names the task that failed (a gateway, a timer, a script).
        failed = getattr(failure.__cause__, "task", None)
        failed_id = failed.id if failed is not None else None
    else:
        failed_id = None
    _read_path(workflow, process, result, touched, failed_id)
    return result


def _feed(workflow, process: LoadedProcess, answers: Answers, clock: FixedClock,
          result: DryRun, touched: set[UUID]) -> None:
    """Use answers until none fits what waits, the workflow ends, or an answer is refused."""
    listed = not isinstance(answers, Mapping)
    for index in range(MAX_ANSWERS + 1):
        if workflow.is_completed():
            return
        ready, timers = _open_tasks(workflow, process, touched)
        if listed:
            if index >= len(answers):
                return
            name, answer = answers[index]
        else:
            name = next((n for n in ready if n in answers), None)
            if name is None:
                return
            answer = answers[name]
        if index == MAX_ANSWERS:
            result.refused = AnswerRefused(index, name, "dry_run.too_many")
            return
        if name in ready:
            form = process.user_tasks[name].form
            try:
                cleaned = form.validate(dict(answer) if isinstance(answer, Mapping) else answer)
            except InvalidForm as error:
                result.refused = AnswerRefused(index, name, "dry_run.invalid_answer", error)
                return
            result.used = index + 1
            answer_task(workflow, process, ready[name], cleaned, clock)
        elif name in timers:
            if answer:
                result.refused = AnswerRefused(index, name, "dry_run.timer_has_data")
                return
            result.used = index + 1
            if timers[name] >= clock.now():
                clock.set(timers[name] + timedelta(seconds=1))  # "fire now": past its due
            fire_due(workflow, clock)
        else:
            result.refused = AnswerRefused(index, name, "dry_run.not_waiting")
            return


def _open_tasks(workflow, process: LoadedProcess, touched: set[UUID]):
    """Ready user tasks by name and waiting timers' due times by element id, in one pass.

    Also remembers every task that has been ready or waiting (reached, even if a boundary
    timer cancels it later). One pass over the flat task table, not a walk per question: a
    long run's tree holds hundreds of tasks.
    """
    ready, timers = {}, {}
    for task in _all_tasks(workflow):
        if not task.has_state(TaskState.READY | TaskState.WAITING | TaskState.ERROR):
            continue
        touched.add(task.id)
        spec = task.task_spec
        if task.state == TaskState.READY and spec.manual and spec.name in process.user_tasks:
            ready.setdefault(spec.name, task)
        value = task.internal_data.get("event_value")
        if (task.state == TaskState.WAITING and isinstance(value, str)
                and isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)):
            timers[spec.bpmn_id or spec.name] = _parse_due(value)
    return ready, timers


def _all_tasks(workflow):
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def _timer_id(workflow, task_id: str) -> str:
    task = workflow.get_task_from_id(UUID(task_id))
    return task.task_spec.bpmn_id or task.task_spec.name


def _read_path(workflow, process: LoadedProcess, result: DryRun, touched: set[UUID],
               failed_id: UUID | None) -> None:
    """The reached elements in order, the flows between them, and what waits now."""
    _open_tasks(workflow, process, touched)
    if failed_id is not None:
        touched.add(failed_id)
    # The version was loaded (parsed, bounded, checked) before it could run: read it again only
    # for ids, names and flows, with a bound that its own size already met.
    xml = process.source.bpmn_xml
    elements = diagram_elements(xml, max(2_000_000, 2 * len(xml.encode("utf-8"))))
    nodes = {key: e for key, e in elements.items() if not e.is_flow and e.tag in NODE_TAGS}
    flows: dict[tuple[str, str], list[str]] = {}
    for element in elements.values():
        if element.is_flow:
            flows.setdefault((element.source, element.target), []).append(element.element_id)
    waiting_ids = {task.id for task in workflow.get_tasks(
        state=TaskState.READY | TaskState.WAITING)}
    order: list[tuple[Any, str | None]] = []  # (task, nearest reached ancestor's element id)
    stack = [(workflow.task_tree, None)]
    while stack:
        task, above = stack.pop()
        element_id = task.task_spec.bpmn_id
        reached = element_id in nodes and (
            task.has_state(TaskState.COMPLETED) or task.id in touched)
        if reached:
            order.append((task, above))
            above = element_id
        stack.extend((child, above) for child in reversed(task.children))
    for task, above in order:
        element_id = task.task_spec.bpmn_id
        kind, name = nodes[element_id].tag, nodes[element_id].label
        state = ("failed" if task.id == failed_id or task.has_state(TaskState.ERROR) else
                 "waiting" if task.id in waiting_ids else
                 "cancelled" if task.has_state(TaskState.CANCELLED) else "done")
        if state == "failed":
            result.failed_at = element_id
        result.path.append(PathStep(element_id, kind, name, state))
        if above is not None:
            result.flows.extend(f for f in flows.get((above, element_id), ())
                                if f not in result.flows)
        if kind == "endEvent" and state == "done":
            result.ended_at.append(element_id)
    result.completed = workflow.is_completed()
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        info = process.user_tasks.get(task.task_spec.name)
        if info is not None:
            result.waiting.append(WaitingTask(info.name, info.title, info.lane_id,
                                              info.lane_name, info.documentation, info.form))
    for timer in waiting_timers(workflow):
        element_id = _timer_id(workflow, timer.task_id)
        result.timers.append(ReachedTimer(element_id, timer.name, timer.due_at))
