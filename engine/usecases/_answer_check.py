"""The requester checks every answer on one page before the request goes on, and may change any.

Which step this is comes from the flow: the plug-in names the task the answers are checked
before (the manager's approval); the requester tasks that can make it ready are held there. A
held step's valid answers wait as the requester's draft until "Send to manager" completes it.
An earlier step's answers are amended in place: an `answer_amended` event with the values
before and after, replayed like an admin's correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.definitions.forms import FormDefinition
from engine.errors import Conflict, InvalidForm, InvalidInput, NotAllowed
from engine.runtime import correct_data, restore, tasks_before, tasks_right_before
from engine.store import (
    Event,
    Instance,
    NewEvent,
    ReadyTask,
    TaskDraft,
    corrections_of,
    put_task_draft,
)

from ._access import authorized_task, raise_if_done, raise_if_ended, visible_instance
from ._answers import answer_section
from ._corrections import latest_completion, write_answer_change
from ._procedure import Procedure, checked_answers
from ._projections import current_data
from ._views import AnswerSection, CompletionResult

ANSWER_AMENDED = "answer_amended"


@dataclass(frozen=True)
class CheckedStep:
    """One requester step on the check page: its answers and where to change them."""

    name: str
    title: str
    answers: AnswerSection | None
    task_id: str | None  # the latest completion's task, or the held task itself
    held: bool = False  # the step waiting to be sent (its answers are the draft)


@dataclass(frozen=True)
class AnswerCheckView:
    """Every answer of a request's requester steps, before it goes on."""

    instance_id: str
    title: Any  # a store.Title
    task_id: str  # the held task "Send" completes
    before_title: str  # the step the answers go to (the manager's approval)
    steps: tuple[CheckedStep, ...]
    ready: bool  # the held step's kept answers pass its form, so it can be sent


@dataclass(frozen=True)
class AmendView:
    """A completed step's form, prefilled with its answers as they stand now."""

    instance_id: str
    task_id: str
    title: str
    form: FormDefinition
    values: dict[str, Any]


@dataclass
class _Amendable:
    instance: Instance
    process: LoadedProcess
    completion: Event


class AnswerCheck:
    """Holding, showing, amending and sending a requester's answers before a step."""

    def __init__(self, uow, catalog, clock, procedure: Procedure, complete_task):
        self.uow, self.catalog, self.clock = uow, catalog, clock
        self.procedure = procedure
        self.complete_task = complete_task

    def held_steps(self, process: LoadedProcess) -> tuple[str, ...]:
        """The requester tasks whose answers are checked before they are sent on."""
        before = self.procedure.checked_before(process.process_id)
        if before is None:
            return ()
        return tuple(name for name in tasks_right_before(process, before) if _is_requester(
            process, name))

    def checked_steps(self, process: LoadedProcess) -> tuple[str, ...]:
        """Every requester step shown on the check page, in step order."""
        before = self.procedure.checked_before(process.process_id)
        if before is None:
            return ()
        return tuple(name for name in tasks_before(process, before) if _is_requester(
            process, name))

    def hold_answers(self, user_id: int, task_id: str, submission) -> str | None:
        """Keep a held step's valid answers as the requester's draft; the request id, or None.

        None (nothing read, nothing kept) for every other task: it is completed as usual.
        """
        with self.uow.read() as session:
            row = session.execute(
                select(ReadyTask.task_name, Instance.version_id)
                .join(Instance, Instance.id == ReadyTask.instance_id)
                .where(ReadyTask.id == task_id)).first()
        if row is None or row.task_name not in self.held_steps(self.catalog.get(row.version_id)):
            return None
        with self.uow.write() as session:
            loaded = authorized_task(session, self.catalog, user_id, task_id, self.clock.now())
            form = loaded.process.user_tasks[loaded.task_name].form
            data = submission(form.fields) if callable(submission) else submission
            cleaned = checked_answers(self.procedure, loaded.instance.process_id,
                                      loaded.task_name, form, data)
            put_task_draft(session, task_id, user_id, cleaned, self.clock.now())
        return loaded.instance.id

    def answer_check(self, user_id: int, instance_id: str) -> AnswerCheckView:
        """The check page: all the requester's answers, the held step's from the draft."""
        with self.uow.read() as session:
            instance = _requesters(session, user_id, instance_id)
            process = self.catalog.get(instance.version_id)
            held = _held_task(session, instance, self.held_steps(process))
            draft = session.get(TaskDraft, (held.id, user_id))
            latest = _latest_completions(session, instance.id)
        data = current_data(restore(process, instance.state))
        steps = []
        for name in self.checked_steps(process):
            if name == held.task_name:
                answers = answer_section(process, name, dict(draft.data)) if draft else None
                steps.append(CheckedStep(name, process.user_tasks[name].title, answers,
                                         held.id, held=True))
            else:
                steps.append(CheckedStep(name, process.user_tasks[name].title,
                                         answer_section(process, name, data), latest.get(name)))
        before = self.procedure.checked_before(process.process_id)
        ready = draft is not None and self._complete(process, held.task_name, dict(draft.data))
        return AnswerCheckView(instance.id, instance.title, held.id,
                               process.user_tasks[before].title, tuple(steps), ready)

    def _complete(self, process: LoadedProcess, task_name: str, data: dict[str, Any]) -> bool:
        """Whether kept answers pass their form and rules (a half-filled draft does not)."""
        try:
            checked_answers(self.procedure, process.process_id, task_name,
                            process.user_tasks[task_name].form, data)
        except InvalidForm:
            return False
        return True

    def send_answers(self, user_id: int, task_id: str) -> CompletionResult:
        """Complete the held step from the requester's kept answers (a second send: done)."""
        with self.uow.read() as session:
            draft = session.get(TaskDraft, (task_id, user_id))
            if draft is None:
                raise_if_done(session, task_id)
                raise Conflict("answers.nothing_to_send")
            row = session.execute(
                select(ReadyTask.task_name, Instance.version_id)
                .join(Instance, Instance.id == ReadyTask.instance_id)
                .where(ReadyTask.id == task_id)).first()
        if row is None or row.task_name not in self.held_steps(self.catalog.get(row.version_id)):
            raise Conflict("answers.nothing_to_send")
        return self.complete_task(user_id, task_id, dict(draft.data))

    def amend_form(self, user_id: int, task_id: str) -> AmendView:
        """A completed requester step's form with its answers, for changing them."""
        with self.uow.read() as session:
            found = self._amendable(session, user_id, task_id)
        info = found.process.user_tasks[found.completion.task_name]
        data = current_data(restore(found.process, found.instance.state))
        values = {f.name: data[f.name] for f in info.form.fields if f.name in data}
        return AmendView(found.instance.id, task_id, info.title, info.form, values)

    def amend_answers(self, user_id: int, task_id: str, submission) -> str:
        """Change a completed step's answers (checked by its form); the request id."""
        with self.uow.read() as session:
            found = self._amendable(session, user_id, task_id)
        instance, process, completion = found.instance, found.process, found.completion
        info = process.user_tasks[completion.task_name]
        workflow = restore(process, instance.state)
        data = current_data(workflow)
        given = submission(info.form.fields) if callable(submission) else submission
        cleaned = checked_answers(self.procedure, instance.process_id, completion.task_name,
                                  info.form, given)
        changed = _changes(info.form, data, cleaned, process.decision_fields)
        if not changed:
            return instance.id  # nothing differs: nothing to record
        for name, (_before, after) in changed.items():
            snapshot = correct_data(workflow, process, name, after)
        title = self.procedure.title(instance.process_id, snapshot.data, instance.title)
        event = NewEvent(ANSWER_AMENDED, {
            "title": info.title, "before": {k: v[0] for k, v in changed.items()},
            "after": {k: v[1] for k, v in changed.items()},
        }, actor_id=user_id, task_id=task_id, task_name=completion.task_name)
        with self.uow.write() as session:
            write_answer_change(session, self.procedure, instance, process, event, snapshot,
                                title, self.clock.now())
        return instance.id

    def _amendable(self, session: Session, user_id: int, task_id: str) -> _Amendable:
        """A completion the user may amend: their own request, a checked step, still held."""
        completion = latest_completion(session, task_id)
        instance = _requesters(session, user_id, completion.stream)
        process = self.catalog.get(instance.version_id)
        if completion.task_name not in self.checked_steps(process):
            raise InvalidInput("answers.not_checked_here",
                               title=completion.payload.get("title", completion.task_name))
        _held_task(session, instance, self.held_steps(process))
        return _Amendable(instance, process, completion)


def _is_requester(process: LoadedProcess, name: str) -> bool:
    return process.lane_rules[process.user_tasks[name].lane_id].kind == "initiator"


def _requesters(session: Session, user_id: int, instance_id: str) -> Instance:
    """The request, if the user started it and it was not cancelled (else NotAllowed...)."""
    instance, _ = visible_instance(session, user_id, instance_id)
    if instance.started_by != user_id:
        raise NotAllowed("answers.requester_only")
    raise_if_ended(corrections_of(session, instance.id))
    return instance


def _held_task(session: Session, instance: Instance, held: tuple[str, ...]) -> ReadyTask:
    """The held step waiting on the requester; Conflict once the request has gone on."""
    row = session.scalars(select(ReadyTask).where(
        ReadyTask.instance_id == instance.id, ReadyTask.task_name.in_(held))
        .order_by(ReadyTask.created_at).limit(1)).first()
    if row is None:
        raise Conflict("answers.already_sent")
    return row




def _latest_completions(session: Session, instance_id: str) -> dict[str, str]:
    """Per step, the task id of its latest completion."""
    rows = session.execute(select(Event.task_name, Event.task_id).where(
        Event.stream == instance_id, Event.kind == "task_completed").order_by(Event.seq)).all()
    return {name: task_id for name, task_id in rows}


def _changes(form: FormDefinition, data: dict[str, Any], cleaned: dict[str, Any],
             decisions: frozenset[str]) -> dict[str, tuple[Any, Any]]:
    """{field: (before, after)} for each answer of the form that differs."""
    changed = {}
    for spec in form.fields:
        before, after = data.get(spec.name), cleaned.get(spec.name)
        if before != after:
            if spec.name in decisions:
                raise InvalidInput("correction.decision_field", field=spec.title)
            changed[spec.name] = (before, after)
    return changed

