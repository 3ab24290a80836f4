"""The engine's read-only use cases: inboxes, requests, tasks, the account register.

Lists come from indexed tables (ready_tasks, instances, accounts); only a single task or request
page restores one instance's state.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from .assignment import may_act, who_acts
from .audit import ChainCheck, verify_chain
from .catalog import Catalog
from .directory import load_user
from .errors import NotAllowed, NotFound
from .forms import FormDefinition
from .history import request_history, revision_note
from .models import Account, Event, Instance, ProcessVersion, ReadyTask, User
from .presenting import answer_sections
from .replay import ReplayDiverged, ReplayResult, compare, replay_events
from .runtime import restore
from .services import raise_if_done
from .views import (
    AccountFacets,
    AccountRow,
    RecordCheck,
    RequestSummary,
    RequestView,
    TaskSummary,
    TaskView,
    UserView,
)

OVERSIGHT_ROLES = {"communications", "auditor", "admin"}
AUDIT_ROLES = {"auditor", "admin"}
REGISTER_ROLES = {"communications", "auditor", "admin"}
ACCOUNT_SORTS = {
    "account_name": Account.account_name, "channel": Account.channel,
    "owning_unit": Account.owning_unit, "status": Account.status,
    "registered_on": Account.registered_on, "next_review_on": Account.next_review_on,
}


class Queries:
    """Use cases that only read."""

    def __init__(self, uow, catalog: Catalog, clock):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock

    def inbox(self, user_id: int) -> list[TaskSummary]:
        """The tasks a user may act on, oldest first."""
        with self.uow.read() as session:
            user = load_user(session, user_id)
            requester = aliased(User)
            rows = session.execute(
                select(ReadyTask, requester.name)
                .join(requester, requester.id == ReadyTask.requester_id)
                .where(_actionable_by(user)).order_by(ReadyTask.created_at, ReadyTask.id)
            ).all()
        now = self.clock.now()
        return [_summary(task, name, now, user.name) for task, name in rows]

    def inbox_count(self, user_id: int) -> int:
        """How many tasks a user may act on."""
        with self.uow.read() as session:
            user = load_user(session, user_id)
            return session.scalar(select(func.count()).select_from(ReadyTask)
                                  .where(_actionable_by(user)))

    def task_form(self, user_id: int, task_id: str) -> FormDefinition:
        """A task's form alone, for reading a submission (same checks as get_task, no restore)."""
        with self.uow.read() as session:
            task = _actionable_task(session, user_id, task_id)
            version_id = session.scalar(
                select(Instance.version_id).where(Instance.id == task.instance_id))
        return self.catalog.get(version_id).user_tasks[task.task_name].form

    def get_task(self, user_id: int, task_id: str) -> TaskView:
        """One task with its form, instructions and what was answered before."""
        with self.uow.read() as session:
            task = _actionable_task(session, user_id, task_id)
            instance = session.get(Instance, task.instance_id)
            requester_name = session.get(User, instance.started_by).name
            process = self.catalog.get(instance.version_id)
            previous = revision_note(session, process, instance.id, task.task_name)
            account = _account_of(session, instance.account_id)
        workflow = restore(process, instance.state)
        spiff_task = workflow.get_task_from_id(UUID(task_id))
        data = dict(spiff_task.data)
        info = process.user_tasks[task.task_name]
        rule = process.lane_rules[info.lane_id]
        values = ({f.name: data[f.name] for f in info.form.fields if f.name in data}
                  if rule.kind == "initiator" else {})
        earlier = [s for s in process.step_order if s != task.task_name]
        return TaskView(
            id=task.id, instance_id=instance.id, task_name=task.task_name, title=info.title,
            lane=info.lane_name, documentation=info.documentation, form=info.form,
            values=values, request_title=instance.title, requester_name=requester_name,
            created_at=task.created_at, answers=answer_sections(process, data, earlier),
            previous_step=previous, process_id=process.process_id,
            initiator_label=_initiator_label(process), account=account,
        )

    def my_requests(self, user_id: int) -> list[RequestSummary]:
        """The requests a user started, newest first."""
        with self.uow.read() as session:
            rows = session.scalars(
                select(Instance).where(Instance.started_by == user_id,
                                       Instance.process_id == "social_media_account")
                .order_by(Instance.created_at.desc())
            ).all()
        return [RequestSummary(r.id, r.title, r.status, r.current_step, r.created_at,
                               r.updated_at) for r in rows]

    def all_requests(self, user_id: int, status: str | None = None, text: str | None = None,
                     limit: int = 200) -> list[RequestSummary]:
        """Every request, newest first, for communications, auditors and admins."""
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & OVERSIGHT_ROLES:
                raise NotAllowed("The list of all requests is for communications and auditors.")
            query = (select(Instance, User.name).join(User, User.id == Instance.started_by)
                     .where(Instance.process_id == "social_media_account"))
            if status:
                query = query.where(Instance.status == status)
            if text:
                query = query.where(func.lower(Instance.title).like(f"%{text.strip().lower()}%"))
            rows = session.execute(query.order_by(Instance.created_at.desc()).limit(limit)).all()
        return [RequestSummary(r.id, r.title, r.status, r.current_step, r.created_at,
                               r.updated_at, name) for r, name in rows]

    def get_request(self, user_id: int, instance_id: str) -> RequestView:
        """A request in full, for its requester, their manager and the oversight roles."""
        with self.uow.read() as session:
            instance, requester = _visible_instance(session, user_id, instance_id)
            process = self.catalog.get(instance.version_id)
            history = request_history(session, process, instance.id)
            open_rows = session.execute(
                select(ReadyTask, User.name).outerjoin(User, User.id == ReadyTask.assignee_id)
                .where(ReadyTask.instance_id == instance.id)
            ).all()
            version_hash = session.get(ProcessVersion, instance.version_id).content_hash
        data = _instance_data(process, instance)
        now = self.clock.now()
        return RequestView(
            id=instance.id, process_id=instance.process_id, title=instance.title,
            status=instance.status, current_step=instance.current_step,
            requester_name=requester.name, requester_id=requester.id,
            created_at=instance.created_at, version_hash=version_hash,
            answers=answer_sections(process, data), history=tuple(history),
            completed_steps=tuple(dict.fromkeys(h.task_name for h in history
                                                if h.kind == "task_completed")),
            current_steps=tuple(t.task_name for t, _ in open_rows),
            open_tasks=tuple(_summary(t, requester.name, now, assignee)
                             for t, assignee in open_rows),
            account_id=instance.account_id,
        )

    def request_diagram(self, user_id: int, instance_id: str) -> str:
        """The BPMN XML of the version a request runs on (same access as the request)."""
        with self.uow.read() as session:
            instance, _ = _visible_instance(session, user_id, instance_id)
            return session.get(ProcessVersion, instance.version_id).bpmn_xml

    def accounts(self, user_id: int, status: str | None = None, channel: str | None = None,
                 text: str | None = None, sort: str = "account_name",
                 descending: bool = False) -> list[AccountRow]:
        """The account register, filtered and sorted, for communications, auditors and admins."""
        with self.uow.read() as session:
            _check_register_access(session, user_id)
            query = _filter_accounts(_account_select(), status, channel, text)
            column = ACCOUNT_SORTS.get(sort, Account.account_name)
            query = query.order_by(column.desc() if descending else column, Account.id)
            return [_account_row(*row) for row in session.execute(query).all()]

    def may_view_register(self, user_id: int) -> bool:
        """Whether the user may see the account register."""
        with self.uow.read() as session:
            return bool(load_user(session, user_id).roles & REGISTER_ROLES)

    def account_facets(self, user_id: int) -> AccountFacets:
        """The statuses and channels in the register, for its filters (same access rule)."""
        with self.uow.read() as session:
            _check_register_access(session, user_id)
            statuses = session.scalars(select(Account.status).distinct()).all()
            channels = session.scalars(select(Account.channel).distinct()).all()
            total = session.scalar(select(func.count()).select_from(Account))
        return AccountFacets(tuple(sorted(statuses)), tuple(sorted(channels)), total)

    def may_audit(self, user_id: int) -> bool:
        """Whether the user may check requests' records (auditors and admins)."""
        with self.uow.read() as session:
            return bool(load_user(session, user_id).roles & AUDIT_ROLES)

    def check_record(self, user_id: int, instance_id: str) -> RecordCheck:
        """For auditors: is the request's log intact, and does replaying it give its state?"""
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & AUDIT_ROLES:
                raise NotAllowed("Checking a request's record is for auditors.")
            _visible_instance(session, user_id, instance_id)
            chain = verify_chain(session, instance_id)
        return RecordCheck(chain, self.replay(instance_id))

    def replay_request(self, user_id: int, instance_id: str) -> ReplayResult:
        """Re-execute a request from its event log and compare with its stored state."""
        with self.uow.read() as session:
            _visible_instance(session, user_id, instance_id)
        return self.replay(instance_id)

    def replay(self, instance_id: str) -> ReplayResult:
        """Re-execute any instance from its log (for operators; no user check)."""
        with self.uow.read() as session:
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound("There is no such instance.")
            events = session.scalars(select(Event).where(Event.stream == instance_id)
                                     .order_by(Event.seq)).all()
        process = self.catalog.get(instance.version_id)
        try:
            differences = compare(process, instance.state, replay_events(process, events))
        except ReplayDiverged as error:
            differences = [str(error)]
        return ReplayResult(instance_id, len(events), not differences, tuple(differences))

    def verify_request(self, user_id: int, instance_id: str) -> ChainCheck:
        """Check the hash chain of a request's events."""
        with self.uow.read() as session:
            _visible_instance(session, user_id, instance_id)
            return verify_chain(session, instance_id)


def _actionable_by(user: UserView):
    role_clause = and_(ReadyTask.role.in_(user.roles), ReadyTask.requester_id != user.id)
    if not user.roles:
        return ReadyTask.assignee_id == user.id
    return or_(ReadyTask.assignee_id == user.id, role_clause)


def _summary(task: ReadyTask, requester_name: str, now: datetime,
             assignee_name: str | None) -> TaskSummary:
    return TaskSummary(
        id=task.id, instance_id=task.instance_id, task_name=task.task_name,
        title=task.task_title, request_title=task.request_title,
        requester_name=requester_name, lane=task.lane, created_at=task.created_at,
        waiting=waiting_text(now - task.created_at), lane_name=task.lane_name,
        waiting_on=who_acts(task, assignee_name),
        due_at=task.due_at,
    )


def waiting_text(delta) -> str:
    """How long something has waited, in words."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def _actionable_task(session, user_id: int, task_id: str) -> ReadyTask:
    """A ready task the user may act on (else TaskAlreadyDone, NotFound or NotAllowed)."""
    user = load_user(session, user_id)
    task = session.get(ReadyTask, task_id)
    if task is None:
        raise_if_done(session, task_id)
        raise NotFound("There is no such task.")
    if not may_act(user, task):
        raise NotAllowed("This task is not yours to complete.")
    return task


def _visible_instance(session, user_id: int, instance_id: str) -> tuple[Instance, User]:
    """An instance and its requester, if the user may see it (else NotFound / NotAllowed)."""
    user = load_user(session, user_id)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("There is no such request.")
    requester = session.get(User, instance.started_by)
    _check_may_view(session, user, instance, requester)
    return instance, requester


def _check_register_access(session, user_id: int) -> None:
    if not load_user(session, user_id).roles & REGISTER_ROLES:
        raise NotAllowed("The account register is for the communications department.")


def _check_may_view(session, user: UserView, instance: Instance, requester: User) -> None:
    if user.id == instance.started_by or user.roles & OVERSIGHT_ROLES:
        return
    if requester.manager_id == user.id:
        return
    acted = session.scalar(select(Event.id).where(
        Event.stream == instance.id, Event.actor_id == user.id).limit(1))
    if acted is None:
        raise NotAllowed("You are not involved in this request.")


def _initiator_label(process) -> str:
    """What the person who started an instance is called in its diagram (its lane's name)."""
    for info in process.user_tasks.values():
        if process.lane_rules[info.lane_id].kind == "initiator":
            return info.lane_name
    return "Requester"


def _account_of(session, account_id: int | None) -> AccountRow | None:
    """The register row of an account, for the tasks of its review cycles."""
    if account_id is None:
        return None
    row = session.execute(_account_select().where(Account.id == account_id)).first()
    return _account_row(*row) if row else None


def _account_select():
    """Accounts with their owner's name and email and their approver's name."""
    owner, approver = aliased(User), aliased(User)
    return (select(Account, owner.name, owner.email, approver.name)
            .join(owner, owner.id == Account.owner_id)
            .outerjoin(approver, approver.id == Account.approved_by_id))


def _instance_data(process, instance: Instance) -> dict:
    workflow = restore(process, instance.state)
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)


def _filter_accounts(query, status, channel, text):
    if status:
        query = query.where(Account.status == status)
    if channel:
        query = query.where(Account.channel == channel)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Account.account_name).like(pattern),
                                func.lower(Account.owning_unit).like(pattern),
                                func.lower(Account.handle).like(pattern)))
    return query


def _account_row(account: Account, owner_name, owner_email, approver_name) -> AccountRow:
    moderators = tuple(
        m.get("name", "") if isinstance(m, dict) else str(m) for m in account.moderators or [])
    return AccountRow(
        id=account.id, request_id=account.request_id, channel=account.channel,
        account_name=account.account_name, handle=account.handle, url=account.url,
        owning_unit=account.owning_unit, owning_unit_type=account.owning_unit_type,
        owner_name=owner_name, owner_email=owner_email, moderators=moderators,
        status=account.status, approved_by=approver_name,
        registered_on=account.registered_on, next_review_on=account.next_review_on,
        closed_on=account.closed_on, review_cycles=account.review_cycles,
        purpose=account.purpose,
    )
