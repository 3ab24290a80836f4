"""Sent-back tasks are flagged: the task ready again after a send-back says so in the inbox."""

from __future__ import annotations

from engine import InboxFilter
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    MODERATION,
    REGISTRATION,
    REJECT,
    SEND_BACK,
)
from tests.support.walk import do, only_task, request_until_approval


def flags(engine, user, name):
    """The sent-back flag of the user's one task of that name."""
    return only_task(engine, user, name).sent_back


def test_a_task_is_not_flagged_on_the_way_forward(engine, org):
    request_until_approval(engine, org)
    assert flags(engine, org.manager, "manager_approval") is False


def test_the_managers_rejection_flags_the_requesters_task_until_it_is_done(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    assert flags(engine, org.staff, "define_account") is True
    do(engine, org.staff, "define_account", ACCOUNT)
    assert flags(engine, org.staff, "plan_moderation") is False  # the next step is not
    do(engine, org.staff, "plan_moderation", MODERATION)
    assert flags(engine, org.manager, "manager_approval") is False


def test_communications_sending_back_flags_the_registration_form(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    assert flags(engine, org.staff, "registration_form") is False
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", SEND_BACK)
    assert flags(engine, org.staff, "registration_form") is True


def test_the_inbox_narrows_to_sent_back_tasks(engine, org):
    request_until_approval(engine, org)
    request_until_approval(engine, org)
    tasks = [t for t in engine.inbox(org.manager.id) if t.task_name == "manager_approval"]
    engine.complete_task(org.manager.id, tasks[0].id, REJECT)
    page = engine.inbox_page(org.staff.id, InboxFilter(show="sent_back"))
    assert [(t.task_name, t.sent_back) for t in page.tasks] == [("define_account", True)]
    everything = engine.inbox_page(org.staff.id, InboxFilter())
    assert everything.total == 1  # the other request waits on the manager, not on staff
