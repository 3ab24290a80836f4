"""Which user tasks come before a given one in a process's flow (read from its spec)."""

from __future__ import annotations

from engine.definitions import LoadedProcess


def tasks_before(process: LoadedProcess, target: str) -> tuple[str, ...]:
    """The user tasks from which `target` is reached, in step order (`target` not included)."""
    return _walk_back(process, target, through_user_tasks=True)


def tasks_right_before(process: LoadedProcess, target: str) -> tuple[str, ...]:
    """The user tasks whose completion can make `target` ready (no other user task between)."""
    return _walk_back(process, target, through_user_tasks=False)


def _walk_back(process: LoadedProcess, target: str, through_user_tasks: bool) -> tuple[str, ...]:
    specs = process.spec.task_specs
    if target not in specs:
        return ()
    found: set[str] = set()
    seen = {target}
    todo = list(specs[target].inputs)
    while todo:  # iterative: a long diagram cannot exhaust the stack
        spec = todo.pop()
        if spec.name in seen:
            continue
        seen.add(spec.name)
        if spec.name in process.user_tasks:
            found.add(spec.name)
            if not through_user_tasks:
                continue
        todo.extend(spec.inputs)
    return tuple(name for name in process.step_order if name in found)
