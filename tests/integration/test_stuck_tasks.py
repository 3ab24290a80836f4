"""The stuck tasks query: why each task is stuck, oldest first, admins only, a page of 25."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import STUCK_PAGE_SIZE, NotAllowed
from tests.support.people import APPROVE, PASSWORD, REGISTRATION
from tests.support.walk import do, only_task, request_until_approval


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


def _reasons(engine, admin, **kwargs):
    return {t.id: t.reasons for t in engine.stuck_tasks(admin.id, **kwargs).tasks}


def test_only_admins_may_list_stuck_tasks(engine, org, admin):
    for person in (org.staff, org.manager, org.comms, org.director):
        with pytest.raises(NotAllowed) as refused:
            engine.stuck_tasks(person.id)
        assert refused.value.code == "tasks.admins_only"


def test_an_inactive_assignee_makes_a_task_stuck(engine, org, admin):
    request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    assert _reasons(engine, admin) == {}
    engine.users.update("manager", active=False)
    [row] = engine.stuck_tasks(admin.id).tasks
    assert (row.id, row.reasons) == (approval.id, ("assignee_inactive",))
    assert row.waiting_on.person == "Maja Manager" and row.title == "Approve the account"
    assert row.requester_name == "Sara Staff"


def test_a_role_task_with_no_active_holder_is_stuck(engine, org, admin):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    engine.users.update("comms", active=False)
    assert _reasons(engine, admin) == {}  # Cleo can still do it
    engine.users.update("comms2", active=False)
    [row] = engine.stuck_tasks(admin.id).tasks
    assert row.reasons == ("no_active_holder",)
    assert row.waiting_on.person is None and row.waiting_on.lane


def test_the_requester_is_no_holder_of_their_own_role_task(engine, org, admin):
    engine.users.update("staff", add_roles=("communications",))
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    engine.users.update("comms", active=False)
    engine.users.update("comms2", active=False)
    [row] = engine.stuck_tasks(admin.id).tasks
    assert row.reasons == ("no_active_holder",)


def test_a_task_claimed_by_someone_inactive_is_stuck(engine, org, admin):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    task = only_task(engine, org.comms, "register_account")
    engine.claim_task(org.comms.id, task.id)
    engine.users.update("comms", active=False)
    assert _reasons(engine, admin) == {task.id: ("claimer_inactive",)}


def test_long_waits_oldest_first_and_the_threshold(engine, org, admin, clock):
    request_until_approval(engine, org)
    clock.advance(timedelta(days=2))
    request_until_approval(engine, org)
    first, second = sorted(engine.inbox(org.manager.id), key=lambda t: t.created_at)
    clock.advance(timedelta(days=6))
    assert _reasons(engine, admin) == {first.id: ("waiting_long",)}
    found = engine.stuck_tasks(admin.id, older_days=1)
    assert [t.id for t in found.tasks] == [first.id, second.id]
    assert found.older_days == 1 and found.tasks[0].waited == timedelta(days=8)
    assert engine.stuck_tasks(admin.id, older_days=30).tasks == ()


def test_a_page_holds_25(engine, org, admin, clock):
    for _ in range(STUCK_PAGE_SIZE + 1):
        engine.start_request(org.staff.id)
    clock.advance(timedelta(days=8))
    first = engine.stuck_tasks(admin.id)
    assert (len(first.tasks), first.total, first.pages) == (STUCK_PAGE_SIZE, 26, 2)
    second = engine.stuck_tasks(admin.id, page=2)
    assert len(second.tasks) == 1 and second.page == 2
    assert second.tasks[0].id not in {t.id for t in first.tasks}
    assert engine.stuck_tasks(admin.id, page=99).page == 2


def test_reassigning_takes_the_task_off_the_list(engine, org, admin):
    request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.users.update("manager", active=False)
    engine.reassign_task(admin.id, approval.id, "director", "Maja has left")
    assert _reasons(engine, admin) == {}
    assert only_task(engine, org.director, "manager_approval").id == approval.id
