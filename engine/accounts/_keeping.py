"""Communications keeps the register: edits, closings, accounts added after the fact (one at a
time or by CSV import) and reviews started ad hoc.

Each action is an event on the account's own stream (see `_account_log`) with who, when and a
required reason. Who may act is decided here, from the roles table and the person's own stream
together, so an edited role row alone keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidForm, InvalidInput, Message, NotAllowed, NotFound
from engine.store import (
    REQUEST_CANCELLED,
    Event,
    Instance,
    NewEvent,
    NewMessage,
    Transition,
    User,
)
from engine.usecases import ProjectionDifference, end_request, holds_role_on_record, load_user

from ._account_log import (
    account_events,
    append_account_event,
    change_account,
    close_account,
    replay_changes,
)
from ._contract import REVIEW_PROCESS
from ._csv_import import column_of, read_rows
from ._entry_check import CheckedEntry, check_entry, entry_key, storable
from ._lifecycle import (
    _prepare_review,
    _set_review_status,
    _start_review,
    review_from_seed,
    review_seed,
)
from ._models import Account
from ._people import moderator_differences, people_differences, sync_account_people

KEEPER_ROLE = "communications"
MAX_REASON = 1000  # characters of the reason every change is recorded with
MAX_IMPORT_ROWS = 500  # rows of one CSV import
ADDED_FIELDS = ("account_name", "channel", "handle", "url", "owning_unit", "owning_unit_type",
                "owner_id", "moderators", "purpose")


@dataclass(frozen=True)
class EntryForm:
    """An account's entry as the edit form shows it, with the revision it was read at."""

    id: int
    account_name: str
    channel: str
    handle: str
    url: str
    owning_unit: str
    owning_unit_type: str
    owner_email: str
    moderators: tuple[dict[str, Any], ...]
    purpose: str
    status: str
    revision: str  # changes whenever the entry does; a stale edit carries an old one


@dataclass(frozen=True)
class RowProblem:
    """Why one row of an import was not added: its number (the header is 1), column, message."""

    row: int
    column: str
    message: Message


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the accounts it added and the rows it did not."""

    added: tuple[int, ...]
    rejected: tuple[RowProblem, ...]
    rows: int

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """The numbers of the rows that were not added."""
        return tuple(sorted({p.row for p in self.rejected}))


class RegisterKeeping:
    """Communications' changes to the register, each recorded on the account's stream."""

    def __init__(self, uow, clock, procedure):
        self.uow = uow
        self.clock = clock
        self.procedure = procedure  # its catalog and settings start review cycles

    def require_keeper(self, user_id: int) -> None:
        """Raise NotAllowed unless the user may change the register (for the empty forms)."""
        with self.uow.read() as session:
            _keeper(session, user_id)

    def may_keep(self, user_id: int) -> bool:
        """Whether the user may change the register (communications, by row and record)."""
        with self.uow.read() as session:
            return _may_keep(session, user_id)

    def entry(self, user_id: int, account_id: int) -> EntryForm:
        """An account's entry for the edit form."""
        with self.uow.read() as session:
            _keeper(session, user_id)
            account = _account(session, account_id)
            owner = session.get(User, account.owner_id)
            return EntryForm(
                id=account.id, account_name=account.account_name, channel=account.channel,
                handle=account.handle, url=account.url, owning_unit=account.owning_unit,
                owning_unit_type=account.owning_unit_type, owner_email=owner.email,
                moderators=tuple(m for m in account.moderators or [] if isinstance(m, dict)),
                purpose=account.purpose, status=account.status,
                revision=revision_of(session, account))

    def edit_entry(self, user_id: int, account_id: int, revision: str, raw: dict[str, Any],
                   reason: str) -> dict:
        """Change an entry; returns what changed ({} when nothing did).

        InvalidForm per field (the reason included); Conflict when someone changed the entry
        since `revision` was read, or the account is closed.
        """
        now = self.clock.now()
        with self.uow.write() as session:
            keeper = _keeper(session, user_id)
            account = _account(session, account_id)
            _check_open(account)
            if revision_of(session, account) != revision:
                raise Conflict("account.changed")
            checked, messages = check_entry(session, raw, now.date(), account_id=account.id)
            messages.update(_reason_messages(reason))
            if messages:
                raise InvalidForm(messages)
            changes = change_account(session, account, checked.fields, keeper.id,
                                     reason.strip(), "register", now)
            if "owner_id" in changes:
                self._hand_over_reviews(session, account, keeper.id, reason.strip(), now)
            return changes

    def close_entry(self, user_id: int, account_id: int, reason: str) -> None:
        """Close an account outside a review; its waiting review cycle ends with it."""
        now = self.clock.now()
        _require_reason(reason)
        with self.uow.write() as session:
            keeper = _keeper(session, user_id)
            account = _account(session, account_id)
            _check_open(account)
            self._end_waiting_reviews(session, account, keeper.id, reason.strip(), now)
            close_account(session, account, keeper.id, reason.strip(), "register", now)

    def add_entry(self, user_id: int, raw: dict[str, Any], reason: str) -> int:
        """Add an account that existed before the system; returns its id. InvalidForm if not."""
        now = self.clock.now()
        with self.uow.read() as session:
            _keeper(session, user_id)
            checked, messages = check_entry(session, raw, now.date(), with_date=True)
        messages.update(_reason_messages(reason))
        if messages:
            raise InvalidForm(messages)
        review, problem = self._prepare(checked, now)
        if problem:
            raise InvalidForm(problem)
        with self.uow.write() as session:
            keeper = _keeper(session, user_id)
            # Checked again in the write: another keeper may have added it meanwhile.
            checked, messages = check_entry(session, raw, now.date(), with_date=True)
            if messages:
                raise InvalidForm(messages)
            return _add(session, checked, review, keeper.id, reason.strip(), now)

    def import_entries(self, user_id: int, rows: list[tuple[int, dict[str, Any]]],
                       reason: str) -> ImportResult:
        """Add each valid row as its own account; report the others by row, column and message.

        Not all-or-nothing: good rows are added, bad ones listed to be fixed and imported
        again. A row whose channel and handle are in the register already (or earlier in the
        file) is a duplicate and is not added twice.
        """
        with self.uow.read() as session:
            _keeper(session, user_id)
        _require_reason(reason)
        if len(rows) > MAX_IMPORT_ROWS:
            raise InvalidInput("import.too_many_rows", limit=MAX_IMPORT_ROWS, rows=len(rows))
        if not rows:
            raise InvalidInput("import.no_rows")
        added: list[int] = []
        rejected: list[RowProblem] = []
        seen: dict[tuple[str, str], int] = {}
        for number, raw in rows:
            account_id, problems = self._import_row(user_id, number, raw, reason.strip(), seen)
            rejected.extend(problems)
            if account_id is not None:
                added.append(account_id)
        return ImportResult(tuple(added), tuple(rejected), len(rows))

    def import_csv(self, user_id: int, data: bytes, reason: str) -> ImportResult:
        """Read a CSV file of existing accounts and import its rows (see `import_entries`)."""
        with self.uow.read() as session:
            _keeper(session, user_id)
        _require_reason(reason)  # before the file: a missing reason is said first
        return self.import_entries(user_id, read_rows(data), reason)

    def _import_row(self, user_id: int, number: int, raw: dict[str, Any], reason: str,
                    seen: dict[tuple[str, str], int]) -> tuple[int | None, list[RowProblem]]:
        now = self.clock.now()
        key = entry_key(str(raw.get("channel") or ""),
                        str(raw.get("handle") or raw.get("account_name") or ""))
        if key in seen:
            return None, [RowProblem(number, column_of("handle"), Message(
                "account.duplicate_in_file", {"row": seen[key]}))]
        with self.uow.read() as session:
            checked, messages = check_entry(session, raw, now.date(), with_date=True)
        for entry in raw.get("unreadable_moderators") or []:
            messages.setdefault("moderators", []).insert(0, Message(
                "moderators.unreadable", {"entry": entry[:200]}))
        if not messages:
            review, messages = self._prepare(checked, now)
        if messages:
            return None, _row_problems(number, messages)
        seen[key] = number
        with self.uow.write() as session:
            keeper = _keeper(session, user_id)
            checked, messages = check_entry(session, raw, now.date(), with_date=True)
            if messages:
                return None, _row_problems(number, messages)
            return _add(session, checked, review, keeper.id, reason, now), []

    def start_review_now(self, user_id: int, account_id: int, reason: str) -> str:
        """Start a review cycle due now; the account's waiting one ends first. Its instance id."""
        now = self.clock.now()
        _require_reason(reason)
        with self.uow.read() as session:
            _keeper(session, user_id)
            account = _account(session, account_id)
            _check_open(account)
            data = {"channel": account.channel, "account_name": account.account_name}
            owner_id = account.owner_id
        review = self._review_due_now(owner_id, data, now)
        with self.uow.write() as session:
            keeper = _keeper(session, user_id)
            account = _account(session, account_id)
            _check_open(account)
            if account.owner_id != owner_id:  # the owner changed meanwhile: the review is theirs
                raise Conflict("account.changed")
            self._end_waiting_reviews(session, account, keeper.id, reason.strip(), now)
            _start_review(session, review, account, now)
            # Due today, waiting on its owner (not on the overdue timer's date).
            account.status, account.next_review_on = "review due", now.date()
            append_account_event(session, account.id, NewEvent(
                "review_started", {"instance_id": review.instance_id, "reason": reason.strip()},
                actor_id=keeper.id), now)
        return review.instance_id

    def _review_due_now(self, owner_id: int, data: dict[str, Any], now: datetime) -> Transition:
        """A review cycle whose due timer has passed, so its owner's task is ready at once."""
        # A second before now: SpiffWorkflow fires a timer that is due, not one due this instant.
        seed = {**review_seed(self.procedure.settings, data, now.date(), now),
                "review_due_at": (now - timedelta(seconds=1)).isoformat()}
        about = {"process_id": REVIEW_PROCESS, **data}
        return review_from_seed(self.procedure.catalog, owner_id, seed, now, (
            NewMessage("review_due", owner_id, None, {**about, "due_at": seed["review_due_at"]}),))

    def _prepare(self, checked: CheckedEntry, now: datetime
                 ) -> tuple[Transition | None, dict[str, list[Message]]]:
        """The first review cycle of an added account, counted from its registration date."""
        try:
            return _prepare_review(self.procedure, checked.fields["owner_id"], checked.fields,
                                   checked.registered_on, now), {}
        except InvalidInput:  # so long ago the schedule cannot reach today
            return None, {"registered_on": [Message("registered_on.unschedulable")]}

    def _hand_over_reviews(self, session: Session, account: Account, actor_id: int,
                           reason: str, now: datetime) -> None:
        """A waiting review goes to the new owner: it ends, and one due when it was starts."""
        for instance in self._waiting_reviews(session, account):
            seed = session.scalar(select(Event.payload).where(
                Event.stream == instance.id, Event.kind == "instance_started")
                .order_by(Event.seq).limit(1))
            data = dict((seed or {}).get("data") or {})
            if not data.get("review_due_at"):
                continue
            self._end(session, instance, actor_id, reason, now)
            review = review_from_seed(self.procedure.catalog, account.owner_id, data, now)
            _start_review(session, review, account, now)
            # Due (or overdue) already: it waits on the new owner at once, and says so.
            _set_review_status(session, account.id, review.snapshot)

    def _waiting_reviews(self, session: Session, account: Account) -> list[Instance]:
        return list(session.scalars(select(Instance).where(
            Instance.account_id == account.id, Instance.process_id == REVIEW_PROCESS,
            Instance.status == "running")).all())

    def _end(self, session: Session, instance: Instance, actor_id: int, reason: str,
             now: datetime) -> None:
        process = self.procedure.catalog.get(instance.version_id)
        end_request(session, instance, process, NewEvent(
            REQUEST_CANCELLED, {"reason": reason, "via": "register"}, actor_id=actor_id),
            "cancelled", now)

    def _end_waiting_reviews(self, session: Session, account: Account, actor_id: int,
                             reason: str, now: datetime) -> None:
        """End the account's running review cycle(s) as a cancellation would: tasks, timers go."""
        for instance in self._waiting_reviews(session, account):
            self._end(session, instance, actor_id, reason, now)


def revision_of(session: Session, account: Account) -> str:
    """A stamp that changes whenever the entry does: its stream's length and its last change."""
    events = account_events(session, account.id)
    stamp = account.updated_at.isoformat() if account.updated_at else ""
    return f"{len(events)}.{stamp}"


def _add(session: Session, checked: CheckedEntry, review: Transition, actor_id: int,
         reason: str, now: datetime) -> int:
    """Insert the added account, record its first state and start its review cycle."""
    fields = checked.fields
    account = Account(request_id=None, **fields, status="active",
                      registered_on=checked.registered_on, review_cycles=0,
                      approved_by_id=None, created_at=now, updated_at=now)
    session.add(account)
    session.flush()
    sync_account_people(session, account)
    payload = {name: fields[name] for name in ADDED_FIELDS}
    payload["registered_on"] = checked.registered_on.isoformat()
    append_account_event(session, account.id, NewEvent(
        "account_added", {"fields": payload, "reason": reason}, actor_id=actor_id), now)
    _start_review(session, review, account, now)
    return account.id


def _row_problems(number: int, messages: dict[str, list[Message]]) -> list[RowProblem]:
    """A row's messages under the columns of the file."""
    return [RowProblem(number, column_of(path), m) for path, found in messages.items()
            for m in found]


def _may_keep(session: Session, user_id: int) -> bool:
    return holds_role_on_record(session, load_user(session, user_id), KEEPER_ROLE)


def _keeper(session: Session, user_id: int):
    """The user, if they may change the register (else NotAllowed)."""
    user = load_user(session, user_id)
    if not holds_role_on_record(session, user, KEEPER_ROLE):
        raise NotAllowed("keeping.communications_only")
    return user


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("account.not_found")
    return account


def _check_open(account: Account) -> None:
    if account.status == "closed":
        raise Conflict("account.already_closed",
                       closed_on=account.closed_on.isoformat() if account.closed_on else "")


def _reason_messages(reason: Any) -> dict[str, list[Message]]:
    """The reason as a field of the form: required, bounded, storable."""
    text = str(reason or "").strip()
    if not text:
        return {"reason": [Message("required")]}
    if len(text) > MAX_REASON:
        return {"reason": [Message("too_long", {"max": MAX_REASON})]}
    if not storable(text):
        return {"reason": [Message("not_storable")]}
    return {}


def _require_reason(reason: Any) -> None:
    """Raise InvalidForm unless a reason is given."""
    messages = _reason_messages(reason)
    if messages:
        raise InvalidForm(messages)



def added_row_differences(session: Session, instance: Instance) -> list[ProjectionDifference]:
    """How an added account's register row differs from its own stream.

    An added account has no request whose record check would cover it, so each of its review
    cycles carries the check: the row must be what `account_added` and the recorded changes
    give, its owner and its searchable moderators too.
    """
    if instance.process_id != REVIEW_PROCESS or instance.account_id is None:
        return []
    account = session.get(Account, instance.account_id)
    if account is None or account.request_id is not None:
        return []
    events = account_events(session, account.id)
    if not any(e.kind == "account_added" for e in events):
        return [ProjectionDifference("accounts", str(account.id), "row",
                                     account.account_name, None)]
    expected = replay_changes({}, events)
    return [*(ProjectionDifference("accounts", str(account.id), name, getattr(account, name),
                                   value)
              for name, value in expected.items() if getattr(account, name) != value),
            *people_differences(session, account.id, expected),
            *moderator_differences(session, account.id, expected)]
