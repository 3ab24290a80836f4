"""Re-executing a request from its event log gives its stored state; altered state shows."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from engine.store import Instance
from tests.support.people import ACCOUNT, KEEP, MODERATION, REJECT
from tests.support.walk import do, register, request_until_approval


def test_a_request_replays_to_its_stored_state_at_every_stage(engine, org, clock):
    request_id = request_until_approval(engine, org)
    assert engine.replay_request(org.comms.id, request_id).matches
    clock.advance(timedelta(hours=5))
    do(engine, org.manager, "manager_approval", REJECT)
    do(engine, org.staff, "define_account", ACCOUNT)
    do(engine, org.staff, "plan_moderation", MODERATION)
    result = engine.replay_request(org.comms.id, request_id)
    assert (result.matches, result.differences) == (True, ())
    assert result.events == 7  # started, six steps completed


def test_a_finished_request_and_its_review_cycle_replay(engine, org, clock):
    request_id = register(engine, org)
    assert engine.replay_request(org.comms.id, request_id).matches
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    do(engine, org.staff, "periodic_review", KEEP)
    with engine.uow.read() as session:
        reviews = session.scalars(select(Instance.id).where(
            Instance.process_id == "account_review")).all()
    for review_id in reviews:
        result = engine.replay_request(org.comms.id, review_id)
        assert result.matches, result.differences


def test_state_altered_behind_the_log_is_found(engine, org):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        state = json.loads(session.scalar(select(Instance.state).where(
            Instance.id == request_id)))
        # SpiffWorkflow keeps each task's changes to the data as a delta.
        altered = [task for task in state["tasks"].values()
                   if "purpose" in task.get("delta", {}).get("updates", {})]
        assert altered
        for task in altered:
            task["delta"]["updates"]["purpose"] = "Something nobody wrote"
        session.execute(update(Instance).where(Instance.id == request_id)
                        .values(state=json.dumps(state)))
    result = engine.replay_request(org.comms.id, request_id)
    assert not result.matches
    assert any(d.code == "replay.data" and d.params["name"] == "purpose"
               and d.params["stored"] == "Something nobody wrote" for d in result.differences)
