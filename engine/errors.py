"""Domain errors raised by the engine: a code and its parameters, never a sentence.

Every error class lists the codes it may carry; `error_codes()` collects them all, so the web
layer (which turns each code into words) can be checked against the complete list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


class EngineError(Exception):
    """Base class of every error the engine raises on purpose: `code` plus `params`."""

    codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        if not self.params:
            return self.code
        return self.code + " " + " ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))


class NotFound(EngineError):
    """The thing asked for does not exist (or the caller may not know that it does)."""

    codes = frozenset({
        "task.not_found", "request.not_found", "instance.not_found", "user.not_found",
        "process.not_deployed", "version.not_found",
    })


class NotAllowed(EngineError):
    """The caller may not do this."""

    codes = frozenset({
        "task.not_assignee", "request.not_involved", "register.communications_only",
        "requests.oversight_only", "record.auditors_only",
    })


class Conflict(EngineError):
    """Someone else changed the same thing first; reload and try again."""

    codes = frozenset({"instance.changed", "task.no_longer_waiting"})


class TaskAlreadyDone(Conflict):
    """The task was completed already; params say which (title), by whom (by) and when (at)."""

    codes = frozenset({"task.already_done"})

    def __init__(self, title: str, by: str | None, at) -> None:
        super().__init__("task.already_done", title=title, by=by, at=at)
        self.title, self.by, self.at = title, by, at


class InvalidInput(EngineError):
    """A request the engine cannot act on; the code says why."""

    codes = frozenset({
        "user.manager_unknown", "user.username_taken", "user.own_manager", "user.unknown_roles",
        "user.incomplete", "password.too_short", "approval.no_manager",
        "settings.not_a_duration",
    })


@dataclass(frozen=True)
class Message:
    """One validation message about a form field: a code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.code
        return self.code + " " + " ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))


class InvalidForm(EngineError):
    """Submitted form data failed validation: `messages` per field (dotted paths for nested)."""

    codes = frozenset({"form.invalid"})

    def __init__(self, messages: dict[str, list[Message]]) -> None:
        super().__init__("form.invalid", fields=sorted(messages))
        self.messages = messages

    def __str__(self) -> str:
        return "form.invalid " + "; ".join(
            f"{name}: {', '.join(str(m) for m in found)}"
            for name, found in sorted(self.messages.items()))


class ProcessFailed(EngineError):
    """The diagram could not continue (a failing condition or script); nothing was saved."""

    codes = frozenset({"process.failed"})


class ReplayDiverged(EngineError):
    """The log cannot be replayed: a recorded step was not possible at that point."""

    codes = frozenset({"replay.step_not_waiting"})


class ExpressionError(EngineError):
    """Diagram text was rejected or failed to evaluate; `message` says why, `line` where."""

    codes = frozenset({"expression.rejected"})

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__("expression.rejected", reason=message, line=line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram, a form or a lane file, located as precisely as we can."""

    message: str
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = [p for p in (
            self.file,
            f"line {self.line}" if self.line else None,
            f"element '{self.element_id}'" if self.element_id else None,
            f"({self.element_name})" if self.element_name else None,
        ) if p]
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InvalidDiagram(EngineError):
    """A process definition was refused; every problem found is listed together."""

    codes = frozenset({"diagram.invalid"})

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__("diagram.invalid", count=len(problems or ()))
        self.problems = list(problems or ())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class FormDefinitionError(EngineError):
    """A form schema was refused; every problem found is listed together."""

    codes = frozenset({"form_definition.invalid"})

    def __init__(self, problems: list[str], name: str | None = None) -> None:
        super().__init__("form_definition.invalid", form=name, count=len(problems))
        self.problems = list(problems)
        self.name = name

    def __str__(self) -> str:
        return "\n".join(self.problems)

    def as_problems(self, file: str | None = None, element_id: str | None = None) -> list[Problem]:
        """Return the problems as `Problem`s located in the given file and element."""
        return [Problem(p, element_id=element_id, file=file) for p in self.problems]


def error_classes() -> list[type[EngineError]]:
    """EngineError and every subclass of it, depth first."""
    found: list[type[EngineError]] = []
    pending: list[type[EngineError]] = [EngineError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def error_codes() -> frozenset[str]:
    """Every code an engine error may carry."""
    return frozenset(code for cls in error_classes() for code in cls.codes)
