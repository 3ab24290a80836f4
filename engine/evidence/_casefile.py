"""Checking an exported case file with no database: its chain, its versions, its anchor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._hashing import chain_problem, content_digest
from ._merkle import leaf_hash, root_from_proof
from ._seal import check_seal

CASE_FORMAT = "kontoflode-case/1"


@dataclass(frozen=True)
class CaseFileCheck:
    """What checking a case file found.

    `chain` is None when the chain recomputes, else (seq, code) as `chain_problem` reports it.
    `versions` lists (content hash, code) for each version that fails: `content_altered`,
    `version_missing` (an event names a version the file does not hold).
    `anchor` lists codes for the checkpoint: those of `SealCheck`, `not_anchored` (no
    checkpoint covers it), `event_missing` (the file ends before the covered event),
    `leaf_mismatch` (the covered head is not that event's hash), `proof_mismatch` (the proof
    does not lead to the signed root).
    """

    stream: str
    events: int
    chain: tuple[int, str] | None
    versions: tuple[tuple[str, str], ...]
    anchored_seq: int | None
    anchor: tuple[str, ...]
    key_id: str | None
    key_trusted: bool | None

    @property
    def holds(self) -> bool:
        """Chain, versions and anchor all hold."""
        return self.chain is None and not self.versions and not self.anchor


def check_case_file(document: Any, trusted_public_pem: str | None = None) -> CaseFileCheck:
    """Check a case file as `build_case_file` wrote it; never raises on a malformed one."""
    try:
        if document.get("format") != CASE_FORMAT:
            raise ValueError("not a case file")
        stream = document["request"]["id"]
        events = document["events"]
        if any(e["stream"] != stream for e in events):
            raise ValueError("an event of another stream")
        chain = chain_problem(events)
        versions = _version_problems(document["versions"], events)
        anchored_seq, anchor, signer, trusted = _anchor(document.get("checkpoint"), events,
                                                        stream, trusted_public_pem)
    except (AttributeError, KeyError, TypeError, ValueError):
        return CaseFileCheck(str(_get(document, "request", "id")), 0, (0, "malformed"), (),
                             None, ("malformed",), None, None)
    return CaseFileCheck(stream, len(events), chain, versions, anchored_seq, anchor,
                         signer, trusted)


def _get(document: Any, *keys: str) -> Any:
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def _version_problems(versions: list[dict[str, Any]],
                      events: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    problems = []
    held = set()
    for version in versions:
        digest = content_digest(version["process_id"], version["bpmn_xml"], version["forms"],
                                version["lanes"])
        held.add(version["content_hash"])
        if digest != version["content_hash"]:
            problems.append((version["content_hash"], "content_altered"))
    named = {e["version_hash"] for e in events}
    for event in events:  # a move names the version it left and the one it moved to
        if event["kind"] == "instance_migrated":
            named |= {event["payload"]["from_hash"], event["payload"]["to_hash"]}
    problems += [(h, "version_missing") for h in sorted(named) if h not in held]
    return tuple(problems)


def _anchor(checkpoint: Any, events: list[dict[str, Any]], stream: str,
            trusted_public_pem: str | None):
    if not checkpoint:
        return None, ("not_anchored",), None, None
    seal = check_seal(checkpoint, trusted_public_pem, with_heads=False)
    problems = list(seal.problems)
    leaf_stream, seq, head = checkpoint["leaf"]
    if leaf_stream != stream:
        problems.append("leaf_mismatch")
    elif len(events) < seq:
        problems.append("event_missing")
    elif events[seq - 1]["hash"] != head:
        problems.append("leaf_mismatch")
    root = root_from_proof(leaf_hash(leaf_stream, seq, head), checkpoint["proof"])
    if root != checkpoint["statement"]["root"]:
        problems.append("proof_mismatch")
    return seq, tuple(problems), seal.key_id, seal.key_trusted
