"""One account's whole life on one page: its register row, the request that opened it, every
review cycle and every recorded change, in one timeline.

Read from indexed tables only (accounts, instances by account_id, events by stream, ready
tasks): no instance's workflow state is loaded, however many years of reviews an account has.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed, NotFound
from engine.store import Event, Instance, ReadyTask, Title, User
from engine.usecases import check_may_view, load_user

from ._account_log import ACCOUNT_EVENT_KINDS, account_stream
from ._contract import APPROVAL_TASK, REGISTER_TASK, REQUEST_PROCESS, REVIEW_TASKS
from ._models import Account, AccountPerson
from ._people import moderator_emails
from ._register import REGISTER_ROLES, account_row, account_select
from ._schedule import due_date_of
from ._views import AccountRow

PERIODIC, ESCALATED, FOLLOW_UP = REVIEW_TASKS

# What a line of an account's timeline may say: each code with the names of its parameters.
LIFE_CODES: dict[str, tuple[str, ...]] = {
    "life.requested": ("actor", "title"),  # the registration request was started
    "life.approved": ("actor",),  # the requester's manager approved it
    "life.registered": ("actor", "handle"),  # communications registered the account
    "life.review_opened": ("title", "due"),  # a review cycle was planned, due on a day
    "life.review_answered": ("actor", "title", "decision"),  # the owner answered a review
    "life.review_followed_up": ("actor", "title", "decision"),  # communications, once overdue
    # communications, after the owner said the account is not watched every day
    "life.moderation_followed_up": ("actor", "title", "decision"),
    # a change of the entry: [(field, before, after)], why, and from where (register, review)
    "life.changed": ("actor", "changes", "reason", "via"),
    "life.closed": ("actor", "reason", "via"),
    "life.added": ("actor", "reason"),  # entered by communications: it existed before
    "life.review_started": ("actor", "reason"),  # an ad-hoc review started by communications
}

# Where a review cycle stands, from its instance's status and waiting tasks.
REVIEW_STAGES = ("scheduled", "due", "overdue", "follow_up", "done", "cancelled", "withdrawn")
FOLLOW_UP_CODES = {ESCALATED: "life.review_followed_up", FOLLOW_UP: "life.moderation_followed_up"}


@dataclass(frozen=True)
class OpeningRequest:
    """The request that opened the account: who asked, when, who approved it."""

    id: str
    title: Title
    status: str
    started_at: datetime
    requester_name: str
    approved_by: str | None
    approved_at: datetime | None
    registered_by: str | None
    registered_at: datetime | None


@dataclass(frozen=True)
class ReviewCycle:
    """One review of the account: its title, due date, stage and outcome."""

    id: str
    title: Title
    status: str  # the instance's own status (running, completed, cancelled, withdrawn)
    stage: str  # one of REVIEW_STAGES
    started_at: datetime
    due_at: datetime | None
    answered_by: str | None
    answered_at: datetime | None
    decision: str | None  # the review's decision as answered ("keep", "close")
    escalated: bool  # it went to communications to follow up


@dataclass(frozen=True)
class LifeEntry:
    """One line of an account's timeline: when, a code with its params, and which instance."""

    at: datetime
    code: str
    params: dict[str, Any]
    instance_id: str | None = None
    event_id: int = 0  # the event it comes from: orders entries of one instant as written


@dataclass(frozen=True)
class AccountLife:
    """An account's page: its row, its opening request, its review cycles and its timeline."""

    account: AccountRow
    request: OpeningRequest | None
    reviews: tuple[ReviewCycle, ...]
    timeline: tuple[LifeEntry, ...]
    # The request and review pages the reader may open (a moderator sees the account, not
    # necessarily its requests): by the same rule as the request page itself.
    openable: frozenset[str] = frozenset()


class AccountPage:
    """Reading one account's whole life."""

    def __init__(self, uow):
        self.uow = uow

    def account_life(self, user_id: int, account_id: int) -> AccountLife:
        """The account's life, for communications, auditors, admins, its owner and moderators."""
        with self.uow.read() as session:
            user = load_user(session, user_id)
            found = session.execute(account_select().where(Account.id == account_id)).first()
            if found is None:
                raise NotFound("account.not_found")
            account = found[0]
            check_may_see_account(session, user, account)
            row = account_row(*found)
            instances = session.scalars(
                select(Instance).where(Instance.account_id == account.id)
                .order_by(Instance.created_at, Instance.id)).all()
            streams = [i.id for i in instances] + [account_stream(account.id)]
            events = session.execute(
                select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
                .where(Event.stream.in_(streams)).order_by(Event.created_at, Event.id)).all()
            waiting = session.execute(
                select(ReadyTask.instance_id, ReadyTask.task_name)
                .where(ReadyTask.instance_id.in_([i.id for i in instances]))).all()
            names = _owner_names(session, [e for e, _ in events if e.kind == "account_changed"])
            openable = frozenset(i.id for i in instances if _may_open(session, user, i))
        life = _life(row, account, list(instances), events, waiting, names)
        return replace(life, openable=openable)


def check_may_see_account(session: Session, user, account: Account) -> None:
    """Raise NotAllowed unless the user oversees the register, owns or moderates the account.

    The people index must agree with the register row (its owner, its moderators' emails), so
    a row slipped into account_people alone opens nothing.
    """
    if user.roles & REGISTER_ROLES:
        return
    roles = set(session.scalars(select(AccountPerson.role).where(
        AccountPerson.account_id == account.id, AccountPerson.user_id == user.id)).all())
    if "owner" in roles and account.owner_id == user.id:
        return
    if "moderator" in roles and user.email.strip().lower() in moderator_emails(
            account.moderators):
        return
    raise NotAllowed("account.not_involved")


def _may_open(session: Session, user, instance: Instance) -> bool:
    try:
        check_may_view(session, user, instance, session.get(User, instance.started_by))
    except NotAllowed:
        return False
    return True


def _owner_names(session: Session, changes: list[Event]) -> dict[int, str]:
    """The names of the owners a change names (the log keeps their ids)."""
    ids = {v for event in changes
           for v in (event.payload.get("changes") or {}).get("owner_id") or []
           if isinstance(v, int)}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _life(row: AccountRow, account: Account, instances: list[Instance], events,
          waiting, names: dict[int, str]) -> AccountLife:
    by_stream: dict[str, list[tuple[Event, str | None]]] = {}
    for event, name in events:
        by_stream.setdefault(event.stream, []).append((event, name))
    ready: dict[str, set[str]] = {}
    for instance_id, task_name in waiting:
        ready.setdefault(instance_id, set()).add(task_name)
    timeline: list[LifeEntry] = []
    opening, reviews = None, []
    for instance in instances:
        own = by_stream.get(instance.id, [])
        if instance.process_id == REQUEST_PROCESS:
            opening = _opening(instance, own, timeline)
        else:
            reviews.append(_review(instance, own, ready.get(instance.id, set()), timeline))
    for event, name in by_stream.get(account_stream(account.id), []):
        entry = _account_entry(event, name, names)
        if entry is not None:
            timeline.append(entry)
    timeline.sort(key=lambda e: (e.at, e.event_id))
    return AccountLife(row, opening, tuple(reviews), tuple(timeline))


def _opening(instance: Instance, events, timeline: list[LifeEntry]) -> OpeningRequest:
    """The opening request, its steps that matter to the account added to the timeline."""
    approved = registered = (None, None)
    requester_name = None
    for event, name in events:
        data = event.payload.get("data") or {}
        if event.kind == "instance_started":
            requester_name = name
            timeline.append(_entry(event, "life.requested",
                                      {"actor": name, "title": instance.title}, instance.id))
        elif event.kind != "task_completed":
            continue
        elif event.task_name == APPROVAL_TASK and data.get("manager_decision") == "approve":
            approved = (name, event.created_at)
            timeline.append(_entry(event, "life.approved", {"actor": name},
                                      instance.id))
        elif (event.task_name == REGISTER_TASK
              and data.get("communications_decision") == "register"):
            registered = (name, event.created_at)
            timeline.append(_entry(event, "life.registered",
                                      {"actor": name, "handle": data.get("registered_handle")},
                                      instance.id))
    return OpeningRequest(instance.id, instance.title, instance.status, instance.created_at,
                          requester_name or "", approved[0], approved[1], registered[0],
                          registered[1])


def _review(instance: Instance, events, ready: set[str],
            timeline: list[LifeEntry]) -> ReviewCycle:
    """One review cycle, its opening and its answer added to the timeline."""
    due_at = answered_by = answered_at = decision = None
    escalated = ESCALATED in ready
    for event, name in events:
        data = event.payload.get("data") or {}
        if event.kind == "instance_started":
            due_at = _moment(data.get("review_due_at"))
            timeline.append(_entry(event, "life.review_opened",
                                      {"title": instance.title,
                                       "due": due_date_of(data.get("review_due_at"))},
                                      instance.id))
        elif event.kind == "task_completed" and event.task_name in REVIEW_TASKS:
            answered_by, answered_at = name, event.created_at
            decision = data.get("review_decision")
            escalated = escalated or event.task_name == ESCALATED
            code = FOLLOW_UP_CODES.get(event.task_name, "life.review_answered")
            timeline.append(_entry(event, code,
                                      {"actor": name, "title": instance.title,
                                       "decision": decision}, instance.id))
    return ReviewCycle(instance.id, instance.title, instance.status,
                       _stage(instance.status, ready), instance.created_at, due_at,
                       answered_by, answered_at, decision, escalated)


def _stage(status: str, ready: set[str]) -> str:
    if status == "completed":
        return "done"
    if status in ("cancelled", "withdrawn"):
        return status
    if ESCALATED in ready:
        return "overdue"
    if FOLLOW_UP in ready:
        return "follow_up"
    if PERIODIC in ready:
        return "due"
    return "scheduled"


def _account_entry(event: Event, actor: str | None,
                   names: dict[int, str]) -> LifeEntry | None:
    """A line for one event of the account's own stream (None for a kind it does not show)."""
    p = event.payload
    if event.kind not in ACCOUNT_EVENT_KINDS:
        return None
    if event.kind == "account_changed":
        changes = [(field, *(names.get(v, v) if field == "owner_id" else v for v in pair))
                   for field, pair in (p.get("changes") or {}).items()
                   if isinstance(pair, list) and len(pair) == 2]
        return _entry(event, "life.changed",
                         {"actor": actor, "changes": changes, "reason": p.get("reason", ""),
                          "via": p.get("via", "")})
    if event.kind == "account_closed":
        return _entry(event, "life.closed",
                         {"actor": actor, "reason": p.get("reason", ""), "via": p.get("via", "")})
    if event.kind == "account_added":
        return _entry(event, "life.added",
                         {"actor": actor, "reason": p.get("reason", "")})
    return _entry(event, "life.review_started",
                     {"actor": actor, "reason": p.get("reason", "")}, p.get("instance_id"))


def _entry(event: Event, code: str, params: dict[str, Any],
           instance_id: str | None = None) -> LifeEntry:
    return LifeEntry(event.created_at, code, params, instance_id, event.id)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
