"""Moving running requests to a newer version: preview, one, all; replay and record follow."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from engine import Conflict, InvalidInput, NotAllowed, check_case_file
from engine.store import Event, Instance
from tests.integration.test_case_export import verify_offline
from tests.support.people import APPROVE, GUIDELINES, PASSWORD, REGISTER, REGISTRATION
from tests.support.versions import renamed_approval, renamed_goals_field, without_guidelines
from tests.support.walk import do, only_task, request_until_approval
from web.cli import cli

REASON = "The approval step has a clearer title."


@pytest.fixture
def people(engine, org):
    """The organisation with a process owner, an auditor and an admin."""
    users = engine.users
    org.owner = users.create("owner", "Olle Owner", "olle@ki.se", PASSWORD, ["process_owner"])
    org.auditor = users.create("auditor", "Ada Auditor", "ada@ki.se", PASSWORD, ["auditor"])
    org.admin = users.create("admin", "Alma Admin", "alma@ki.se", PASSWORD, ["admin"])
    return org


def deploy(engine, source):
    """Deploy a version as a process owner would; its version id."""
    return engine.catalog.deploy(source).version_id


def events_of(engine, request_id):
    with engine.uow.read() as session:
        return session.scalars(select(Event).where(Event.stream == request_id)
                               .order_by(Event.seq)).all()


def instance_row(engine, request_id):
    with engine.uow.read() as session:
        return session.get(Instance, request_id)


def assert_sound(engine, org, request_id):
    check = engine.check_record(org.auditor.id, request_id)
    assert check.chain.intact, check.chain
    assert check.replay.matches, check.replay.differences
    assert not check.projections, check.projections
    assert check.sound


def test_a_request_waiting_for_approval_moves_and_ends_on_the_new_version(engine, people,
                                                                             clock):
    org = people
    request_id = request_until_approval(engine, org)
    v1 = instance_row(engine, request_id).version_id
    waiting = only_task(engine, org.manager, "manager_approval")
    v2 = deploy(engine, renamed_approval(engine))

    [candidate] = engine.moves.preview(org.owner.id, "social_media_account", v2)
    assert (candidate.instance_id, candidate.from_version_id, candidate.from_number) == (
        request_id, v1, 1)
    assert candidate.can_move and candidate.reasons == ()
    approval = next(m for m in candidate.mapping if m.from_step == "manager_approval")
    assert (approval.from_title, approval.to_step, approval.to_title, approval.state) == (
        "Approve the account", "manager_approval", "Approve the new account", "waiting")

    clock.advance(timedelta(hours=2))
    outcome = engine.moves.move(org.owner.id, request_id, v2, REASON, candidate.lock_version)
    assert outcome.moved

    moved = only_task(engine, org.manager, "manager_approval")
    assert (moved.id, moved.title, moved.created_at) == (
        waiting.id, "Approve the new account", waiting.created_at)
    form = engine.get_task(org.manager.id, moved.id)
    assert "Your decision" in [f.title for f in form.form.fields]
    row = instance_row(engine, request_id)
    assert row.version_id == v2
    event = events_of(engine, request_id)[-1]
    v1_hash, v2_hash = (engine.catalog.get(v).content_hash for v in (v1, v2))
    assert event.kind == "instance_migrated" and event.actor_id == org.owner.id
    assert event.version_hash == v2_hash
    assert event.created_at == clock.now()
    assert {k: event.payload[k] for k in ("from_version_id", "from_hash", "to_version_id",
                                          "to_hash", "reason", "from_number", "to_number")} == {
        "from_version_id": v1, "from_hash": v1_hash, "to_version_id": v2, "to_hash": v2_hash,
        "reason": REASON, "from_number": 1, "to_number": 2}
    assert {"from": "manager_approval", "from_title": "Approve the account",
            "to": "manager_approval", "to_title": "Approve the new account",
            "state": "waiting"} in event.payload["mapping"]
    assert_sound(engine, org, request_id)

    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)
    assert instance_row(engine, request_id).status == "completed"
    assert {e.version_hash for e in events_of(engine, request_id)[event.seq - 1:]} == {v2_hash}
    assert_sound(engine, org, request_id)
    assert engine.replay_request(org.auditor.id, request_id).matches

    document = engine.case_file(request_id)
    assert {v["content_hash"] for v in document["versions"]} == {v1_hash, v2_hash}
    verdict = check_case_file(document)
    assert verdict.chain is None and verdict.versions == ()


def test_history_shows_the_move_and_each_step_on_its_own_version(engine, people):
    org = people
    request_id = request_until_approval(engine, org)
    v2 = deploy(engine, renamed_approval(engine))
    engine.moves.move(org.owner.id, request_id, v2, REASON)
    view = engine.get_request(org.staff.id, request_id)
    move = view.history[-1]
    assert (move.code, move.params) == ("history.migrated", {
        "actor": "Olle Owner", "from": 1, "to": 2, "reason": REASON})
    before = engine.history_step(org.staff.id, request_id, move.seq - 1)
    after = engine.history_step(org.staff.id, request_id, move.seq)
    assert (before.version.number, after.version.number) == (1, 2)
    assert after.version.version_id == v2
    assert before.waiting_steps == after.waiting_steps == ("manager_approval",)


def test_a_request_waiting_at_a_step_the_new_version_removes_cannot_move(engine, people):
    org = people
    request_id = engine.start_request(org.staff.id).instance_id
    before = instance_row(engine, request_id)
    v2 = deploy(engine, without_guidelines(engine))

    [candidate] = engine.moves.preview(org.owner.id, "social_media_account", v2)
    assert not candidate.can_move
    assert [(r.code, r.params) for r in candidate.reasons] == [
        ("move.waiting_step_removed", {"step": "Confirm the social media guidelines"})]
    assert next(m for m in candidate.mapping if m.from_step == "confirm_guidelines").to_step \
        is None
    outcome = engine.moves.move(org.owner.id, request_id, v2, REASON)
    assert not outcome.moved and outcome.reasons == candidate.reasons
    after = instance_row(engine, request_id)
    assert (after.version_id, after.lock_version) == (before.version_id, before.lock_version)
    assert all(e.kind != "instance_migrated" for e in events_of(engine, request_id))


def test_a_second_move_and_further_steps_keep_the_record_sound(engine, people, clock):
    org = people
    request_id = request_until_approval(engine, org)
    v2 = deploy(engine, renamed_approval(engine))
    engine.moves.move(org.owner.id, request_id, v2, REASON)
    clock.advance(timedelta(days=1))
    v3 = deploy(engine, renamed_approval(engine, "Approve it", "Decide"))
    outcome = engine.moves.move(org.owner.id, request_id, v3, "Shorter title")
    assert outcome.moved, outcome
    assert only_task(engine, org.manager, "manager_approval").title == "Approve it"
    assert_sound(engine, org, request_id)
    do(engine, org.manager, "manager_approval", APPROVE)
    assert_sound(engine, org, request_id)
    kinds = [e.kind for e in events_of(engine, request_id)]
    assert kinds.count("instance_migrated") == 2
    assert check_case_file(engine.case_file(request_id)).versions == ()


def test_move_all_moves_those_that_can_and_reports_the_others(engine, people):
    org = people
    at_approval = request_until_approval(engine, org)
    at_start = engine.start_request(org.staff.id).instance_id
    cancelled = engine.start_request(org.staff.id).instance_id
    engine.cancel_request(org.admin.id, cancelled, "Opened by mistake")
    v2 = deploy(engine, renamed_goals_field(engine))

    preview = {c.instance_id: c for c in engine.moves.preview(org.owner.id,
                                                               "social_media_account", v2)}
    assert set(preview) == {at_approval, at_start}  # a cancelled request is not running
    assert [(r.code, r.params) for r in preview[at_approval].reasons] == [
        ("move.answer_missing", {"step": "Describe the account", "field": "account_goals"})]

    report = engine.moves.move_all(org.owner.id, "social_media_account", v2, REASON)
    assert [o.instance_id for o in report.moved] == [at_start]
    assert [(o.instance_id, o.reasons[0].code) for o in report.not_moved] == [
        (at_approval, "move.answer_missing")]
    assert instance_row(engine, at_start).version_id == v2
    assert instance_row(engine, at_approval).version_id != v2
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    assert_sound(engine, org, at_start)
    outcome = engine.moves.move(org.owner.id, cancelled, v2, REASON)
    assert not outcome.moved and outcome.reasons[0].code == "move.not_running"


def test_the_same_move_twice_is_a_conflict_not_a_second_move(engine, people):
    org = people
    request_id = request_until_approval(engine, org)
    v2 = deploy(engine, renamed_approval(engine))
    [candidate] = engine.moves.preview(org.owner.id, "social_media_account", v2)
    engine.moves.move(org.owner.id, request_id, v2, REASON, candidate.lock_version)
    with pytest.raises(Conflict):
        engine.moves.move(org.owner.id, request_id, v2, REASON, candidate.lock_version)
    with pytest.raises(Conflict) as again:
        engine.moves.move(org.owner.id, request_id, v2, REASON)
    assert again.value.code == "move.already_moved"
    assert [e.kind for e in events_of(engine, request_id)].count("instance_migrated") == 1


def test_a_request_that_changed_since_the_preview_is_not_moved(engine, people):
    org = people
    request_id = engine.start_request(org.staff.id).instance_id
    v2 = deploy(engine, renamed_approval(engine))
    [candidate] = engine.moves.preview(org.owner.id, "social_media_account", v2)
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    with pytest.raises(Conflict) as changed:
        engine.moves.move(org.owner.id, request_id, v2, REASON, candidate.lock_version)
    assert changed.value.code == "instance.changed"
    assert instance_row(engine, request_id).version_id == candidate.from_version_id


@pytest.mark.parametrize("who", ["staff", "manager", "auditor", "admin", "comms"])
def test_only_process_owners_preview_or_move(engine, people, who):
    org = people
    request_id = request_until_approval(engine, org)
    v2 = deploy(engine, renamed_approval(engine))
    user = getattr(org, who)
    for attempt in (
        lambda: engine.moves.preview(user.id, "social_media_account", v2),
        lambda: engine.moves.move(user.id, request_id, v2, REASON),
        lambda: engine.moves.move_all(user.id, "social_media_account", v2, REASON),
    ):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "process.owners_only"
    assert instance_row(engine, request_id).version_id != v2


def test_a_move_needs_a_reason_and_a_version_of_the_same_process(engine, people):
    org = people
    request_id = request_until_approval(engine, org)
    v2 = deploy(engine, renamed_approval(engine))
    with pytest.raises(InvalidInput) as no_reason:
        engine.moves.move(org.owner.id, request_id, v2, "   ")
    assert no_reason.value.code == "move.reason_required"
    review_version = engine.catalog.current("account_review")[0]
    with pytest.raises(InvalidInput) as other:
        engine.moves.move(org.owner.id, request_id, review_version, REASON)
    assert other.value.code == "move.other_process"


def test_editing_a_move_or_the_version_id_is_reported(engine, people):
    org = people
    request_id = request_until_approval(engine, org)
    v1 = instance_row(engine, request_id).version_id
    v2 = deploy(engine, renamed_approval(engine))
    engine.moves.move(org.owner.id, request_id, v2, REASON)
    with engine.uow.write() as session:
        session.execute(update(Instance).where(Instance.id == request_id)
                        .values(version_id=v1))
    check = engine.check_record(org.auditor.id, request_id)
    assert not check.sound
    assert ("replay.version", {"stored": v1, "replayed": v2}) in [
        (d.code, d.params) for d in check.replay.differences]

    with engine.uow.write() as session:
        session.execute(update(Instance).where(Instance.id == request_id)
                        .values(version_id=v2))
        moved = session.scalar(select(Event).where(Event.stream == request_id,
                                                   Event.kind == "instance_migrated"))
        moved.payload = {**moved.payload, "from_hash": "0" * 64}
    check = engine.check_record(org.auditor.id, request_id)
    assert not check.chain.intact and check.chain.reason == "chain.altered"
    assert not check.replay.matches
    assert not check_case_file(engine.case_file(request_id)).holds


def test_the_command_line_moves_and_a_case_file_with_a_move_verifies_offline(
        engine, people, anchored, keys, tmp_path):
    org = people
    request_id = request_until_approval(engine, org)
    waiting = engine.start_request(org.staff.id).instance_id
    v2 = deploy(engine, renamed_goals_field(engine))
    runner = CliRunner()
    preview = runner.invoke(cli, ["move", "preview", "social_media_account", "--to", str(v2),
                                  "--as", "owner"], obj=engine)
    assert preview.exit_code == 0, preview.output
    assert f"{waiting}  version 1" in preview.output and "can move" in preview.output
    assert "never gave" in preview.output
    refused = runner.invoke(cli, ["move", "one", request_id, "--to", str(v2), "--reason", "x",
                                  "--as", "owner"], obj=engine)
    assert refused.exit_code == 1 and "was not moved" in refused.output
    moved = runner.invoke(cli, ["move", "all", "social_media_account", "--to", str(v2),
                                "--reason", "New field name", "--as", "owner"], obj=engine)
    assert moved.exit_code == 0 and "Moved 1, not moved 1." in moved.output
    not_owner = runner.invoke(cli, ["move", "all", "social_media_account", "--to", str(v2),
                                    "--reason", "x", "--as", "staff"], obj=engine)
    assert not_owner.exit_code == 1

    anchored.create_checkpoint()
    path = tmp_path / "case.json"
    exported = runner.invoke(cli, ["export", waiting, str(path)], obj=anchored)
    assert exported.exit_code == 0, exported.output
    result = verify_offline(path, "--public-key", str(keys[1]))
    assert result.exit_code == 0, result.output
    assert f"{waiting}: HOLDS" in result.output
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["versions"]) == 2
    del document["versions"][0]  # the version it left: the move names it, so it is missed
    assert not check_case_file(document).holds
