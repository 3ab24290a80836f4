"""The canonical hashes of the record: an event in its chain, and a process version's content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes of a value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def event_digest(*, stream: str, seq: int, kind: str, actor_id: int | None,
                 task_id: str | None, task_name: str | None, payload: Any,
                 version_hash: str, created_at: str, prev: str) -> str:
    """SHA-256 over the canonical JSON of everything an event says, chained to the previous one."""
    return hashlib.sha256(canonical({
        "stream": stream, "seq": seq, "kind": kind, "actor_id": actor_id,
        "task_id": task_id, "task_name": task_name, "payload": payload,
        "version_hash": version_hash, "created_at": created_at, "prev": prev,
    })).hexdigest()


def content_digest(process_id: str, bpmn_xml: str, forms: Any, lanes: Any) -> str:
    """SHA-256 of diagram, forms and lanes in a canonical form: a process version's identity."""
    return hashlib.sha256(canonical({"process_id": process_id, "bpmn": bpmn_xml,
                                     "forms": forms, "lanes": lanes})).hexdigest()


def chain_problem(events: list[dict[str, Any]]) -> tuple[int, str] | None:
    """The first event (seq, code) that breaks a chain of exported events, or None if it holds.

    Codes: `missing_before` (a gap in seq), `not_following` (prev_hash is not the hash before),
    `altered` (the stored hash is not the hash of the event's content).
    """
    prev = GENESIS
    for expected, event in enumerate(events, start=1):
        if event["seq"] != expected:
            return event["seq"], "missing_before"
        if event["prev_hash"] != prev:
            return event["seq"], "not_following"
        digest = event_digest(
            stream=event["stream"], seq=event["seq"], kind=event["kind"],
            actor_id=event["actor_id"], task_id=event["task_id"], task_name=event["task_name"],
            payload=event["payload"], version_hash=event["version_hash"],
            created_at=event["created_at"], prev=prev)
        if digest != event["hash"]:
            return event["seq"], "altered"
        prev = event["hash"]
    return None
