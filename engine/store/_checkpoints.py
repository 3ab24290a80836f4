"""Checkpoints in the database: reading every stream's head, storing signed documents, and
walking every chain once to compare it with a checkpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engine.evidence import CHECKPOINT_FORMAT, GENESIS, canonical, event_digest

from ._models import Checkpoint, Event


def stream_heads(session: Session) -> list[list[Any]]:
    """[stream, last seq, its hash] of every stream, sorted by stream (one query)."""
    last = (select(Event.stream, func.max(Event.seq).label("seq"))
            .group_by(Event.stream).subquery())
    rows = session.execute(select(Event.stream, Event.seq, Event.hash).join(
        last, and_(Event.stream == last.c.stream, Event.seq == last.c.seq)))
    return sorted(([stream, seq, digest] for stream, seq, digest in rows), key=lambda h: h[0])


def count_events(session: Session) -> int:
    """How many events there are in all."""
    return session.scalar(select(func.count()).select_from(Event)) or 0


def save_checkpoint(session: Session, document: dict[str, Any], created_at: datetime) -> int:
    """Store a sealed checkpoint document; returns its id."""
    row = Checkpoint(created_at=created_at, statement=canonical(document["statement"]).decode(),
                     signature=document["signature"], public_key=document["public_key"],
                     heads=document["heads"])
    session.add(row)
    session.flush()
    return row.id


def checkpoint_document(row: Checkpoint) -> dict[str, Any]:
    """A stored checkpoint as the document that is exported and checked."""
    return {"format": CHECKPOINT_FORMAT, "id": row.id, "statement": json.loads(row.statement),
            "signature": row.signature, "public_key": row.public_key, "heads": row.heads}


def latest_checkpoint(session: Session) -> Checkpoint | None:
    """The newest checkpoint, or None."""
    return session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()


def latest_checkpoint_time(session: Session) -> datetime | None:
    """When the newest checkpoint was made, or None."""
    return session.scalar(select(func.max(Checkpoint.created_at)))


def latest_covering(session: Session, stream: str) -> tuple[Checkpoint, int] | None:
    """The newest checkpoint whose heads include the stream, with the index of its head."""
    for row in session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc())):
        for index, head in enumerate(row.heads):
            if head[0] == stream:
                return row, index
    return None


@dataclass
class StreamScan:
    """One stream's chain as it is now: its length, the first break, hashes at asked seqs."""

    events: int = 0
    last_seq: int = 0
    broken: tuple[int, str] | None = None
    hashes: dict[int, str] = field(default_factory=dict)


_COLUMNS = (Event.stream, Event.seq, Event.kind, Event.actor_id, Event.task_id, Event.task_name,
            Event.payload, Event.version_hash, Event.created_at, Event.prev_hash, Event.hash)


def scan_streams(session: Session, wanted: dict[str, int],
                 batch: int = 2000) -> dict[str, StreamScan]:
    """Recompute every chain in one ordered pass; note each stream's hash at its wanted seq.

    Break codes are those of `evidence.chain_problem`: `missing_before`, `not_following`,
    `altered`.
    """
    scans: dict[str, StreamScan] = {}
    current, prev = None, GENESIS
    rows = session.execute(select(*_COLUMNS).order_by(Event.stream, Event.seq)
                           .execution_options(yield_per=batch))
    for row in rows:
        if row.stream != current:
            current, prev = row.stream, GENESIS
            scan = scans[current] = StreamScan()
        scan.events += 1
        scan.last_seq = row.seq
        if wanted.get(current) == row.seq:
            scan.hashes[row.seq] = row.hash
        if scan.broken is not None:
            continue
        if row.seq != scan.events:
            scan.broken = (row.seq, "missing_before")
        elif row.prev_hash != prev:
            scan.broken = (row.seq, "not_following")
        elif event_digest(stream=row.stream, seq=row.seq, kind=row.kind, actor_id=row.actor_id,
                          task_id=row.task_id, task_name=row.task_name, payload=row.payload,
                          version_hash=row.version_hash,
                          created_at=row.created_at.isoformat(), prev=prev) != row.hash:
            scan.broken = (row.seq, "altered")
        prev = row.hash
    return scans
