"""Process versions stay immutable; the event log is a hash chain that shows any tampering."""

from __future__ import annotations

import itertools
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from engine import InvalidDiagram
from engine.store import GENESIS, Deployment, Event, Instance, ProcessVersion
from tests.support.people import APPROVE, GUIDELINES, KEEP
from tests.support.walk import do, register, request_until_approval


def copy_process(engine, tmp_path, edit):
    """A copy of the request process folder with its diagram edited."""
    target = tmp_path / "social_media_account"
    shutil.copytree(engine.settings.processes_dir / "social_media_account", target)
    diagram = target / "social_media_account.bpmn"
    diagram.write_text(edit(diagram.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def count(engine, model):
    """Rows in a table."""
    with engine.uow.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_deploying_the_same_content_again_changes_nothing(engine):
    before = (count(engine, ProcessVersion), count(engine, Deployment))
    results = engine.deploy_all()
    assert [r.created or r.deployed for r in results] == [False, False]
    assert (count(engine, ProcessVersion), count(engine, Deployment)) == before


def test_new_requests_start_on_the_newest_version_and_running_ones_stay(engine, org, tmp_path):
    old_request = engine.start_request(org.staff.id).instance_id
    renamed = copy_process(engine, tmp_path, lambda xml: xml.replace(
        'name="Describe the account"', 'name="Describe the new account"'))
    deployed = engine.deploy_process(renamed, actor_id=org.director.id)
    assert deployed.created and deployed.deployed
    new_request = engine.start_request(org.staff.id).instance_id

    old_task, new_task = sorted(engine.inbox(org.staff.id),
                                key=lambda t: t.instance_id != old_request)
    engine.complete_task(org.staff.id, old_task.id, GUIDELINES)
    engine.complete_task(org.staff.id, new_task.id, GUIDELINES)
    titles = {t.instance_id: t.title for t in engine.inbox(org.staff.id)}
    assert titles == {old_request: "Describe the account",
                      new_request: "Describe the new account"}
    with engine.uow.read() as session:
        versions = dict(session.execute(select(Instance.id, Instance.version_id)).all())
        deploys = session.scalars(select(Event).where(
            Event.stream == "process:social_media_account").order_by(Event.seq)).all()
    assert versions[old_request] != versions[new_request] == deployed.version_id
    assert [e.actor_id for e in deploys] == [None, org.director.id]


def test_a_refused_deployment_writes_nothing(engine, tmp_path):
    before = (count(engine, ProcessVersion), count(engine, Deployment), count(engine, Event))
    broken = copy_process(engine, tmp_path, lambda xml: xml.replace(
        'manager_decision == "approve"', "__import__('os')"))
    with pytest.raises(InvalidDiagram):
        engine.deploy_process(broken)
    assert (count(engine, ProcessVersion), count(engine, Deployment),
            count(engine, Event)) == before


def test_every_event_is_chained_stamped_by_the_clock_and_names_its_version(engine, org, clock):
    request_id = request_until_approval(engine, org)
    clock.advance(timedelta(hours=3))
    do(engine, org.manager, "manager_approval", APPROVE)
    with engine.uow.read() as session:
        events = session.scalars(select(Event).where(Event.stream == request_id)
                                 .order_by(Event.seq)).all()
        version_hash = session.scalar(select(ProcessVersion.content_hash).join(
            Instance, Instance.version_id == ProcessVersion.id).where(Instance.id == request_id))
    assert [e.kind for e in events] == ["instance_started"] + ["task_completed"] * 4
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert {e.version_hash for e in events} == {version_hash}
    assert events[-1].created_at == clock.now()
    assert events[-1].actor_id == org.manager.id
    assert events[-1].payload["data"] == APPROVE
    assert engine.verify_request(org.comms.id, request_id).intact


def test_altering_a_stored_event_is_detected(engine, org):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        session.execute(update(Event).where(Event.stream == request_id, Event.seq == 3).values(
            payload={"title": "Describe the account", "data": {"purpose": "Something else"}}))
    check = engine.verify_request(org.comms.id, request_id)
    assert (check.intact, check.broken_at, check.reason) == (False, 3, "chain.altered")


def test_deleting_an_event_is_detected(engine, org):
    request_id = request_until_approval(engine, org)
    with engine.uow.write() as session:
        session.execute(Event.__table__.delete().where(Event.stream == request_id,
                                                       Event.seq == 2))
    check = engine.verify_request(org.comms.id, request_id)
    assert (check.intact, check.broken_at) == (False, 3)


def test_review_state_does_not_grow_with_the_cycles(engine, org, clock):
    register(engine, org)
    sizes = []
    for _ in range(4):
        clock.advance(timedelta(days=367))
        engine.fire_due_timers()
        with engine.uow.read() as session:
            sizes.append(session.scalar(select(func.length(Instance.state)).where(
                Instance.process_id == "account_review", Instance.status == "running")))
        do(engine, org.staff, "periodic_review", KEEP)
    assert max(sizes) - min(sizes) < 200, sizes
