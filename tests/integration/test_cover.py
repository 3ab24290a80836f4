"""Holiday cover: a manager away names a substitute who approves their staff's requests."""

from datetime import date, timedelta

import pytest

from engine.errors import InvalidInput, NotAllowed
from tests.support.people import APPROVE, make_org
from tests.support.walk import do, request_until_approval

DAY = date(2026, 1, 5)  # the test clock's first day (09:00 UTC, Stockholm the same day)


@pytest.fixture
def org(make_engine):
    engine = make_engine(seeded=False)
    return engine, make_org(engine)


def test_substitute_approves_for_the_manager_and_history_says_for(org, clock):
    engine, o = org
    engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY + timedelta(days=2))
    request_id = request_until_approval(engine, o)
    do(engine, o.director, "manager_approval", APPROVE)
    words = [e.code for e in engine.get_request(o.director.id, request_id).history]
    assert "history.task_completed_for" in words


def test_cover_ends_after_its_last_day(org, clock):
    engine, o = org
    engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY)
    request_until_approval(engine, o)
    assert [t for t in engine.inbox(o.director.id) if t.task_name == "manager_approval"]
    clock.advance(timedelta(days=1))
    assert not [t for t in engine.inbox(o.director.id) if t.task_name == "manager_approval"]
    do(engine, o.manager, "manager_approval", APPROVE)


def test_substitute_never_approves_own_request(org):
    engine, o = org
    engine.set_cover(o.director.id, o.director.id, "manager", DAY, DAY + timedelta(days=1))
    request_until_approval(engine, o, requester=o.manager)
    assert not [t for t in engine.inbox(o.manager.id) if t.task_name == "manager_approval"]


def test_refusals(org):
    engine, o = org
    with pytest.raises(NotAllowed):
        engine.set_cover(o.staff.id, o.manager.id, "director", DAY, DAY)
    with pytest.raises(InvalidInput):
        engine.set_cover(o.manager.id, o.manager.id, "manager", DAY, DAY)
    with pytest.raises(InvalidInput):
        engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY - timedelta(days=1))
    with pytest.raises(InvalidInput):
        engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY + timedelta(days=400))
    engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY)
    with pytest.raises(InvalidInput):
        engine.set_cover(o.manager.id, o.manager.id, "comms", DAY, DAY)
    with pytest.raises(InvalidInput):  # no chains: the director covers someone then? away?
        engine.set_cover(o.staff.id, o.staff.id, "manager", DAY, DAY)
