"""Right words: "sent back" only to the person something was sent back to; an approval keeps
no rejection reason."""

from __future__ import annotations

from tests.support.people import (
    ACCOUNT,
    APPROVE,
    MODERATION,
    REGISTER,
    REGISTRATION,
    REJECT,
    SEND_BACK,
)
from tests.support.walk import do, only_task, request_until_approval


def note(engine, user, name):
    """What the user's task of that name says sent it back (None: nothing did)."""
    return engine.get_task(user.id, only_task(engine, user, name).id).previous_step


def test_the_managers_reapproval_is_not_told_it_was_sent_back(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    assert note(engine, org.staff, "define_account").title == "Approve the account"
    do(engine, org.staff, "define_account", ACCOUNT)
    assert note(engine, org.staff, "plan_moderation").title == "Approve the account"
    do(engine, org.staff, "plan_moderation", MODERATION)
    assert note(engine, org.manager, "manager_approval") is None


def test_communications_reregistration_is_not_told_it_was_sent_back(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", SEND_BACK)
    assert note(engine, org.staff, "registration_form").title == "Register the account"
    do(engine, org.staff, "registration_form", REGISTRATION)
    assert note(engine, org.comms, "register_account") is None


def test_a_requester_step_after_an_approval_is_not_told_it_was_sent_back(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    do(engine, org.staff, "define_account", ACCOUNT)
    do(engine, org.staff, "plan_moderation", MODERATION)
    do(engine, org.manager, "manager_approval", APPROVE)
    assert note(engine, org.staff, "registration_form") is None
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)


def answers_of(engine, user, request_id, step):
    """The answers a request shows for one step, by field name."""
    view = engine.get_request(user.id, request_id)
    [section] = [s for s in view.answers if s.step == step]
    return {i.name: i.value for i in section.items}


def test_an_approval_with_a_leftover_reason_stores_no_reason(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval",
       {"manager_decision": "approve", "rejection_reason": "Typed, then changed my mind."})
    assert "rejection_reason" not in answers_of(engine, org.manager, request_id,
                                                "manager_approval")


def test_a_rejection_keeps_its_reason(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    shown = answers_of(engine, org.manager, request_id, "manager_approval")
    assert shown["rejection_reason"] == REJECT["rejection_reason"]


def test_questions_left_on_a_registration_are_not_stored(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", {**REGISTER, "questions": "Left over."})
    shown = answers_of(engine, org.comms, request_id, "register_account")
    assert "questions" not in shown and shown["registered_handle"] == "@kineurolab"
