"""Domain errors raised by the engine; the web layer maps each to an HTTP answer."""

from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class NotFound(EngineError):
    """The thing asked for does not exist (or the caller may not know that it does)."""


class NotAllowed(EngineError):
    """The caller may not do this."""


class Conflict(EngineError):
    """Someone else changed the same thing first; reload and try again."""


class TaskAlreadyDone(Conflict):
    """The task was completed already; says by whom and when."""

    def __init__(self, title: str, by: str | None, at):
        self.title, self.by, self.at = title, by, at
        who = f" by {by}" if by else ""
        super().__init__(f"'{title}' was already completed{who} on {at:%Y-%m-%d %H:%M} UTC.")


class InvalidInput(EngineError):
    """A request the engine cannot act on, with a message a person can read."""


class InvalidForm(EngineError):
    """Submitted form data failed validation: messages per field (dotted paths for nested ones)."""

    def __init__(self, messages: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(messages.items())))
        self.messages = messages


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


@dataclass
class InvalidDiagram(EngineError):
    """A process definition was refused; every problem found is listed together."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class CheckpointUnavailable(EngineError):
    """A checkpoint cannot be made or read: no key configured, an unreadable key, none made yet."""
