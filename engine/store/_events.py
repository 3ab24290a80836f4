"""The event log: append-only, one hash chain per stream (an instance, or a process's deploys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.evidence import GENESIS, event_digest

from ._models import Event


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended."""

    kind: str
    payload: dict[str, Any]
    actor_id: int | None = None
    task_id: str | None = None
    task_name: str | None = None


def event_hash(stream: str, seq: int, event: NewEvent, version_hash: str,
               created_at: datetime, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of everything an event says, chained to the previous one."""
    return event_digest(
        stream=stream, seq=seq, kind=event.kind, actor_id=event.actor_id, task_id=event.task_id,
        task_name=event.task_name, payload=event.payload, version_hash=version_hash,
        created_at=created_at.isoformat(), prev=prev_hash)


def append_events(session: Session, stream: str, events: list[NewEvent], version_hash: str,
                  now: datetime, instance_id: str | None = None) -> None:
    """Append events to a stream's chain within the caller's transaction."""
    last = session.execute(
        select(Event.seq, Event.hash).where(Event.stream == stream)
        .order_by(Event.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    for event in events:
        seq += 1
        digest = event_hash(stream, seq, event, version_hash, now, prev)
        session.add(Event(
            stream=stream, seq=seq, kind=event.kind, instance_id=instance_id,
            task_id=event.task_id, task_name=event.task_name, actor_id=event.actor_id,
            payload=event.payload, version_hash=version_hash, created_at=now,
            prev_hash=prev, hash=digest,
        ))
        prev = digest


# Why a chain is broken at an event: each code (none takes parameters).
CHAIN_CODES: dict[str, tuple[str, ...]] = {
    "chain.event_missing": (),  # an event is missing before it
    "chain.not_following": (),  # it does not follow the one before
    "chain.altered": (),  # its content was altered
}


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking one stream's chain."""

    stream: str
    events: int
    intact: bool
    broken_at: int | None = None
    reason: str | None = None  # a code from CHAIN_CODES


def verify_chain(session: Session, stream: str) -> ChainCheck:
    """Recompute every hash of a stream; report the first event that does not match."""
    prev, count = GENESIS, 0
    rows = session.scalars(select(Event).where(Event.stream == stream).order_by(Event.seq))
    for expected_seq, row in enumerate(rows, start=1):
        count += 1
        if row.seq != expected_seq:
            return ChainCheck(stream, count, False, row.seq, "chain.event_missing")
        if row.prev_hash != prev:
            return ChainCheck(stream, count, False, row.seq, "chain.not_following")
        event = NewEvent(row.kind, row.payload, row.actor_id, row.task_id, row.task_name)
        if event_hash(stream, row.seq, event, row.version_hash, row.created_at, prev) != row.hash:
            return ChainCheck(stream, count, False, row.seq, "chain.altered")
        prev = row.hash
    return ChainCheck(stream, count, True)
