"""The whole procedure driven through the engine's services, as the people involved would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import EngineError, InvalidForm, InvalidInput, NotAllowed, Title, WaitingOn
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    CLOSE,
    GUIDELINES,
    KEEP,
    MODERATION,
    REGISTER,
    REGISTRATION,
    REJECT,
    SEND_BACK,
)
from tests.support.walk import do, only_task, register, request_until_approval


def a_year_after(day):
    """The same calendar day a year later (12 calendar months, as the timer counts)."""
    return day.replace(year=day.year + 1)


def test_happy_path_ends_with_the_account_in_the_register(engine, org):
    request_id = register(engine, org)

    request = engine.get_request(org.staff.id, request_id)
    assert request.status == "completed"
    assert request.title == Title("account_request", {"account_name": "KI Neuro Lab",
                                                      "channel": "Instagram"})
    [account] = engine.accounts(org.comms.id)
    assert (account.channel, account.handle, account.status) == (
        "Instagram", "@kineurolab", "active")
    assert account.owner_name == "Sara Staff"
    assert account.approved_by == "Maja Manager"
    assert account.moderators == ("Sara Staff", "Bo Berg")
    assert account.registered_on.isoformat() == REGISTER["registered_on"]
    assert account.next_review_on == a_year_after(engine.clock.now().date())
    facets = engine.account_facets(org.comms.id)
    assert (facets.statuses, facets.channels, facets.total) == (("active",), ("Instagram",), 1)


def test_manager_sees_the_answers_and_rejection_returns_to_the_requester(engine, org):
    request_until_approval(engine, org)
    approval = engine.get_task(org.manager.id, only_task(engine, org.manager,
                                                         "manager_approval").id)
    shown = {item.name: item.value for section in approval.answers for item in section.items}
    assert shown["purpose"] == ACCOUNT["purpose"]
    assert len(shown["moderators"]) == 2
    assert "Sara Staff" in shown["moderators"][0] and "bo@ki.se" in shown["moderators"][1]

    with pytest.raises(InvalidForm) as refused:
        do(engine, org.manager, "manager_approval", {"manager_decision": "reject"})
    assert "rejection_reason" in refused.value.messages

    result = do(engine, org.manager, "manager_approval", REJECT)
    assert result.next_steps == ("Describe the account",)
    revision = engine.get_task(org.staff.id, only_task(engine, org.staff, "define_account").id)
    assert revision.previous_step is not None
    reasons = {i.name: i.value for i in revision.previous_step.items}
    assert reasons["rejection_reason"] == REJECT["rejection_reason"]
    assert reasons["manager_decision"] == "Reject and send back to the requester", "a label"
    assert revision.values["purpose"] == ACCOUNT["purpose"], "earlier answers are kept"

    do(engine, org.staff, "define_account", {**ACCOUNT, "purpose": ACCOUNT["purpose"] + " Now."})
    moderation = engine.get_task(org.staff.id, only_task(engine, org.staff, "plan_moderation").id)
    assert moderation.previous_step.title == "Approve the account", "it says why it is back"
    do(engine, org.staff, "plan_moderation", MODERATION)
    second = engine.get_task(org.manager.id, only_task(engine, org.manager,
                                                       "manager_approval").id)
    assert second.values == {}, "an approver decides afresh, with nothing pre-filled"
    do(engine, org.manager, "manager_approval", APPROVE)
    assert only_task(engine, org.staff, "registration_form")


def test_communications_can_send_back_with_questions(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    first = engine.get_task(org.staff.id, only_task(engine, org.staff, "registration_form").id)
    assert first.previous_step is None, "a first registration form was not sent back"
    do(engine, org.staff, "registration_form", REGISTRATION)
    [waiting] = engine.get_request(org.staff.id, engine.my_requests(org.staff.id)[0].id).open_tasks
    assert waiting.waiting_on == WaitingOn(lane="Communications department")
    do(engine, org.comms, "register_account", SEND_BACK)

    again = engine.get_task(org.staff.id, only_task(engine, org.staff, "registration_form").id)
    questions = {i.name: i.value for i in again.previous_step.items}
    assert questions["questions"] == SEND_BACK["questions"]
    do(engine, org.staff, "registration_form", {**REGISTRATION, "message": "Yes, approved."})
    do(engine, org.comms2, "register_account", REGISTER)
    assert [a.status for a in engine.accounts(org.comms.id)] == ["active"]


def test_review_cycle_repeats_twice_as_the_clock_moves(engine, org, clock):
    register(engine, org)
    assert engine.inbox(org.staff.id) == []
    assert engine.fire_due_timers().fired == 0, "nothing is due yet"

    for cycle in (1, 2):
        due = engine.accounts(org.comms.id)[0].next_review_on
        clock.advance(timedelta(days=366))
        assert engine.fire_due_timers().fired == 1
        assert engine.accounts(org.comms.id)[0].status == "review due"
        clock.advance(timedelta(days=cycle * 9))  # answered late: the schedule must not drift
        do(engine, org.staff, "periodic_review", KEEP)
        [account] = engine.accounts(org.comms.id)
        assert account.review_cycles == cycle
        assert account.status == "active"
        assert account.next_review_on == a_year_after(due)


def test_an_ignored_review_escalates_to_communications(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    review = only_task(engine, org.staff, "periodic_review")
    assert review.due_at == clock.now() + timedelta(days=30), "the grace period is its deadline"

    clock.advance(timedelta(days=31))
    assert engine.fire_due_timers().fired == 1
    assert engine.inbox(org.staff.id) == [], "the owner's review was withdrawn"
    assert engine.accounts(org.comms.id)[0].status == "review overdue"
    with pytest.raises(EngineError) as withdrawn:
        engine.complete_task(org.staff.id, review.id, KEEP)
    assert withdrawn.value.code in {"task.already_done", "task.not_found",
                                    "task.no_longer_waiting"}
    do(engine, org.comms2, "escalated_review", ESCALATED)
    assert engine.accounts(org.comms.id)[0].status == "active"


def test_closing_the_account_marks_it_closed_and_stops_reviews(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    do(engine, org.staff, "periodic_review", CLOSE)

    [account] = engine.accounts(org.comms.id)
    assert account.status == "closed"
    assert account.closed_on == clock.now().date()
    assert account.next_review_on is None
    clock.advance(timedelta(days=800))
    assert engine.fire_due_timers().fired == 0
    assert engine.inbox(org.staff.id) == []


ESCALATED = {"owner_contacted": True, "review_decision": "keep", "comment": "Owner confirmed."}


def reach(engine, org, clock, step):
    """Drive a request until `step` is ready; return the task and the person it belongs to."""
    engine.start_request(org.staff.id)
    path = [("confirm_guidelines", org.staff, GUIDELINES), ("define_account", org.staff, ACCOUNT),
            ("plan_moderation", org.staff, MODERATION), ("manager_approval", org.manager, APPROVE),
            ("registration_form", org.staff, REGISTRATION),
            ("register_account", org.comms, REGISTER)]
    for name, user, answers in path:
        if name == step:
            return only_task(engine, user, name), user
        do(engine, user, name, answers)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    if step == "escalated_review":
        clock.advance(timedelta(days=31))
        engine.fire_due_timers()
        return only_task(engine, org.comms, step), org.comms
    return only_task(engine, org.staff, step), org.staff


@pytest.mark.parametrize(("step", "answers"), [
    ("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
    ("plan_moderation", MODERATION), ("manager_approval", APPROVE),
    ("registration_form", REGISTRATION), ("register_account", REGISTER),
    ("periodic_review", KEEP), ("escalated_review", ESCALATED),
])
def test_each_user_task_refuses_the_wrong_user(engine, org, clock, step, answers):
    task, owner = reach(engine, org, clock, step)
    wrong = [org.outsider, org.director, org.comms if owner is not org.comms else org.staff]
    for user in wrong:
        with pytest.raises(NotAllowed):
            engine.complete_task(user.id, task.id, answers)
        with pytest.raises(NotAllowed):
            engine.get_task(user.id, task.id)
        assert task.id not in {t.id for t in engine.inbox(user.id)}
    assert engine.get_task(owner.id, task.id).task_name == step
    engine.complete_task(owner.id, task.id, answers)


def test_a_manager_never_approves_their_own_request(engine, org):
    engine.start_request(org.manager.id)
    do(engine, org.manager, "confirm_guidelines", GUIDELINES)
    do(engine, org.manager, "define_account", ACCOUNT)
    do(engine, org.manager, "plan_moderation", MODERATION)
    assert [t.task_name for t in engine.inbox(org.manager.id)] == []
    task = only_task(engine, org.director, "manager_approval")
    with pytest.raises(NotAllowed):
        engine.complete_task(org.manager.id, task.id, APPROVE)
    do(engine, org.director, "manager_approval", APPROVE)


def test_communications_officer_cannot_register_their_own_account(engine, org):
    engine.start_request(org.comms.id)
    for name, data in [("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
                       ("plan_moderation", MODERATION)]:
        do(engine, org.comms, name, data)
    do(engine, org.director, "manager_approval", APPROVE)
    do(engine, org.comms, "registration_form", REGISTRATION)
    assert [t.task_name for t in engine.inbox(org.comms.id)] == []
    task = only_task(engine, org.comms2, "register_account")
    with pytest.raises(NotAllowed):
        engine.complete_task(org.comms.id, task.id, REGISTER)


def test_a_requester_without_a_manager_is_told_before_starting(engine, org):
    loner = engine.users.create("loner", "Lo Ner", "lo@ki.se", "password123", ["staff"])
    with pytest.raises(InvalidInput) as refused:
        engine.start_request(loner.id)
    assert refused.value.code == "approval.no_manager"
    assert engine.my_requests(loner.id) == []


def test_people_outside_a_request_cannot_see_it(engine, org):
    request_id = request_until_approval(engine, org)
    with pytest.raises(NotAllowed):
        engine.get_request(org.outsider.id, request_id)
    seen_by_manager = engine.get_request(org.manager.id, request_id)
    assert seen_by_manager.requester_name == "Sara Staff"
    [waiting] = seen_by_manager.open_tasks
    assert (waiting.lane_name, waiting.waiting_on) == ("Manager", WaitingOn(person="Maja Manager"))
    assert engine.get_request(org.comms.id, request_id).status == "running"
    with pytest.raises(NotAllowed):
        engine.accounts(org.staff.id)
    with pytest.raises(NotAllowed):
        engine.account_facets(org.staff.id)
    with pytest.raises(NotAllowed):
        engine.all_requests(org.manager.id)
    [listed] = engine.all_requests(org.comms.id, status="running", text="neuro")
    assert (listed.id, listed.requester_name) == (request_id, "Sara Staff")
    assert engine.may_view_register(org.comms.id) and not engine.may_view_register(org.staff.id)


def test_registering_needs_the_handle_and_date_but_sending_back_does_not(engine, org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    with pytest.raises(InvalidForm) as refused:
        do(engine, org.comms, "register_account", {"communications_decision": "register"})
    assert set(refused.value.messages) == {"registered_handle", "registered_on"}
    do(engine, org.comms, "register_account", SEND_BACK)


def test_the_history_names_decisions_and_keeps_their_answers(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    history = engine.get_request(org.staff.id, request_id).history
    said = [(h.code, h.params) for h in history]
    assert said[-1] == ("history.task_completed", {
        "actor": "Maja Manager", "title": "Approve the account",
        "decision": ["Reject and send back to the requester"]})
    assert ("history.task_completed", {"actor": "Sara Staff", "title": "Describe the account",
                                       "decision": []}) in said, "no decision there"
    reasons = {i.name: i.value for i in history[-1].details.items}
    assert reasons["rejection_reason"] == REJECT["rejection_reason"]
