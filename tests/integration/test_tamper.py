"""An insider with SQL access edits the database; the engine notices and refuses to be misled."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from engine import Conflict, Engine, NotAllowed, Settings, VersionAltered
from tests.integration.test_procedure import request_until_approval
from tests.support.people import APPROVE


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
