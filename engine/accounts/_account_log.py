"""The account log: each change to a register entry after registration, as events.

Each account has a hash-chained stream of its own, `account:<id>`, like a person's. The register
row is a projection: the registration request's answers give its first state, and the events of
this stream, replayed in order, give every later one. So an edit by communications, an update
from a review or a closing is recorded with who, when and why, and the record check can tell an
edited row from a recorded change.

Event kinds and their payloads:
- `account_added` {"fields": {...}, "reason"}: an account that existed before the system,
  entered by communications; its first state (there is no request).
- `account_changed` {"changes": {field: [before, after]}, "reason", "via"}: an edit of the
  entry; `via` is "register" (communications) or "review" (the owner's review).
- `account_closed` {"reason", "via", "closed_on"}: closed outside a review or by one.
- `review_started` {"instance_id", "reason"}: an ad-hoc review started by communications.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store import NO_VERSION, Event, Instance, NewEvent, append_events, verify_chain
from engine.usecases import ProjectionDifference

from ._models import Account
from ._people import sync_account_people

# The register fields a change may set, and how each is stored in a payload.
CHANGEABLE = ("account_name", "channel", "handle", "url", "owning_unit", "owning_unit_type",
              "owner_id", "moderators", "purpose")
ACCOUNT_EVENT_KINDS = ("account_added", "account_changed", "account_closed", "review_started")


def account_stream(account_id: int) -> str:
    """The name of an account's stream."""
    return f"account:{account_id}"


def account_events(session: Session, account_id: int) -> list[Event]:
    """An account's events, oldest first."""
    return list(session.scalars(
        select(Event).where(Event.stream == account_stream(account_id))
        .order_by(Event.seq)).all())


def append_account_event(session: Session, account_id: int, event: NewEvent,
                         now: datetime) -> None:
    """Append one event to an account's stream, within the caller's transaction."""
    append_events(session, account_stream(account_id), [event], NO_VERSION, now)


def change_account(session: Session, account: Account, fields: dict[str, Any],
                   actor_id: int | None, reason: str, via: str, now: datetime) -> dict:
    """Set the given register fields, record what changed, and return the changes.

    Fields whose value is already stored are left out; nothing is recorded when nothing changed.
    """
    unknown = set(fields) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not a register field: {sorted(unknown)}")
    changes = {name: [getattr(account, name), value] for name, value in fields.items()
               if getattr(account, name) != value}
    if not changes:
        return {}
    for name, (_, after) in changes.items():
        setattr(account, name, after)
    account.updated_at = now
    sync_account_people(session, account)
    append_account_event(session, account.id, NewEvent(
        "account_changed", {"changes": changes, "reason": reason, "via": via},
        actor_id=actor_id), now)
    return changes


def close_account(session: Session, account: Account, actor_id: int | None, reason: str,
                  via: str, now: datetime) -> None:
    """Mark the account closed in the register and record who closed it and why."""
    account.status, account.closed_on, account.next_review_on = "closed", now.date(), None
    account.updated_at = now
    append_account_event(session, account.id, NewEvent(
        "account_closed", {"reason": reason, "via": via, "closed_on": now.date().isoformat()},
        actor_id=actor_id), now)


def replay_changes(expected: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    """The register fields the record gives: a first state with each recorded change applied."""
    row = dict(expected)
    for event in events:
        if event.kind == "account_added":
            row.update(_stored(event.payload.get("fields", {})))
        elif event.kind == "account_changed":
            for name, pair in event.payload.get("changes", {}).items():
                if name in CHANGEABLE and isinstance(pair, list) and len(pair) == 2:
                    row[name] = pair[1]
    return row


def _stored(fields: dict[str, Any]) -> dict[str, Any]:
    """Payload fields as the row stores them (dates come back from JSON as ISO strings)."""
    row = dict(fields)
    if isinstance(row.get("registered_on"), str):
        row["registered_on"] = date.fromisoformat(row["registered_on"])
    return row


def account_chain_differences(session: Session, instance: Instance) -> list[ProjectionDifference]:
    """Whether the stream of the account a request opened, or a review is of, is intact.

    The register row is replayed from that stream, so an event taken out of its middle or
    altered would change what the row is compared with; the chain shows it.
    """
    account_id = instance.account_id
    if account_id is None:
        account_id = session.scalar(select(Account.id).where(Account.request_id == instance.id))
    if account_id is None:
        return []
    check = verify_chain(session, account_stream(account_id))
    if check.intact:
        return []
    # stored: where the chain breaks; expected: why (a chain code the web words).
    return [ProjectionDifference("events", account_stream(account_id), "chain",
                                 check.broken_at, check.reason)]
