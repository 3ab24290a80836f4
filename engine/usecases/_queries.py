"""The engine's read-only use cases for people at work: inboxes, tasks and requests.

Lists come from indexed tables (ready_tasks, instances, accounts); only a single task or request
page restores one instance's state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from engine.errors import NotAllowed, NotFound
from engine.runtime import restore
from engine.store import (
    Catalog,
    CurrentStep,
    Event,
    Instance,
    ProcessVersion,
    ReadyTask,
    User,
    local_day,
    substitute_name_column,
    title_matches,
)
from engine.text import check_search

from ._access import OVERSIGHT_ROLES, authorized_task, visible_instance, who_acts
from ._actionable import actionable_by, inbox_filter
from ._answers import GIVING_EVENTS, given_sections
from ._directory import load_user
from ._history import history_of, revision_note, versions_in_log
from ._inbox import InboxFilter, InboxPage, inbox_page
from ._procedure import Procedure
from ._projections import current_data
from ._rounds import earlier_rounds
from ._views import RequestSummary, RequestView, TaskSummary, TaskView


class Queries:
    """Use cases that only read."""

    def __init__(self, uow, catalog: Catalog, clock, procedure: Procedure):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.procedure = procedure

    def inbox(self, user_id: int, show: str | None = None) -> list[TaskSummary]:
        """The tasks a user may act on, oldest first; `show` narrows to "mine" or "group"."""
        with self.uow.read() as session:
            user = load_user(session, user_id)
            requester, claimer = aliased(User), aliased(User)
            rows = session.execute(
                select(ReadyTask, requester.name, claimer.name)
                .join(requester, requester.id == ReadyTask.requester_id)
                .outerjoin(claimer, claimer.id == ReadyTask.claimed_by)
                .where(actionable_by(session, user, self.clock.now()),
                       *inbox_filter(user, show))
                .order_by(ReadyTask.created_at, ReadyTask.id)
            ).all()
        now = self.clock.now()
        return [_summary(task, name, now, user.name, claimer, user.id)
                for task, name, claimer in rows]

    def inbox_page(self, user_id: int, wanted: InboxFilter | None = None) -> InboxPage:
        """One page of the user's inbox, filtered and sorted, with counts per step and role."""
        with self.uow.read() as session:
            return inbox_page(session, user_id, wanted or InboxFilter(), self.clock.now(),
                              _summary, self.procedure.title_words)

    def inbox_count(self, user_id: int, show: str | None = None) -> int:
        """How many tasks a user may act on (narrowed like the inbox by `show`)."""
        with self.uow.read() as session:
            user = load_user(session, user_id)
            return session.scalar(select(func.count()).select_from(ReadyTask)
                                  .where(actionable_by(session, user, self.clock.now()),
                                         *inbox_filter(user, show)))

    def get_task(self, user_id: int, task_id: str) -> TaskView:
        """One task with its form, instructions and what was answered before."""
        with self.uow.read() as session:
            loaded = authorized_task(session, self.catalog, user_id, task_id,
                                     self.clock.now())
            task, instance, process = loaded.task, loaded.instance, loaded.process
            requester_name = session.get(User, instance.started_by).name
            claimer = session.get(User, task.claimed_by) if task.claimed_by else None
            previous = revision_note(session, process, instance.id, loaded.task_name,
                                     self.procedure.sends_back)
            subject = self.procedure.subject(session, instance)
            given = session.execute(
                select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
                .where(Event.stream == instance.id, Event.kind.in_(GIVING_EVENTS))
                .order_by(Event.seq)).all()
            rounds = earlier_rounds(session, process, instance.id, loaded.task_name,
                                    self.procedure.sends_back)
        data = dict(loaded.workflow.get_task_from_id(UUID(task_id)).data)
        info = process.user_tasks[loaded.task_name]
        rule = process.lane_rules[info.lane_id]
        values = ({f.name: data[f.name] for f in info.form.fields if f.name in data}
                  if rule.kind == "initiator"
                  else self.procedure.prefill(process.process_id, loaded.task_name, data))
        return TaskView(
            id=task.id, instance_id=instance.id, task_name=loaded.task_name, title=info.title,
            lane=info.lane_name, documentation=info.documentation, form=info.form,
            values=values, request_title=instance.title, requester_name=requester_name,
            created_at=task.created_at,
            answers=given_sections(process, data, [e for e, _ in given], [n for _, n in given],
                                   leave_out=loaded.task_name),
            previous_step=previous, process_id=process.process_id,
            initiator_label=_initiator_label(process), subject=subject,
            notes=self.procedure.notes(process.process_id, loaded.task_name, data),
            group=task.role is not None, claimed_by=claimer.name if claimer else None,
            claimed_by_you=task.claimed_by == user_id, earlier_rounds=rounds,
        )

    def my_requests(self, user_id: int) -> list[RequestSummary]:
        """The requests a user started, newest first."""
        with self.uow.read() as session:
            rows = session.scalars(
                select(Instance).where(Instance.started_by == user_id,
                                       Instance.process_id == self.procedure.request_process)
                .order_by(Instance.created_at.desc())
            ).all()
        return [_request_summary(r) for r in rows]

    def all_requests(self, user_id: int, status: str | None = None, text: str | None = None,
                     limit: int = 200) -> list[RequestSummary]:
        """Every request, newest first, for communications, auditors and admins."""
        check_search(status, text)
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & OVERSIGHT_ROLES:
                raise NotAllowed("requests.oversight_only")
            # Requests and the review cycles that follow them: every instance the procedure
            # lists, found by the words of its title ("review 2027", an account's name).
            query = (select(Instance, User.name).join(User, User.id == Instance.started_by)
                     .where(Instance.process_id.in_(self.procedure.listed_processes)))
            if status:
                query = query.where(Instance.status == status)
            if text and text.strip():
                query = query.where(title_matches(Instance.title, text,
                                                  self.procedure.title_words))
            rows = session.execute(query.order_by(Instance.created_at.desc()).limit(limit)).all()
        return [_request_summary(r, name) for r, name in rows]

    def get_request(self, user_id: int, instance_id: str) -> RequestView:
        """A request in full, for its requester, their manager and the oversight roles."""
        with self.uow.read() as session:
            instance, requester = visible_instance(session, user_id, instance_id)
            process = self.catalog.get(instance.version_id)
            history, events = history_of(session, self.catalog, instance)
            now = self.clock.now()
            cover = substitute_name_column(ReadyTask.assignee_id, ReadyTask.requester_id,
                                           local_day(now))
            open_rows = session.execute(
                select(ReadyTask, User.name, cover)
                .outerjoin(User, User.id == ReadyTask.assignee_id)
                .where(ReadyTask.instance_id == instance.id)
            ).all()
            version_hash = session.get(ProcessVersion, instance.version_id).content_hash
            same_account = (session.scalars(
                select(Instance).where(Instance.account_id == instance.account_id,
                                       Instance.id != instance.id)
                .order_by(Instance.created_at, Instance.id)).all()
                if instance.account_id is not None else [])
        opening = next((i for i in same_account
                        if i.process_id == self.procedure.request_process), None)
        data = current_data(restore(process, instance.state))
        return RequestView(
            id=instance.id, process_id=instance.process_id, title=instance.title,
            status=instance.status, current_step=CurrentStep.from_column(instance.current_step),
            requester_name=requester.name, requester_id=requester.id,
            created_at=instance.created_at, version_hash=version_hash,
            answers=given_sections(process, data, events, [h.actor_name for h in history]),
            history=tuple(history),
            completed_steps=tuple(dict.fromkeys(h.task_name for h in history
                                                if h.kind == "task_completed")),
            current_steps=tuple(t.task_name for t, _, _ in open_rows),
            open_tasks=tuple(_summary(t, requester.name, now, assignee, covered_by=covering)
                             for t, assignee, covering in open_rows),
            account_id=instance.account_id,
            account_request=_request_summary(opening) if opening else None,
            account_cycles=tuple(_request_summary(i) for i in same_account if i is not opening),
        )

    def request_diagram(self, user_id: int, instance_id: str,
                        version_id: int | None = None) -> str:
        """The BPMN XML of the version a request runs on, or of one it ran on before a move
        (same access as the request)."""
        with self.uow.read() as session:
            instance, _ = visible_instance(session, user_id, instance_id)
            if version_id is None:
                version_id = instance.version_id
            elif version_id not in versions_in_log(session, instance):
                raise NotFound("version.not_found")
            return session.get(ProcessVersion, version_id).bpmn_xml


def _request_summary(instance: Instance, requester_name: str = "") -> RequestSummary:
    return RequestSummary(instance.id, instance.title, instance.status,
                          CurrentStep.from_column(instance.current_step), instance.created_at,
                          instance.updated_at, requester_name, instance.process_id)


def _summary(task: ReadyTask, requester_name: str, now: datetime,
             assignee_name: str | None, claimer: str | None = None,
             user_id: int | None = None, covered_by: str | None = None) -> TaskSummary:
    return TaskSummary(
        id=task.id, instance_id=task.instance_id, task_name=task.task_name,
        title=task.task_title, request_title=task.request_title,
        requester_name=requester_name, lane=task.lane, created_at=task.created_at,
        waited=max(now - task.created_at, timedelta(0)), lane_name=task.lane_name,
        waiting_on=who_acts(task, assignee_name, covered_by=covered_by),
        due_at=task.due_at, group=task.role is not None, claimed_by=claimer,
        claimed_by_you=user_id is not None and task.claimed_by == user_id,
        sent_back=bool(task.sent_back),
    )


def _initiator_label(process) -> str:
    """What the person who started an instance is called in its diagram (its lane's name)."""
    for info in process.user_tasks.values():
        if process.lane_rules[info.lane_id].kind == "initiator":
            return info.lane_name
    return ""
