"""A procedure's contract: the tasks and form fields a plug-in reads, checked when a version loads.

A plug-in such as the account register reads answers by field name. If a process owner renames
or drops such a field, the version would still run and quietly fill the register with blanks,
so loading a version checks the contract and refuses it with a problem that says what is missing
and why the procedure needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import Problem

if TYPE_CHECKING:  # _process imports this module to check contracts while loading
    from ._process import LoadedProcess


@dataclass(frozen=True)
class NeededTask:
    """A user task the procedure reads by its id (for example, who approved)."""

    task: str
    reason: str


@dataclass(frozen=True)
class NeededField:
    """A form field the procedure reads: asked in one task's form, of one of the given kinds."""

    name: str
    task: str
    kinds: tuple[str, ...]
    reason: str  # a code the presentation words: why the procedure reads the field
    choices: tuple[str, ...] = ()  # values the procedure compares the answer with


@dataclass(frozen=True)
class Contract:
    """What one process must keep for its procedure plug-in to work."""

    process_id: str
    tasks: tuple[NeededTask, ...] = ()
    fields: tuple[NeededField, ...] = ()
    given: tuple[str, ...] = ()  # data names the plug-in gives each instance it starts


def contract_problems(process: LoadedProcess, contract: Contract) -> list[Problem]:
    """Every way a loaded process breaks its contract (none when it keeps it)."""
    problems = [_task_missing(need) for need in contract.tasks
                if need.task not in process.user_tasks]
    for need in contract.fields:
        problem = _field_problem(process, need)
        if problem is not None:
            problems.append(problem)
    return problems


def _task_missing(need: NeededTask) -> Problem:
    return Problem("contract.task_missing", {"task": need.task, "reason": need.reason},
                   element_id=need.task)


def _field_problem(process: LoadedProcess, need: NeededField) -> Problem | None:
    info = process.user_tasks.get(need.task)
    if info is None:
        return _task_missing(NeededTask(need.task, need.reason))
    form = f"forms/{info.form.name}"
    params = {"field": need.name, "form": form, "reason": need.reason}
    found = next((f for f in info.form.fields if f.name == need.name), None)
    if found is None:
        code = "contract.field_missing"
    elif found.kind not in need.kinds:
        code = "contract.field_kind"
        params |= {"kind": found.kind, "expected": list(need.kinds)}
    elif lacking := [c for c in need.choices if c not in found.choices]:
        code = "contract.choice_missing"
        params |= {"choices": lacking}
    else:
        return None
    return Problem(code, params, element_id=need.task, file=form)
