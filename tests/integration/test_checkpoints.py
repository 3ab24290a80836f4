"""Signed checkpoints against an insider with SQL access: every change after one is reported."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, text, update

from engine import CheckpointUnavailable, Engine, NotAllowed, Worker
from engine.evidence import event_digest
from engine.store import Checkpoint, Event, Instance, OutboxMessage, ReadyTask, Timer
from engine.worker import MakeCheckpoints
from tests.integration.conftest import write_keys
from tests.support.people import APPROVE
from tests.support.walk import do, register, request_until_approval
from web.cli import cli


def events_of(engine, stream):
    """A stream's events, oldest first."""
    with engine.uow.read() as session:
        return session.scalars(select(Event).where(Event.stream == stream)
                               .order_by(Event.seq)).all()


def rewrite_and_rehash(engine, stream, seq, payload):
    """What a careful insider does: change one event and recompute every later hash."""
    with engine.uow.write() as session:
        rows = session.scalars(select(Event).where(Event.stream == stream)
                               .order_by(Event.seq)).all()
        prev = rows[seq - 2].hash if seq > 1 else "0" * 64
        for row in rows[seq - 1:]:
            if row.seq == seq:
                row.payload = payload
            row.prev_hash = prev
            row.hash = prev = event_digest(
                stream=row.stream, seq=row.seq, kind=row.kind, actor_id=row.actor_id,
                task_id=row.task_id, task_name=row.task_name, payload=row.payload,
                version_hash=row.version_hash, created_at=row.created_at.isoformat(),
                prev=prev)


def people_streams(engine) -> tuple[int, int]:
    """How many person streams there are, and their events (each person's change log)."""
    with engine.uow.read() as session:
        rows = session.execute(select(Event.stream).where(Event.stream.like("person:%"))).all()
    return len({row.stream for row in rows}), len(rows)


def finding_of(verdict, stream):
    """The one finding about a stream."""
    [finding] = [f for f in verdict.findings if f.stream == stream]
    return finding


def test_an_untouched_log_holds_and_growth_after_the_checkpoint_is_fine(anchored, org):
    request_id = request_until_approval(anchored, org)
    document = anchored.create_checkpoint()
    people, people_events = people_streams(anchored)
    assert people == len(org.__dataclass_fields__)  # each person's change log is a stream
    # two deploy streams, the request and the people
    assert document["statement"]["streams"] == 3 + people
    assert document["statement"]["events"] == 2 + 4 + people_events
    verdict = anchored.anchoring.verify()
    assert verdict.holds and (verdict.covered, verdict.intact, verdict.grown) == (
        3 + people, 3 + people, 0)

    new_request = anchored.start_request(org.outsider.id).instance_id
    do(anchored, org.manager, "manager_approval", APPROVE)
    verdict = anchored.anchoring.verify()
    assert verdict.holds, verdict
    assert (verdict.intact, verdict.grown, verdict.new_streams) == (2 + people, 1, 1)
    assert request_id in {h[0] for h in document["heads"]}
    assert new_request not in {h[0] for h in document["heads"]}


def test_a_rewritten_and_rehashed_chain_is_caught_by_the_checkpoint(anchored, org):
    request_id = request_until_approval(anchored, org)
    anchored.create_checkpoint()
    covered = events_of(anchored, request_id)[-1]
    rewrite_and_rehash(anchored, request_id, 3,
                       {"title": "Describe the account", "data": {"purpose": "Else"}})

    assert anchored.auditing.verify(request_id).intact, "the chain alone is fooled"
    verdict = anchored.anchoring.verify()
    assert not verdict.holds
    finding = finding_of(verdict, request_id)
    assert (finding.status, finding.covered_seq, finding.broken) == ("rewritten", 4, None)
    assert finding.covered_hash == covered.hash != finding.now_hash
    assert len(verdict.findings) == 1 and verdict.intact == 2 + people_streams(anchored)[0]


def test_an_edit_without_rehashing_is_a_broken_chain(anchored, org):
    request_id = request_until_approval(anchored, org)
    anchored.create_checkpoint()
    with anchored.uow.write() as session:
        session.execute(update(Event).where(Event.stream == request_id, Event.seq == 2)
                        .values(payload={"data": {}}))
    finding = finding_of(anchored.anchoring.verify(), request_id)
    assert (finding.status, finding.broken) == ("broken", (2, "altered"))


def test_removing_the_last_event_of_a_finished_request_is_caught(anchored, org):
    request_id = register(anchored, org)
    anchored.create_checkpoint()
    last = events_of(anchored, request_id)[-1]
    with anchored.uow.write() as session:
        session.execute(delete(Event).where(Event.id == last.id))
    assert anchored.auditing.verify(request_id).intact, "a shorter chain still recomputes"
    finding = finding_of(anchored.anchoring.verify(), request_id)
    assert (finding.status, finding.covered_seq, finding.now_seq) == (
        "truncated", last.seq, last.seq - 1)


def test_deleting_a_whole_request_is_caught(anchored, org):
    request_id = request_until_approval(anchored, org)
    anchored.create_checkpoint()
    with anchored.uow.write() as session:
        for model in (ReadyTask, Timer, OutboxMessage):
            session.execute(delete(model).where(model.instance_id == request_id))
        session.execute(delete(Event).where(Event.stream == request_id))
        session.execute(delete(Instance).where(Instance.id == request_id))
    verdict = anchored.anchoring.verify()
    finding = finding_of(verdict, request_id)
    assert (finding.status, finding.covered_seq, finding.now_seq) == ("missing", 4, 0)
    assert not verdict.holds and verdict.intact == 2 + people_streams(anchored)[0]


def test_an_emptied_events_table_is_reported_stream_by_stream(anchored, org):
    request_until_approval(anchored, org)
    anchored.create_checkpoint()
    people = people_streams(anchored)[0]
    with anchored.uow.write() as session:
        session.execute(delete(Event))
    verdict = anchored.anchoring.verify()
    assert verdict.events_now == 0 and verdict.error is None
    assert {f.status for f in verdict.findings} == {"missing"}
    assert len(verdict.findings) == verdict.covered == 3 + people


def test_a_dropped_events_table_gives_a_verdict_not_a_traceback(anchored, org):
    request_until_approval(anchored, org)
    anchored.create_checkpoint()
    people = people_streams(anchored)[0]
    with anchored.db.begin() as connection:
        connection.execute(text("DROP TABLE events"))
    verdict = anchored.anchoring.verify()
    assert (verdict.error, verdict.covered, verdict.holds) == (
        "events_unreadable", 3 + people, False)
    result = CliRunner().invoke(cli, ["checkpoint", "verify"], obj=anchored)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the events table cannot be read" in result.output


def test_a_checkpoint_signed_with_another_key_is_refused(anchored, org, tmp_path):
    request_until_approval(anchored, org)
    forger_key, _forger_public = write_keys(tmp_path, "forger.pem")
    forger = Engine(replace(anchored.settings, checkpoint_key=forger_key), clock=anchored.clock)
    try:
        forged = forger.create_checkpoint()
    finally:
        forger.dispose()
    verdict = anchored.anchoring.verify(forged)
    assert verdict.seal.problems == ("key_not_trusted",) and not verdict.holds
    assert verdict.findings == (), "the heads themselves match: only the key gives it away"


def test_a_stored_checkpoint_edited_in_place_is_refused(anchored, org):
    request_id = request_until_approval(anchored, org)
    document = anchored.create_checkpoint()
    rewrite_and_rehash(anchored, request_id, 2, {"data": {}})
    new_head = events_of(anchored, request_id)[-1].hash
    heads = [[s, q, new_head if s == request_id else h] for s, q, h in document["heads"]]
    with anchored.uow.write() as session:  # the insider updates the anchor too
        session.execute(update(Checkpoint).where(Checkpoint.id == document["id"])
                        .values(heads=heads))
    verdict = anchored.anchoring.verify()
    assert verdict.seal.problems == ("root_mismatch",) and not verdict.holds
    assert anchored.anchoring.verify(document).findings[0].status == "rewritten", \
        "the exported copy still shows what was changed"


def test_only_auditors_check_against_a_checkpoint(anchored, org):
    with pytest.raises(NotAllowed):
        anchored.verify_checkpoint(org.staff.id)
    assert anchored.verify_checkpoint(
        anchored.users.create("audrey", "Audrey Auditor", "a@ki.se", "x" * 12, ["auditor"]).id
    ).error == "no_checkpoint"


def test_no_key_no_checkpoint(engine):
    with pytest.raises(CheckpointUnavailable) as refused:
        engine.create_checkpoint()
    assert refused.value.code == "checkpoint.no_key"


def test_the_worker_makes_a_checkpoint_when_the_last_is_too_old(anchored, engine, clock):
    assert "checkpoints" not in {j.name for j in Worker(engine).jobs}, "no key: no job"
    worker = Worker(anchored)
    assert [j.name for j in worker.jobs] == ["reminders", "timers", "outbox", "digests",
                                           "checkpoints"]
    first = worker.run_once()["checkpoints"]
    assert first is not None and first["id"] == 1
    clock.advance(timedelta(minutes=59))
    assert worker.run_once()["checkpoints"] == {}
    clock.advance(timedelta(minutes=2))
    assert worker.run_once()["checkpoints"]["id"] == 2
    assert MakeCheckpoints(anchored, interval=0)()["id"] == 3


def test_worker_once_reports_a_checkpoint_and_a_key_it_cannot_read(anchored, keys):
    result = CliRunner().invoke(cli, ["worker", "--once"], obj=anchored)
    assert result.exit_code == 0, result.output
    assert "checkpoints: made checkpoint 1" in result.output
    keys[0].write_text("not a key", encoding="ascii")
    result = CliRunner().invoke(cli, ["worker", "--once"], obj=anchored)
    assert result.exit_code == 1
    assert "checkpoints: making one failed (see the log)" in result.output


def test_the_command_line_makes_exports_and_checks_checkpoints(anchored, org, keys, tmp_path):
    def run(*args):
        return CliRunner().invoke(cli, list(args), obj=anchored)

    request_id = request_until_approval(anchored, org)
    made = run("checkpoint", "create", "--out", str(tmp_path / "made.json"))
    assert made.exit_code == 0, made.output
    people, people_events = people_streams(anchored)
    assert f"Checkpoint 1: {3 + people} streams, {6 + people_events} events" in made.output
    exported = run("checkpoint", "export", "1", str(tmp_path / "one.json"))
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "one.json").read_text()) == json.loads(
        (tmp_path / "made.json").read_text())
    held = run("checkpoint", "verify", str(tmp_path / "one.json"))
    assert held.exit_code == 0 and "HOLDS" in held.output and "trusted one" in held.output

    with anchored.uow.write() as session:
        session.execute(delete(Checkpoint))  # hiding the anchor does not help
        session.execute(delete(Event).where(Event.stream == request_id, Event.seq == 4))
    assert run("checkpoint", "verify").output.startswith("No checkpoint has been made yet")
    caught = run("checkpoint", "verify", str(tmp_path / "one.json"),
                 "--public-key", str(keys[1]))
    assert caught.exit_code == 1
    assert f"{request_id}: TAIL REMOVED: it ends at seq 3" in caught.output


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path):
    path = tmp_path / "key.pem"
    result = CliRunner().invoke(cli, ["checkpoint", "keygen", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "key.pem.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    again = CliRunner().invoke(cli, ["checkpoint", "keygen", str(path)])
    assert again.exit_code == 1 and "refusing to overwrite" in again.output
