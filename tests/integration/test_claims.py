"""Group tasks are claimed: one communications officer works on a request, the other sees who."""

from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict, InvalidInput, NotAllowed
from tests.support.people import APPROVE, REGISTER, REGISTRATION
from tests.support.walk import do, only_task, request_until_approval

EVERYONE = ("staff", "manager", "comms1", "comms2", "owner", "auditor", "admin")


@pytest.fixture
def people(engine, demo):
    """The demo organisation, by username."""
    return demo


def group_task(engine, people) -> str:
    """Drive a request by staff to the communications officers' register step; its task id."""
    o = _Org(people)
    request_until_approval(engine, o)
    do(engine, people["manager"], "manager_approval", APPROVE)
    do(engine, people["staff"], "registration_form", REGISTRATION)
    return only_task(engine, people["comms1"], "register_account").id


class _Org:
    """The walk helpers' names for the demo people."""

    def __init__(self, people):
        self.staff, self.manager = people["staff"], people["manager"]


def kinds(engine, people, task_id):
    view = engine.get_request(people["admin"].id, engine.get_task(
        people["comms1"].id, task_id).instance_id)
    return [h.code for h in view.history]


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_claim(engine, people, who):
    task_id = group_task(engine, people)
    user = people[who]
    if who in ("comms1", "comms2"):
        engine.claim_task(user.id, task_id)
        engine.claim_task(user.id, task_id)  # a double click: nothing more happens
        view = engine.get_task(user.id, task_id)
        assert view.claimed_by == user.name and view.claimed_by_you
        codes = kinds(engine, people, task_id)
        assert codes.count("history.task_claimed") == 1
    else:  # the requester (four eyes), managers, owners, auditors, admins hold no such lane
        with pytest.raises(NotAllowed):
            engine.claim_task(user.id, task_id)


def test_a_claimed_task_is_refused_to_the_colleague_naming_the_holder(engine, people):
    task_id = group_task(engine, people)
    c1, c2 = people["comms1"], people["comms2"]
    engine.claim_task(c1.id, task_id)
    with pytest.raises(Conflict) as refused:
        engine.claim_task(c2.id, task_id)
    assert refused.value.code == "task.claimed_by_other"
    assert refused.value.params == {"name": c1.name}
    with pytest.raises(Conflict) as completing:
        engine.complete_task(c2.id, task_id, REGISTER)
    assert completing.value.params == {"name": c1.name}
    assert engine.get_task(c2.id, task_id).claimed_by == c1.name  # seen before typing
    engine.complete_task(c1.id, task_id, REGISTER)


def test_completing_an_unclaimed_group_task_is_allowed(engine, people):
    task_id = group_task(engine, people)
    result = engine.complete_task(people["comms2"].id, task_id, REGISTER)
    assert result.status == "completed"


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_release(engine, people, who):
    task_id = group_task(engine, people)
    holder = people["comms1"]
    engine.claim_task(holder.id, task_id)
    if who in ("comms1", "admin"):
        engine.release_task(people[who].id, task_id)
        assert engine.get_task(holder.id, task_id).claimed_by is None
        assert "history.task_released" in kinds(engine, people, task_id)
        engine.claim_task(people["comms2"].id, task_id)  # free for the group again
    else:
        with pytest.raises(NotAllowed):
            engine.release_task(people[who].id, task_id)


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_assign(engine, people, who):
    task_id = group_task(engine, people)
    target = "comms1" if who == "comms2" else "comms2"
    if who in ("comms1", "comms2", "admin"):
        engine.assign_task(people[who].id, task_id, target)
        view = engine.get_task(people[target].id, task_id)
        assert view.claimed_by_you
        assert "history.task_assigned" in kinds(engine, people, task_id)
    else:
        with pytest.raises(NotAllowed):
            engine.assign_task(people[who].id, task_id, target)


def test_assign_goes_only_to_active_holders_of_the_role_never_the_requester(engine, people):
    task_id = group_task(engine, people)
    admin, c1 = people["admin"], people["comms1"]
    for username in ("staff", "manager", "auditor", "nobody"):
        with pytest.raises(InvalidInput) as refused:
            engine.assign_task(admin.id, task_id, username)
        assert refused.value.code == "claim.target_not_in_role"
    with pytest.raises(InvalidInput):  # to oneself: that is a claim
        engine.assign_task(c1.id, task_id, "comms1")
    engine.claim_task(c1.id, task_id)
    with pytest.raises(Conflict):  # a colleague's claim is not taken away by another
        engine.assign_task(people["comms2"].id, task_id, "comms2")
    assert [u for u, _ in engine.task_colleagues(c1.id, task_id)] == ["comms2"]
    assert engine.task_colleagues(people["comms2"].id, task_id) == []
    engine.assign_task(admin.id, task_id, "comms2")  # an admin may move it
    assert engine.get_task(people["comms2"].id, task_id).claimed_by_you



def test_claim_stays_while_the_task_waits_and_goes_with_it(engine, people):
    task_id = group_task(engine, people)
    c1 = people["comms1"]
    engine.claim_task(c1.id, task_id)
    assert [t.claimed_by for t in engine.inbox(c1.id, show="mine")] == [c1.name]
    assert engine.inbox(people["comms2"].id, show="mine") == []
    assert [t.id for t in engine.inbox(people["comms2"].id, show="group")] == [task_id]
    engine.complete_task(c1.id, task_id, REGISTER)
    assert engine.inbox(c1.id, show="mine") == []


def test_two_claiming_at_once_exactly_one_wins(engine, people):
    task_id = group_task(engine, people)
    c1, c2 = people["comms1"], people["comms2"]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def claim(user):
        barrier.wait()
        try:
            engine.claim_task(user.id, task_id)
            outcomes[user.username] = "won"
        except Conflict as error:
            outcomes[user.username] = error.code

    threads = [threading.Thread(target=claim, args=(u,)) for u in (c1, c2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["task.claimed_by_other", "won"] \
        or sorted(outcomes.values()) == ["instance.changed", "won"], outcomes
    view = engine.get_task(c1.id, task_id)
    winner = next(u for u, o in outcomes.items() if o == "won")
    assert view.claimed_by == people[winner].name
    assert kinds(engine, people, task_id).count("history.task_claimed") == 1
