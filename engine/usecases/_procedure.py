"""The seam between the kernel and a procedure plug-in (such as the account register).

The kernel runs any deployed process. What is specific to one procedure (what its requests are
called, what happens in the database when one of its instances moves, what a task is about, and
which tasks and fields it reads) comes through this protocol, wired in by `engine/app.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from engine.definitions import Contract
from engine.definitions.forms import FormDefinition
from engine.errors import InvalidForm, Message
from engine.runtime import Snapshot
from engine.store import ConversationEntry, Instance, NewMessage, Title


class Procedure(Protocol):
    """What a procedure plug-in gives the kernel."""

    request_process: str  # the process people start as a request of their own
    listed_processes: tuple[str, ...]  # what the list of all requests shows (with follow-ups)
    title_words: Mapping[str, str]  # per title code, its English words: searched by them too
    contracts: Mapping[str, Contract]  # per process id: the tasks and fields the plug-in reads

    title_codes: Mapping[str, tuple[str, ...]]  # the title codes it gives, with their params
    rule_codes: Mapping[str, tuple[str, ...]]  # validation codes its rules give, with params
    note_codes: Mapping[str, tuple[str, ...]]  # codes of its notes to a deciding person

    def check(self, process_id: str, task_name: str,
              answers: Mapping[str, Any]) -> dict[str, list[Message]]:
        """Messages per field where valid form answers break the procedure's rules."""

    def notes(self, process_id: str, task_name: str,
              data: Mapping[str, Any]) -> tuple[Message, ...] | None:
        """What the person deciding this task should weigh (None: nothing to say here)."""

    def title(self, process_id: str, data: Mapping[str, Any], current: Title | None) -> Title:
        """The title of an instance, given its data so far."""

    def ends_withdrawal(self, task_name: str, data: Mapping[str, Any]) -> bool:
        """Whether this completion ends the requester's right to withdraw (say, registered)."""

    def plan(self, instance: Instance, snapshot: Snapshot, now: datetime) -> Any:
        """Prepare, outside the write transaction, what must follow this step (or None).

        `now` is the step's one instant: the time its events record.
        """

    def apply(self, session: Session, plan: Any, instance: Instance, snapshot: Snapshot,
              now: datetime) -> None:
        """Carry out a prepared plan inside the step's own write transaction."""

    def notices(self, process_id: str, requester_id: int, completed: str | None,
                data: Mapping[str, Any], newly_ready: list[str]) -> list[NewMessage]:
        """Messages a step causes besides "task_ready" (written in the step's transaction)."""

    def conversation(self, process_id: str, completed: str,
                     answers: Mapping[str, Any]) -> list[ConversationEntry]:
        """What a completed step adds to the request's conversation (a question, a reason)."""

    def projection_differences(self, session: Session, instance: Instance,
                               data: Mapping[str, Any], completed: bool) -> list:
        """How the plug-in's own rows (say, a register) differ from the instance's record."""

    def corrected(self, session: Session, instance: Instance, data: Mapping[str, Any],
                  completed: bool, now: datetime) -> None:
        """Bring the plug-in's own rows in line after an admin corrected an answer."""

    def sends_back(self, process_id: str, completed: str, data: Mapping[str, Any]) -> bool:
        """Whether completing the task `completed` with this data sent the request back."""

    def answer_problems(self, process_id: str, task_name: str, data: Mapping[str, Any],
                        today: date, earlier: Mapping[str, Any]) -> dict[str, list[Message]]:
        """Per field, what the procedure refuses in a submission beyond its form's own rules.

        `earlier` is the instance's data before this submission (say, the channel chosen).
        """

    def prefill(self, process_id: str, task_name: str,
                data: Mapping[str, Any]) -> dict[str, Any]:
        """What a task that is not the requester's starts with, taken from earlier answers."""

    def checked_before(self, process_id: str) -> str | None:
        """The task whose requester answers are checked on one page before it (or None)."""

    def subject(self, session: Session, instance: Instance) -> Any:
        """What an instance's tasks are about (shown beside the form), or None."""

    def trial_data(self, process_id: str, now: datetime) -> dict[str, Any]:
        """The data a dry run of a process starts with (what the plug-in would seed)."""


class NoProcedure:
    """The kernel alone: plain titles, nothing follows a step, no contracts."""

    request_process = ""
    listed_processes: tuple[str, ...] = ()
    title_words: Mapping[str, str] = {}
    contracts: Mapping[str, Contract] = {}

    title_codes: Mapping[str, tuple[str, ...]] = {}
    rule_codes: Mapping[str, tuple[str, ...]] = {}
    note_codes: Mapping[str, tuple[str, ...]] = {}

    def check(self, process_id: str, task_name: str,
              answers: Mapping[str, Any]) -> dict[str, list[Message]]:
        """The form's own checks are all there is."""
        return {}

    def notes(self, process_id: str, task_name: str,
              data: Mapping[str, Any]) -> None:
        """Nothing to weigh."""

    def title(self, process_id: str, data: Mapping[str, Any], current: Title | None) -> Title:
        """The process it runs."""
        return current or Title("process", {"process_id": process_id})

    def ends_withdrawal(self, task_name: str, data: Mapping[str, Any]) -> bool:
        """Nothing does: a request runs to its end or is withdrawn."""
        return False

    def plan(self, instance: Instance, snapshot: Snapshot, now: datetime) -> None:
        """Nothing follows."""

    def apply(self, session: Session, plan: Any, instance: Instance, snapshot: Snapshot,
              now: datetime) -> None:
        """Nothing to do."""

    def notices(self, process_id: str, requester_id: int, completed: str | None,
                data: Mapping[str, Any], newly_ready: list[str]) -> list[NewMessage]:
        """Only the kernel's own messages."""
        return []

    def conversation(self, process_id: str, completed: str,
                     answers: Mapping[str, Any]) -> list[ConversationEntry]:
        """Steps add nothing to the conversation."""
        return []

    def projection_differences(self, session: Session, instance: Instance,
                               data: Mapping[str, Any], completed: bool) -> list:
        """No rows of its own."""
        return []

    def corrected(self, session: Session, instance: Instance, data: Mapping[str, Any],
                  completed: bool, now: datetime) -> None:
        """No rows to follow."""

    def sends_back(self, process_id: str, completed: str, data: Mapping[str, Any]) -> bool:
        """Nothing is ever sent back."""
        return False

    def answer_problems(self, process_id: str, task_name: str, data: Mapping[str, Any],
                        today: date, earlier: Mapping[str, Any]) -> dict[str, list[Message]]:
        """The form's rules are all there is."""
        return {}

    def prefill(self, process_id: str, task_name: str,
                data: Mapping[str, Any]) -> dict[str, Any]:
        """Deciders start from an empty form."""
        return {}

    def checked_before(self, process_id: str) -> None:
        """No answers are checked on one page."""

    def subject(self, session: Session, instance: Instance) -> None:
        """No subject."""

    def trial_data(self, process_id: str, now: datetime) -> dict[str, Any]:
        """Nothing is seeded."""
        return {}


def checked_answers(procedure: Procedure, process_id: str, task_name: str,
                    form: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's cleaned answers once the procedure's rules hold too; else InvalidForm."""
    cleaned = form.validate(dict(data))
    messages = procedure.check(process_id, task_name, cleaned)
    if messages:
        raise InvalidForm(messages)
    return cleaned
