"""Anchoring the event log: signed checkpoints over every stream's head, checking the database
against one, and a request's case file that can be checked without the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import CheckpointUnavailable, NotAllowed, NotFound
from engine.evidence import (
    CASE_FORMAT,
    SealCheck,
    check_seal,
    leaf_hash,
    merkle_proof,
    public_pem_of,
    seal_heads,
)
from engine.store import (
    Checkpoint,
    Event,
    Instance,
    ProcessVersion,
    checkpoint_document,
    latest_checkpoint,
    latest_checkpoint_time,
    latest_covering,
    save_checkpoint,
    scan_streams,
    stream_heads,
)

from ._access import AUDIT_ROLES
from ._directory import load_user

# What a covered stream can be found to be; the first two mean it holds.
INTACT, GROWN = "intact", "grown"
REWRITTEN, TRUNCATED, MISSING, BROKEN = "rewritten", "truncated", "missing", "broken"


@dataclass(frozen=True)
class StreamFinding:
    """One stream that differs from a checkpoint (status codes: rewritten, truncated, missing,
    broken), with the covered head and what the database holds now."""

    stream: str
    status: str
    covered_seq: int
    covered_hash: str
    now_seq: int
    now_hash: str | None  # the hash stored now at the covered seq, if that event exists
    broken: tuple[int, str] | None  # the first event where the chain breaks, and its code


@dataclass(frozen=True)
class CheckpointVerdict:
    """The database checked against one checkpoint.

    `error` is a code when nothing could be compared: `no_checkpoint`, `checkpoints_unreadable`,
    `events_unreadable` (with `detail`). Otherwise `seal` tells whether the checkpoint is
    signed by the trusted key and `findings` lists each stream that differs.
    """

    checkpoint_id: int | None
    created_at: str | None
    seal: SealCheck | None
    covered: int = 0
    intact: int = 0
    grown: int = 0
    findings: tuple[StreamFinding, ...] = ()
    new_streams: int = 0
    events_now: int = 0
    error: str | None = None
    detail: str = ""

    @property
    def holds(self) -> bool:
        """Signed by the trusted key, and every covered stream still ends as it did."""
        return (self.error is None and self.seal is not None and self.seal.holds
                and bool(self.seal.key_trusted) and not self.findings)


class Anchoring:
    """Making checkpoints, checking the log against them, and exporting case files."""

    def __init__(self, uow, clock, settings):
        self.uow = uow
        self.clock = clock
        self.settings = settings

    def private_key(self) -> bytes:
        """The configured private key in PEM; CheckpointUnavailable if none or unreadable."""
        path = self.settings.checkpoint_key
        if path is None:
            raise CheckpointUnavailable("checkpoint.no_key")
        try:
            pem = path.read_bytes()
            public_pem_of(pem)
        except (OSError, ValueError, TypeError) as error:
            raise CheckpointUnavailable("checkpoint.key_unusable", path=str(path),
                                        detail=str(error)) from None
        return pem

    def trusted_public_key(self) -> str | None:
        """The public key checkpoints must be signed with: configured, or the private key's."""
        path = self.settings.checkpoint_public_key
        if path is not None:
            try:
                return path.read_text(encoding="ascii")
            except (OSError, ValueError) as error:
                raise CheckpointUnavailable("checkpoint.public_key_unreadable", path=str(path),
                                            detail=str(error)) from None
        if self.settings.checkpoint_key is not None:
            return public_pem_of(self.private_key())
        return None

    def create(self) -> dict[str, Any]:
        """Sign every stream's head now and store it; the checkpoint document, with its id."""
        private = self.private_key()
        now = self.clock.now()
        with self.uow.write() as session:
            heads = stream_heads(session)
            # Seqs run from 1 without gaps, so the heads also count every event.
            document = seal_heads(heads, sum(h[1] for h in heads), now.isoformat(), private,
                                  public_pem_of(private))
            return {**document, "id": save_checkpoint(session, document, now)}

    def create_if_due(self, interval_seconds: float) -> dict[str, Any] | None:
        """Make a checkpoint when the newest is older than the interval (or there is none)."""
        self.private_key()
        with self.uow.read() as session:
            last = latest_checkpoint_time(session)
        if last is not None and self.clock.now() - last < timedelta(seconds=interval_seconds):
            return None
        return self.create()

    def document(self, checkpoint_id: int | None = None) -> dict[str, Any]:
        """A stored checkpoint (the newest by default) as its exportable document."""
        with self.uow.read() as session:
            row = (latest_checkpoint(session) if checkpoint_id is None
                   else session.get(Checkpoint, checkpoint_id))
            if row is None and checkpoint_id is None:
                raise NotFound("checkpoint.none_yet")
            if row is None:
                raise NotFound("checkpoint.not_found")
            return checkpoint_document(row)

    def verify_for(self, user_id: int, document: dict[str, Any] | None = None
                   ) -> CheckpointVerdict:
        """For auditors: check the log against a checkpoint (the newest stored by default)."""
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & AUDIT_ROLES:
                raise NotAllowed("record.auditors_only")
        return self.verify(document)

    def verify(self, document: dict[str, Any] | None = None,
               trusted_public_pem: str | None = None) -> CheckpointVerdict:
        """Check the database against a checkpoint document (the newest stored by default)."""
        trusted = trusted_public_pem or self.trusted_public_key()
        if document is None:
            try:
                document = self.document()
            except NotFound:
                return CheckpointVerdict(None, None, None, error="no_checkpoint")
            except SQLAlchemyError as error:
                return CheckpointVerdict(None, None, None, error="checkpoints_unreadable",
                                         detail=_first_line(error))
        seal = check_seal(document, trusted)
        if "malformed" in seal.problems:
            return CheckpointVerdict(None, None, seal)
        statement = document["statement"]
        heads = document["heads"]
        wanted = {stream: seq for stream, seq, _hash in heads}
        try:
            with self.uow.read() as session:
                scans = scan_streams(session, wanted)
        except SQLAlchemyError as error:
            return CheckpointVerdict(document.get("id"), statement.get("created_at"), seal,
                                     covered=len(heads), error="events_unreadable",
                                     detail=_first_line(error))
        findings, counts = [], {INTACT: 0, GROWN: 0}
        for stream, seq, head in heads:
            finding = _finding(stream, seq, head, scans.get(stream))
            if finding.status in counts:
                counts[finding.status] += 1
            else:
                findings.append(finding)
        new = [s for s in scans if s not in wanted]
        findings += [StreamFinding(s, BROKEN, 0, "", scans[s].last_seq, None, scans[s].broken)
                     for s in new if scans[s].broken]
        return CheckpointVerdict(
            document.get("id"), statement.get("created_at"), seal, covered=len(heads),
            intact=counts[INTACT], grown=counts[GROWN], findings=tuple(findings),
            new_streams=len(new), events_now=sum(s.events for s in scans.values()))

    def case_file_for(self, user_id: int, instance_id: str) -> dict[str, Any]:
        """For auditors: a request's case file (NotFound for an unknown request)."""
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & AUDIT_ROLES:
                raise NotAllowed("record.auditors_only")
            if session.get(Instance, instance_id) is None:
                raise NotFound("request.not_found")
        return self.case_file(instance_id)

    def case_file(self, instance_id: str) -> dict[str, Any]:
        """A request's record in one document: events, versions, and the newest checkpoint
        covering it with the Merkle proof of its head."""
        with self.uow.read() as session:
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound("instance.not_found")
            events = session.scalars(select(Event).where(Event.stream == instance_id)
                                     .order_by(Event.seq)).all()
            hashes = {e.version_hash for e in events}
            versions = session.scalars(select(ProcessVersion).where(
                (ProcessVersion.content_hash.in_(hashes))
                | (ProcessVersion.id == instance.version_id)).order_by(ProcessVersion.id)).all()
            covering = latest_covering(session, instance_id)
            checkpoint = _proof_of(*covering) if covering else None
            return {
                "format": CASE_FORMAT,
                "request": {"id": instance.id, "process_id": instance.process_id,
                            "title": instance.title.as_data(),
                            "status": instance.status,
                            "created_at": instance.created_at.isoformat(),
                            "completed_at": (instance.completed_at.isoformat()
                                             if instance.completed_at else None)},
                "events": [_event_record(e) for e in events],
                "versions": [{"process_id": v.process_id, "content_hash": v.content_hash,
                              "bpmn_xml": v.bpmn_xml, "forms": v.forms, "lanes": v.lanes,
                              "created_at": v.created_at.isoformat()} for v in versions],
                "checkpoint": checkpoint,
            }


def _finding(stream: str, seq: int, head: str, scan) -> StreamFinding:
    if scan is None:
        return StreamFinding(stream, MISSING, seq, head, 0, None, None)
    now_hash = scan.hashes.get(seq)
    if scan.last_seq < seq:
        status = TRUNCATED
    elif now_hash != head:
        status = REWRITTEN
    elif scan.broken is not None:
        status = BROKEN
    else:
        status = GROWN if scan.last_seq > seq else INTACT
    return StreamFinding(stream, status, seq, head, scan.last_seq, now_hash, scan.broken)


def _proof_of(row: Checkpoint, index: int) -> dict[str, Any]:
    document = checkpoint_document(row)
    leaves = [leaf_hash(*head) for head in document.pop("heads")]
    return {**document, "leaf": row.heads[index], "index": index,
            "proof": merkle_proof(leaves, index)}


def _event_record(event: Event) -> dict[str, Any]:
    return {"id": event.id, "stream": event.stream, "seq": event.seq, "kind": event.kind,
            "instance_id": event.instance_id, "task_id": event.task_id,
            "task_name": event.task_name, "actor_id": event.actor_id, "payload": event.payload,
            "version_hash": event.version_hash, "created_at": event.created_at.isoformat(),
            "prev_hash": event.prev_hash, "hash": event.hash}


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
