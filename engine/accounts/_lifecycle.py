"""An account's life after registration: the register row and one review instance per cycle.

SpiffWorkflow keeps every loop iteration in an instance's state, so an account reviewed every
year for a decade would load ten years of history on each step. Instead the registration request
ends when the account is registered, and each review cycle is a short `account_review` instance
linked to the account; the next cycle starts when one ends. History lives in the event log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import FixedClock
from engine.runtime import Snapshot, start_workflow
from engine.store import Event, Instance, NewEvent, Title, Transition, write_transition
from engine.usecases import ProjectionDifference

from ._account_log import account_events, change_account, close_account, replay_changes
from ._channels import named_channel
from ._contract import (
    APPROVAL_TASK,
    REQUEST_PROCESS,
    REVIEW_PROCESS,
    REVIEW_TASK,
    REVIEW_TASKS,
)
from ._models import Account
from ._people import moderator_differences, people_differences, sync_account_people
from ._schedule import due_date_of, next_review_due

REVIEW_STATUS_BY_TASK = dict(zip(REVIEW_TASKS, ("review due", "review overdue",
                                               "moderation follow-up"), strict=True))


@dataclass
class FollowUp:
    """Work that follows an instance's completion, prepared outside the write lock."""

    kind: str  # "register", "next_review" or "close"
    review: Transition | None = None
    changes: dict[str, Any] | None = None  # a review's update of the register entry


def plan_follow_up(ctx, instance: Instance, snapshot: Snapshot,
                   now: datetime) -> FollowUp | None:
    """What must happen when this step completes an instance (None when nothing)."""
    if not snapshot.completed:
        return None
    data = snapshot.data
    if instance.process_id == REQUEST_PROCESS:
        # The first review counts from the registration date communications entered.
        anchor = _date(data.get("registered_on")) or now.date()
        return FollowUp("register", _prepare_review(ctx, instance.started_by, data, anchor, now))
    if instance.process_id == REVIEW_PROCESS:
        if closes(data):
            return FollowUp("close")
        changes = review_changes(ctx, data)
        owner_id = (changes or {}).get("owner_id", instance.started_by)
        # The next cycle starts from the register as it is now, with this review's update.
        entry = {**data, **_register_entry(ctx, instance.account_id), **(changes or {})}
        # The next one counts from when this one was due, not from when it was answered.
        anchor = due_date_of(data.get("review_due_at")) or now.date()
        return FollowUp("next_review", _prepare_review(ctx, owner_id, entry, anchor, now),
                        changes=changes)
    return None


def closes(data: dict[str, Any]) -> bool:
    """Whether a review cycle ends with the account closed (by the owner or communications)."""
    return data.get("review_decision") == "close" or data.get("follow_up_decision") == "close"


def review_changes(ctx, data: dict[str, Any]) -> dict[str, Any] | None:
    """The register fields the owner's "update" sets (None when the review did not update)."""
    if data.get("review_decision") != "update":
        return None
    changes: dict[str, Any] = {"moderators": list(data.get("moderators") or []),
                               "purpose": str(data.get("purpose") or "")}
    email = data.get("new_owner_email")
    finder = getattr(ctx, "find_person", None)
    owner_id = finder(str(email)) if email and finder is not None else None
    if owner_id is not None:  # the check refused an unknown email at submission
        changes["owner_id"] = owner_id
    return changes


def _register_entry(ctx, account_id: int | None) -> dict[str, Any]:
    """The register's moderators and purpose of an account, as a review's seed takes them."""
    uow = getattr(ctx, "uow", None)
    if uow is None or account_id is None:
        return {}
    with uow.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            return {}
        return {"moderators": list(account.moderators or []), "purpose": account.purpose or ""}


def review_seed(settings, data: dict[str, Any], anchor: date, now: datetime) -> dict[str, Any]:
    """What a review cycle starts with: its due date, grace period and the account it is of."""
    due = next_review_due(anchor, settings.review_interval, now)
    return {
        "review_due_at": due.isoformat(),
        "review_grace": settings.review_grace,
        "channel": named_channel(data),
        "account_name": data.get("account_name", ""),
        # The owner's form starts from these when they update the register.
        "moderators": list(data.get("moderators") or []),
        "purpose": str(data.get("purpose") or ""),
    }


def review_title(seed: dict[str, Any]) -> Title:
    """A review cycle's title: the account, its channel and the year the review is due."""
    due = due_date_of(seed.get("review_due_at"))
    params = {"account_name": seed.get("account_name", ""), "channel": seed.get("channel", "")}
    if due is not None:
        params["year"] = str(due.year)
    return Title("account_review", params)


def _prepare_review(ctx, owner_id: int, data: dict[str, Any], anchor: date,
                    now: datetime) -> Transition:
    return review_from_seed(ctx.catalog, owner_id, review_seed(ctx.settings, data, anchor, now),
                            now)


def review_from_seed(catalog, owner_id: int, seed: dict[str, Any], now: datetime,
                     messages: tuple = ()) -> Transition:
    """A new review cycle of the current version, started from its seed, titled by its year."""
    version_id, process = catalog.current(REVIEW_PROCESS)
    # The review starts at the step's one instant, the one its event records.
    snapshot = start_workflow(process, seed, FixedClock(now))
    return Transition(
        instance_id=str(uuid.uuid4()), process=process, version_id=version_id,
        snapshot=snapshot, started_by=owner_id, title=review_title(seed),
        events=[NewEvent("instance_started", {"data": seed})], messages=list(messages),
    )


def apply_follow_up(session: Session, follow_up: FollowUp | None, instance: Instance,
                    snapshot: Snapshot, now: datetime) -> None:
    """Carry out a prepared follow-up inside the caller's transaction."""
    if follow_up is None:
        if instance.process_id == REVIEW_PROCESS and instance.account_id:
            _set_review_status(session, instance.account_id, snapshot)
        return
    if follow_up.kind == "register":
        account = _register_account(session, instance, snapshot.data, now)
        _start_review(session, follow_up.review, account, now)
    elif follow_up.kind == "next_review":
        account = session.get(Account, instance.account_id)
        account.review_cycles += 1
        if follow_up.changes:
            # The owner's update, recorded with the owner as actor even when communications
            # took the cycle's last step (a moderation follow-up).
            change_account(session, account, follow_up.changes,
                           _step_actor(session, instance.id, REVIEW_TASK),
                           str(snapshot.data.get("comment") or ""), "review", now)
        _start_review(session, follow_up.review, account, now)
    elif follow_up.kind == "close":
        account = session.get(Account, instance.account_id)
        account.review_cycles += 1
        data = snapshot.data
        reason = (data.get("follow_up_comment") if data.get("follow_up_decision") == "close"
                  else data.get("comment"))
        close_account(session, account, _last_actor(session, instance.id),
                      str(reason or ""), "review", now)


def _row_from_record(session: Session, instance: Instance, data: dict[str, Any]) -> dict:
    """The register row's fields as the request's answers and log give them."""
    return dict(
        channel=named_channel(data), account_name=data.get("account_name", ""),
        handle=data.get("registered_handle") or data.get("account_name", ""),
        url=data.get("registered_url") or data.get("account_url") or "",
        owning_unit=data.get("owning_unit", ""),
        owning_unit_type=data.get("owning_unit_type", ""), owner_id=instance.started_by,
        moderators=list(data.get("moderators") or []), purpose=data.get("purpose", ""),
        approved_by_id=_approver(session, instance.id),
    )


def register_row_differences(session: Session, instance: Instance, data: dict[str, Any],
                             completed: bool) -> list[ProjectionDifference]:
    """How a registered request's register row differs from what its record gives.

    `completed` comes from the stored state, never from the status column an insider can edit.
    """
    if instance.process_id != REQUEST_PROCESS or not completed:
        return []
    account = session.scalar(select(Account).where(Account.request_id == instance.id))
    if account is None:
        return [ProjectionDifference("accounts", instance.id, "row", None, "registered")]
    expected = replay_changes(_row_from_record(session, instance, data),
                              account_events(session, account.id))
    registered_on = _date(data.get("registered_on"))
    if registered_on:
        expected["registered_on"] = registered_on
    return [*(ProjectionDifference("accounts", str(account.id), name, getattr(account, name),
                                   value)
              for name, value in expected.items() if getattr(account, name) != value),
            *people_differences(session, account.id, expected),
            *moderator_differences(session, account.id, expected)]


def follow_correction(session: Session, instance: Instance, data: dict[str, Any],
                      completed: bool, now: datetime) -> None:
    """Re-derive a registered request's register row from its corrected record."""
    if instance.process_id != REQUEST_PROCESS or not completed:
        return
    account = session.scalar(select(Account).where(Account.request_id == instance.id))
    if account is None:
        return
    fields = replay_changes(_row_from_record(session, instance, data),
                            account_events(session, account.id))
    for name, value in fields.items():
        setattr(account, name, value)
    registered_on = _date(data.get("registered_on"))
    if registered_on:
        account.registered_on = registered_on
    account.updated_at = now
    sync_account_people(session, account)


def _register_account(session: Session, instance: Instance, data: dict[str, Any],
                      now: datetime) -> Account:
    account = Account(
        request_id=instance.id, **_row_from_record(session, instance, data),
        status="active", registered_on=_date(data.get("registered_on")) or now.date(),
        review_cycles=0, created_at=now, updated_at=now,
    )
    session.add(account)
    session.flush()
    sync_account_people(session, account)
    session.execute(update(Instance).where(Instance.id == instance.id)
                    .values(account_id=account.id).execution_options(synchronize_session=False))
    return account


def _start_review(session: Session, review: Transition, account: Account,
                  now: datetime) -> None:
    review.account_id = account.id
    # The register's owner now, who may have changed since the cycle was prepared.
    review.started_by = account.owner_id
    write_transition(session, review, now)
    due = min((t.due_at for t in review.snapshot.timers), default=None)
    account.next_review_on = due.date() if due else None
    account.status = "active"
    account.updated_at = now


def _set_review_status(session: Session, account_id: int, snapshot: Snapshot) -> None:
    account = session.get(Account, account_id)
    if account is None or account.status == "closed":
        return
    statuses = [REVIEW_STATUS_BY_TASK[r.task_name] for r in snapshot.ready
                if r.task_name in REVIEW_STATUS_BY_TASK]
    account.status = statuses[0] if statuses else "active"


def _approver(session: Session, instance_id: str) -> int | None:
    return session.scalar(
        select(Event.actor_id).where(Event.stream == instance_id,
                                     Event.task_name == APPROVAL_TASK)
        .order_by(Event.seq.desc()).limit(1))


def _step_actor(session: Session, instance_id: str, task_name: str) -> int | None:
    """Who completed the given step of an instance last."""
    return session.scalar(
        select(Event.actor_id).where(Event.stream == instance_id, Event.task_name == task_name,
                                     Event.kind == "task_completed")
        .order_by(Event.seq.desc()).limit(1))


def _last_actor(session: Session, instance_id: str) -> int | None:
    """Who took the instance's latest step (the one that completes it, when applied)."""
    return session.scalar(
        select(Event.actor_id).where(Event.stream == instance_id, Event.actor_id.is_not(None))
        .order_by(Event.seq.desc()).limit(1))


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
