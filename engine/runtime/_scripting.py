"""SpiffWorkflow plug-in: conditions, timer expressions and scripts run through engine.expressions.

SpiffWorkflow reaches diagram text in two ways: `script_engine.evaluate/execute` (gateways, script
tasks, timers, multi-instance, pre/post scripts, message payloads, DMN cells) and, in a few places,
`script_engine.environment.evaluate` directly (ad-hoc subprocess conditions, message correlations).
Both lead to the whitelisted evaluator here; nothing falls back to Python's own.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)

from engine.definitions.expressions import (
    ExpressionError,
    check_expression,
    compile_expression,
    compile_script,
    timer_refusal,
)

# What kind of value each timer definition reads from its expression.
_TIMER_KINDS = ((DurationTimerEventDefinition, "timeDuration"),
                (TimeDateEventDefinition, "timeDate"))


def _timer_kind(task: Any, expression: str) -> str | None:
    """The timer kind (timeDuration, timeDate) `expression` is for on `task`, if it is a timer's."""
    definition = getattr(getattr(task, "task_spec", None), "event_definition", None)
    if getattr(definition, "expression", None) != expression:
        return None
    return next((kind for cls, kind in _TIMER_KINDS if isinstance(definition, cls)), None)


def _view(data: Mapping[str, Any], external: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Task data with the external context laid read-only over it."""
    return ChainMap(dict(external), data) if external else data


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Script environment backed by engine.expressions; services are refused."""

    def __init__(self) -> None:
        super().__init__({})

    def evaluate(self, expression: str, context: Mapping[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Value of a whitelisted expression over the task data."""
        return compile_expression(expression).evaluate(_view(context, external_context))

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a whitelisted script on the task data (all or nothing)."""
        compile_script(script).run(context, external_context)
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Refuse: the engine has no service tasks."""
        raise ExpressionError("service_task")


def _short(text: Any) -> str:
    """Diagram text shortened for a message."""
    text = str(text).strip()
    return text if len(text) <= 120 else text[:117] + "..."


def _task_error(task: Any, summary: str, text: Any, err: ExpressionError,
                expression: str | None = None) -> WorkflowTaskException:
    """A WorkflowTaskException reporting `err` against `task` (`expression`: the text, if one)."""
    lines = str(text).splitlines() if err.line else []
    error_line = lines[err.line - 1] if err.line and err.line <= len(lines) else ""
    failure = WorkflowTaskException(f"{summary}: {err}", task=task, exception=err,
                                    line_number=err.line, error_line=error_line)
    # Kept for the runtime, which reports the reason and which expression failed (SpiffWorkflow
    # takes `exception` but keeps only its class name).
    failure.exception = err
    failure.expression = expression
    return failure


class SafeScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose every evaluation goes through engine.expressions."""

    def __init__(self) -> None:
        super().__init__(environment=SafeEnvironment())

    @property
    def environment(self) -> SafeEnvironment:
        """The only environment this engine accepts."""
        return self._environment

    @environment.setter
    def environment(self, value: SafeEnvironment) -> None:
        if not isinstance(value, SafeEnvironment):
            raise TypeError("SafeScriptEngine only runs with a SafeEnvironment")
        self._environment = value

    def validate(self, expression: str) -> None:
        """Raise SyntaxError with the reason if `expression` is not allowed (DMN relies on it)."""
        refused = check_expression(expression)
        if refused is not None:
            raise SyntaxError(str(refused))

    def evaluate(self, task: Any, expression: str,
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate a condition, timer or other expression against the task's data."""
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
            kind = _timer_kind(task, expression)
            # bounded here, before SpiffWorkflow parses and steps through it
            refused = timer_refusal(kind, value) if kind else None
            if refused is not None:
                raise refused
            return value
        except ExpressionError as err:
            summary = f"cannot evaluate expression '{_short(expression)}'"
            raise _task_error(task, summary, expression, err, _short(expression)) from None

    def execute(self, task: Any, script: str,
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script (script task, pre- or post-script) on the task's data."""
        try:
            return self.environment.execute(script, task.data, external_context)
        except ExpressionError as err:
            raise _task_error(task, "cannot run script", script, err) from None

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Refuse: the engine has no service tasks."""
        raise _task_error(task, "cannot call a service", "", ExpressionError("service_task"))
