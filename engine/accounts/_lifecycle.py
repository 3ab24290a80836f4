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

from ._account_log import account_events, close_account, replay_changes
from ._channels import named_channel
from ._contract import APPROVAL_TASK, REQUEST_PROCESS, REVIEW_PROCESS, REVIEW_TASKS
from ._models import Account
from ._people import moderator_differences, people_differences, sync_account_people
from ._schedule import due_date_of, next_review_due

REVIEW_STATUS_BY_TASK = dict(zip(REVIEW_TASKS, ("review due", "review overdue"), strict=True))


@dataclass
class FollowUp:
    """Work that follows an instance's completion, prepared outside the write lock."""

    kind: str  # "register", "next_review" or "close"
    review: Transition | None = None


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
        if data.get("review_decision") == "close":
            return FollowUp("close")
        # The next one counts from when this one was due, not from when it was answered.
        anchor = due_date_of(data.get("review_due_at")) or now.date()
        return FollowUp("next_review",
                        _prepare_review(ctx, instance.started_by, data, anchor, now))
    return None


def review_seed(settings, data: dict[str, Any], anchor: date, now: datetime) -> dict[str, Any]:
    """What a review cycle starts with: its due date, grace period and the account it is of."""
    due = next_review_due(anchor, settings.review_interval, now)
    return {
        "review_due_at": due.isoformat(),
        "review_grace": settings.review_grace,
        "channel": named_channel(data),
        "account_name": data.get("account_name", ""),
    }


def _prepare_review(ctx, owner_id: int, data: dict[str, Any], anchor: date,
                    now: datetime) -> Transition:
    version_id, process = ctx.catalog.current(REVIEW_PROCESS)
    seed = review_seed(ctx.settings, data, anchor, now)
    # The review starts at the step's one instant, the one its event records.
    snapshot = start_workflow(process, seed, FixedClock(now))
    return Transition(
        instance_id=str(uuid.uuid4()), process=process, version_id=version_id,
        snapshot=snapshot, started_by=owner_id,
        title=Title("account_review", {"account_name": seed["account_name"],
                                       "channel": seed["channel"]}),
        events=[NewEvent("instance_started", {"data": seed})],
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
        _start_review(session, follow_up.review, account, now)
    elif follow_up.kind == "close":
        account = session.get(Account, instance.account_id)
        account.review_cycles += 1
        close_account(session, account, _last_actor(session, instance.id),
                      str(snapshot.data.get("comment") or ""), "review", now)


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
