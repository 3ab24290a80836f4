"""An insider with SQL access edits the database; the engine notices and refuses to be misled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from engine import Conflict, Engine, NotAllowed, Settings, VersionAltered
from tests.support.people import APPROVE, PASSWORD
from tests.support.walk import register, request_until_approval


def fresh_engine_on(database_url, clock) -> Engine:
    """Another engine on the same database, with nothing cached (as after a restart)."""
    return Engine(Settings.from_env({}, database_url=database_url), clock=clock)


def test_a_lane_rule_edited_in_the_database_is_refused_not_run(engine, org, database_url,
                                                                   clock):
    request_until_approval(engine, org)
    with engine.uow.write() as session:
        row = session.execute(text(
            "SELECT id, lanes FROM process_versions WHERE process_id = 'social_media_account'"
        )).one()
        lanes = row.lanes if isinstance(row.lanes, dict) else json.loads(row.lanes)
        # Make the manager's lane the requester's: she could then approve her own request.
        lanes["lane_manager"] = {"rule": "initiator"}
        session.execute(text("UPDATE process_versions SET lanes = :lanes WHERE id = :id"),
                        {"lanes": json.dumps(lanes), "id": row.id})
    restarted = fresh_engine_on(database_url, clock)
    try:
        with pytest.raises(VersionAltered) as refused:
            restarted.start_request(org.staff.id)
        assert refused.value.version_id == row.id
        assert refused.value.process_id == "social_media_account"
    finally:
        restarted.dispose()


def test_a_diagram_edited_in_the_database_is_refused(engine, org, database_url, clock):
    request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    with engine.uow.write() as session:
        session.execute(text(
            "UPDATE process_versions SET bpmn_xml = replace(bpmn_xml, 'Approve the account', "
            "'Approve') WHERE process_id = 'social_media_account'"))
    restarted = fresh_engine_on(database_url, clock)
    try:
        with pytest.raises(VersionAltered):
            restarted.get_task(org.manager.id, task.id)
    finally:
        restarted.dispose()


def test_an_inbox_row_reassigned_to_the_requester_gives_her_nothing(engine, org):
    request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    with engine.uow.write() as session:
        session.execute(text("UPDATE ready_tasks SET assignee_id = :staff, task_name = "
                             "'plan_moderation' WHERE id = :id"),
                        {"staff": org.staff.id, "id": task.id})
    assert task.id in {t.id for t in engine.inbox(org.staff.id)}  # the projection is wrong
    with pytest.raises(NotAllowed):
        engine.complete_task(org.staff.id, task.id, APPROVE)
    with pytest.raises(NotAllowed):
        engine.get_task(org.staff.id, task.id)
    # The manager, whom the version's lane rule names, still decides.
    assert engine.get_task(org.manager.id, task.id).task_name == "manager_approval"
    engine.complete_task(org.manager.id, task.id, APPROVE)


def test_an_inbox_row_for_a_task_the_state_does_not_hold_is_refused(engine, org):
    request_id = request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    with engine.uow.write() as session:
        session.execute(text(
            "INSERT INTO ready_tasks (id, instance_id, task_name, task_title, lane, lane_name, "
            "assignee_id, role, requester_id, request_title, created_at) SELECT "
            "'00000000-0000-4000-8000-000000000000', instance_id, task_name, task_title, lane, "
            "lane_name, assignee_id, role, requester_id, request_title, created_at "
            "FROM ready_tasks WHERE id = :id"), {"id": task.id})
    with pytest.raises(Conflict):
        engine.complete_task(org.manager.id, "00000000-0000-4000-8000-000000000000", APPROVE)
    assert engine.get_request(org.manager.id, request_id).status == "running"


def record(engine, org, request_id):
    """An auditor's check of one request."""
    auditor = next((u for u in engine.users.everyone() if u.username == "auditor"), None)
    if auditor is None:
        auditor = engine.users.create("auditor", "Ada Auditor", "ada@ki.se", PASSWORD,
                                      ["auditor"])
    return engine.check_record(auditor.id, request_id)


def differing(check) -> set[tuple[str, str]]:
    """(table, field) of every projected row that differs from the record."""
    return {(d.table, d.field) for d in check.projections}


def test_an_untouched_record_is_sound(engine, org, clock):
    request_id = register(engine, org)
    clock.advance(timedelta(days=400))
    engine.fire_due_timers()
    assert record(engine, org, request_id).sound
    with engine.uow.read() as session:
        review_id = session.scalar(text(
            "SELECT id FROM instances WHERE process_id = 'account_review'"))
    assert record(engine, org, review_id).sound


@pytest.mark.parametrize(("sql", "expected"), [
    ("UPDATE instances SET status = 'completed' WHERE id = :id", {("instances", "status")}),
    ("UPDATE ready_tasks SET assignee_id = (SELECT started_by FROM instances WHERE id = :id) "
     "WHERE instance_id = :id", {("ready_tasks", "assignee_id")}),
    ("DELETE FROM ready_tasks WHERE instance_id = :id", {("ready_tasks", "row")}),
    ("UPDATE ready_tasks SET role = 'communications' WHERE instance_id = :id",
     {("ready_tasks", "role")}),
])
def test_an_edited_projection_is_reported(engine, org, sql, expected):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        session.execute(text(sql), {"id": request_id})
    check = record(engine, org, request_id)
    assert not check.sound
    assert differing(check) == expected
    assert check.chain.intact and check.replay.matches  # the log itself is untouched


def test_a_deleted_timer_row_is_reported(engine, org, clock):
    register(engine, org)
    with engine.uow.write() as session:
        review_id = session.scalar(text(
            "SELECT id FROM instances WHERE process_id = 'account_review'"))
        session.execute(text("DELETE FROM timers WHERE instance_id = :id"), {"id": review_id})
    assert differing(record(engine, org, review_id)) == {("timers", "due_at")}


REGISTER_EDITS = {
    "handle": "UPDATE accounts SET handle = :v",
    "owner_id": "UPDATE accounts SET owner_id = :v",
    "account_name": "UPDATE accounts SET account_name = :v",
}


@pytest.mark.parametrize(("column", "value"), [
    ("handle", "@someone_else"), ("owner_id", None), ("account_name", "Renamed"),
])
def test_an_edited_register_row_is_reported(engine, org, column, value):
    request_id = register(engine, org)
    value = org.outsider.id if value is None else value
    with engine.uow.write() as session:
        session.execute(text(REGISTER_EDITS[column]), {"v": value})
    check = record(engine, org, request_id)
    assert differing(check) == {("accounts", column)}
    [difference] = check.projections
    assert difference.stored == value


def test_an_altered_version_is_the_verdict_not_a_crash(engine, org):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        session.execute(text("UPDATE process_versions SET lanes = :lanes WHERE process_id = "
                             "'social_media_account'"),
                        {"lanes": json.dumps({"lane_manager": {"rule": "initiator"}})})
    check = record(engine, org, request_id)
    assert not check.sound
    assert check.version_altered.process_id == "social_media_account"


def test_an_emptied_log_is_a_verdict_not_a_crash(engine, org):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        session.execute(text("DELETE FROM events"))
    check = record(engine, org, request_id)
    assert not check.sound and not check.replay.matches
    assert check.replay.events == 0


CHAIN_EDITS = {
    # what an insider does to the log of one request -> (the event the check stops at, why)
    "content": ("UPDATE events SET payload = :payload WHERE stream = :id AND seq = 3",
                3, "chain.altered"),
    "timestamp": ("UPDATE events SET created_at = :when WHERE stream = :id AND seq = 2",
                  2, "chain.altered"),
    "actor": ("UPDATE events SET actor_id = :actor WHERE stream = :id AND seq = 2",
              2, "chain.altered"),
    "middle deleted": ("DELETE FROM events WHERE stream = :id AND seq = 2", 3,
                       "chain.event_missing"),
    "reordered": ("UPDATE events SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END "
                  "WHERE stream = :id AND seq IN (2, 3)", 2, "chain.not_following"),
}


@pytest.mark.parametrize("edit", sorted(CHAIN_EDITS))
def test_an_edited_log_is_reported_where_it_breaks(engine, org, edit):
    request_id = request_until_approval(engine, org)
    sql, broken_at, reason = CHAIN_EDITS[edit]
    with engine.uow.write() as session:
        if edit == "reordered":  # the unique (stream, seq) pair needs a detour on both databases
            session.execute(text("UPDATE events SET seq = -seq WHERE stream = :id AND seq IN "
                                 "(2, 3)"), {"id": request_id})
            sql = ("UPDATE events SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END "
                   "WHERE stream = :id AND seq IN (-2, -3)")
        session.execute(text(sql), {"id": request_id, "actor": org.outsider.id,
                                    "payload": json.dumps({"data": {"read_guidelines": False}}),
                                    "when": datetime(2026, 1, 1, tzinfo=UTC)})
    check = record(engine, org, request_id)
    assert not check.sound
    assert (check.chain.intact, check.chain.broken_at, check.chain.reason) == (
        False, broken_at, reason)
