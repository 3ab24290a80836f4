"""The requester checks every answer before the request goes to the manager, and may amend any."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Conflict, InvalidForm, NotAllowed, TaskAlreadyDone, Title
from engine.store import Event
from tests.integration.test_corrections import sound
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    PASSWORD,
    REGISTER,
    REGISTRATION,
    REJECT,
)
from tests.support.walk import do, only_task

AMENDED_TITLE = Title("account_request", {"account_name": "KI Neuro Labs",
                                          "channel": "Instagram"})


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


def held_request(engine, org):
    """A request whose last requester step was submitted and is held for the check page."""
    request_id = engine.start_request(org.staff.id).instance_id
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    do(engine, org.staff, "define_account", ACCOUNT)
    task = only_task(engine, org.staff, "plan_moderation")
    assert engine.hold_answers(org.staff.id, task.id, MODERATION) == request_id
    return request_id, task.id


def completed_task(engine, request_id, name):
    """The task id of a step's latest completion."""
    with engine.uow.read() as session:
        return session.scalars(select(Event.task_id).where(
            Event.stream == request_id, Event.kind == "task_completed",
            Event.task_name == name).order_by(Event.seq.desc())).first()


def events_of(engine, request_id, kind):
    with engine.uow.read() as session:
        return session.scalars(select(Event).where(Event.stream == request_id,
                                                   Event.kind == kind)).all()


def test_only_the_step_before_the_approval_is_held(engine, org):
    engine.start_request(org.staff.id)
    task = only_task(engine, org.staff, "confirm_guidelines")
    assert engine.hold_answers(org.staff.id, task.id, GUIDELINES) is None
    assert events_of(engine, task.instance_id, "task_completed") == []  # nothing was done


def test_held_answers_are_validated_and_the_task_still_waits(engine, org):
    _, task_id = held_request(engine, org)
    assert only_task(engine, org.staff, "plan_moderation").id == task_id
    assert engine.inbox(org.manager.id) == []
    with pytest.raises(InvalidForm):
        engine.hold_answers(org.staff.id, task_id, {"moderators": []})


def test_the_check_page_has_every_requester_step(engine, org):
    request_id, task_id = held_request(engine, org)
    view = engine.answer_check(org.staff.id, request_id)
    assert [s.name for s in view.steps] == ["confirm_guidelines", "define_account",
                                            "plan_moderation"]
    assert all(s.answers is not None for s in view.steps)
    assert view.ready and view.task_id == task_id and view.steps[-1].held
    names = {i.name for i in view.steps[1].answers.items}
    assert {"account_name", "channel", "purpose"} <= names


@pytest.mark.parametrize("who", ["manager", "comms", "outsider", "admin"])
def test_nobody_but_the_requester_sees_or_sends_or_amends(engine, org, admin, who):
    request_id, task_id = held_request(engine, org)
    user = admin if who == "admin" else getattr(org, who)
    define = completed_task(engine, request_id, "define_account")
    for attempt in (lambda: engine.answer_check(user.id, request_id),
                    lambda: engine.amend_answers(user.id, define, ACCOUNT),
                    lambda: engine.amend_form(user.id, define)):
        with pytest.raises(NotAllowed):
            attempt()
    with pytest.raises(Conflict):  # the draft is the requester's own: nothing to send
        engine.send_answers(user.id, task_id)
    assert events_of(engine, request_id, "answer_amended") == []


def test_the_requester_amends_an_earlier_step_and_everything_follows(engine, org, admin):
    request_id, task_id = held_request(engine, org)
    define = completed_task(engine, request_id, "define_account")
    form = engine.amend_form(org.staff.id, define)
    assert form.values["account_name"] == "KI Neuro Lab"
    engine.amend_answers(org.staff.id, define, {**ACCOUNT, "account_name": "KI Neuro Labs"})

    [event] = events_of(engine, request_id, "answer_amended")
    assert event.payload["before"] == {"account_name": "KI Neuro Lab"}
    assert event.payload["after"] == {"account_name": "KI Neuro Labs"}
    assert event.actor_id == org.staff.id
    view = engine.get_request(org.staff.id, request_id)
    assert view.title == AMENDED_TITLE
    assert view.history[-1].code == "history.answer_amended"
    assert engine.amend_form(org.staff.id, define).values["account_name"] == "KI Neuro Labs"
    sound(engine, org, request_id)

    engine.send_answers(org.staff.id, task_id)
    approval = only_task(engine, org.manager, "manager_approval")
    assert approval.request_title == AMENDED_TITLE
    task = engine.get_task(org.manager.id, approval.id)
    shown = {i.name: i.value for s in task.answers for i in s.items}
    assert shown["account_name"] == "KI Neuro Labs"  # the manager sees the amended answer
    sound(engine, org, request_id)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)
    [account] = engine.accounts(admin.id)
    assert account.account_name == "KI Neuro Labs"
    sound(engine, org, request_id)


def test_an_unchanged_form_records_nothing_and_a_bad_one_is_refused(engine, org):
    request_id, _ = held_request(engine, org)
    define = completed_task(engine, request_id, "define_account")
    engine.amend_answers(org.staff.id, define, ACCOUNT)
    with pytest.raises(InvalidForm) as refused:
        engine.amend_answers(org.staff.id, define, {**ACCOUNT, "channel": "MySpace"})
    assert "channel" in refused.value.messages
    assert events_of(engine, request_id, "answer_amended") == []


def test_no_amending_after_it_went_to_the_manager(engine, org):
    request_id, task_id = held_request(engine, org)
    define = completed_task(engine, request_id, "define_account")
    engine.send_answers(org.staff.id, task_id)
    with pytest.raises(Conflict) as refused:
        engine.amend_answers(org.staff.id, define, {**ACCOUNT, "account_name": "Other"})
    assert refused.value.code == "answers.already_sent"
    with pytest.raises(TaskAlreadyDone):  # sending twice: the first one did it
        engine.send_answers(org.staff.id, task_id)
    with pytest.raises(Conflict):
        engine.answer_check(org.staff.id, request_id)
    assert len(events_of(engine, request_id, "task_completed")) == 3
    sound(engine, org, request_id)


def test_only_the_latest_completion_is_amended_after_a_send_back(engine, org):
    request_id, task_id = held_request(engine, org)
    engine.send_answers(org.staff.id, task_id)
    first = completed_task(engine, request_id, "define_account")
    do(engine, org.manager, "manager_approval", REJECT)
    do(engine, org.staff, "define_account", ACCOUNT)
    task = only_task(engine, org.staff, "plan_moderation")
    engine.hold_answers(org.staff.id, task.id, MODERATION)
    with pytest.raises(Conflict) as refused:
        engine.amend_answers(org.staff.id, first, {**ACCOUNT, "account_name": "Old"})
    assert refused.value.code == "answer.superseded"
    latest = completed_task(engine, request_id, "define_account")
    better = "Tell the public about the lab's research results."
    engine.amend_answers(org.staff.id, latest, {**ACCOUNT, "purpose": better})
    sound(engine, org, request_id)


def test_a_half_filled_draft_of_the_last_step_is_not_ready_to_send(engine, org):
    request_id = engine.start_request(org.staff.id).instance_id
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    do(engine, org.staff, "define_account", ACCOUNT)
    task = only_task(engine, org.staff, "plan_moderation")
    engine.save_draft(org.staff.id, task.id, {"holiday_plan": "Not decided yet"})
    view = engine.answer_check(org.staff.id, request_id)
    assert not view.ready
    with pytest.raises(InvalidForm):
        engine.send_answers(org.staff.id, task.id)
    assert engine.inbox(org.manager.id) == []
