"""The requester withdraws a request before it is registered; nobody else can, nor later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import Conflict, InvalidInput, NotAllowed, NotFound, ReplayDiverged
from engine.runtime import replay_events
from engine.store import Event, Instance, OutboxMessage, ReadyTask, Timer, append_events
from engine.store import NewEvent as StoreEvent
from tests.integration.test_corrections import events_of, sound
from tests.integration.test_outbox import CollectingPort
from tests.integration.test_tamper import record
from tests.support.people import (
    APPROVE,
    GUIDELINES,
    PASSWORD,
    REGISTRATION,
    SEND_BACK,
)
from tests.support.walk import do, only_task, register, request_until_approval


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


@pytest.fixture
def auditor(engine, org):
    """An auditor."""
    return engine.users.create("auditor", "Ada Auditor", "ada@ki.se", PASSWORD, ["auditor"])


def at_first_step(engine, org) -> str:
    return engine.start_request(org.staff.id).instance_id


def at_approval(engine, org) -> str:
    return request_until_approval(engine, org)


def at_registration_form(engine, org) -> str:
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    return request_id


def at_register(engine, org) -> str:
    request_id = at_registration_form(engine, org)
    do(engine, org.staff, "registration_form", REGISTRATION)
    return request_id


def outbox(engine, request_id, kind):
    with engine.uow.read() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.instance_id == request_id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)).all())


def rows_of(engine, request_id, table):
    with engine.uow.read() as session:
        return session.scalars(select(table).where(table.instance_id == request_id)).all()


@pytest.mark.parametrize("stage", [at_first_step, at_approval, at_registration_form,
                                   at_register])
def test_the_requester_withdraws_at_each_step_before_registration(engine, org, stage):
    request_id = stage(engine, org)
    assert engine.may_withdraw(org.staff.id, request_id)
    engine.withdraw_request(org.staff.id, request_id, "  Asked by mistake ")

    view = engine.get_request(org.staff.id, request_id)
    assert (view.status, view.current_step.code, view.open_tasks) == ("withdrawn", "withdrawn",
                                                                       ())
    assert view.history[-1].code == "history.withdrawn"
    assert view.history[-1].params == {"actor": "Sara Staff", "reason": "Asked by mistake"}
    [event] = events_of(engine, request_id, "request_withdrawn")
    assert (event.actor_id, event.payload) == (org.staff.id, {"reason": "Asked by mistake"})
    for person in (org.staff, org.manager, org.comms, org.comms2):
        assert engine.inbox(person.id) == []
    assert rows_of(engine, request_id, ReadyTask) == []
    assert rows_of(engine, request_id, Timer) == []
    assert not engine.may_withdraw(org.staff.id, request_id)
    sound(engine, org, request_id)


def test_lists_show_the_request_as_withdrawn(engine, org, admin):
    request_id = at_approval(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    assert [(r.id, r.status) for r in engine.my_requests(org.staff.id)] == [
        (request_id, "withdrawn")]
    assert [r.id for r in engine.all_requests(org.comms.id, status="withdrawn")] == [request_id]
    assert engine.all_requests(admin.id, status="running") == []
    assert engine.get_request(org.staff.id, request_id).history[-1].params["reason"] == ""


def test_whoever_had_the_task_is_told_and_the_message_is_delivered(engine, org):
    request_id = at_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.withdraw_request(org.staff.id, request_id, "Not needed after all")
    [message] = outbox(engine, request_id, "request_withdrawn")
    assert (message.user_id, message.role) == (org.manager.id, None)
    assert message.params["task_id"] == approval.id
    assert message.params["reason"] == "Not needed after all"
    assert message.params["by"] == "Sara Staff"

    port = CollectingPort()
    engine.deliver_outbox(port, "w1")
    # The message about the withdrawal goes out; the request's older ones are moot.
    assert message.id in port.delivered
    subject, body = engine.mail_words().compose(message.kind, request_id, message.params, "Maja")
    assert subject.startswith("Withdrawn: ") and "Sara Staff withdrew" in body
    assert "Reason given: Not needed after all" in body


def test_a_role_task_tells_the_role_or_the_colleague_who_claimed_it(engine, org):
    request_id = at_register(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    [message] = outbox(engine, request_id, "request_withdrawn")
    assert (message.user_id, message.role) == (None, "communications")
    _, body = engine.mail_words().compose(message.kind, request_id, message.params, "Cecilia")
    assert "Reason given" not in body, "no reason was given, so the mail names none"

    claimed_id = at_register(engine, org)
    engine.claim_task(org.comms2.id, only_task(engine, org.comms2, "register_account").id)
    engine.withdraw_request(org.staff.id, claimed_id)
    [message] = outbox(engine, claimed_id, "request_withdrawn")
    assert (message.user_id, message.role) == (org.comms2.id, None)


def test_the_requester_at_their_own_step_is_not_told_of_their_own_withdrawal(engine, org):
    request_id = at_registration_form(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    assert outbox(engine, request_id, "request_withdrawn") == []


def test_nobody_but_the_requester_may_withdraw(engine, org, admin, auditor):
    request_id = at_register(engine, org)
    for person in (org.manager, org.comms, org.comms2, org.outsider, org.director, admin,
                   auditor):
        with pytest.raises(NotAllowed) as refused:
            engine.withdraw_request(person.id, request_id, "Not mine")
        assert refused.value.code == "withdraw.not_requester"
        assert not engine.may_withdraw(person.id, request_id)
    assert engine.get_request(org.staff.id, request_id).status == "running"
    assert events_of(engine, request_id, "request_withdrawn") == []


def test_refused_after_registration_but_not_after_a_send_back(engine, org):
    registered = register(engine, org)
    with pytest.raises(Conflict) as refused:
        engine.withdraw_request(org.staff.id, registered)
    assert refused.value.code == "withdraw.already_registered"
    assert engine.get_request(org.staff.id, registered).status == "completed"

    # Questions from communications are not a registration: the requester may still withdraw.
    sent_back = at_register(engine, org)
    do(engine, org.comms, "register_account", SEND_BACK)
    assert engine.may_withdraw(org.staff.id, sent_back)
    engine.withdraw_request(org.staff.id, sent_back, "We found another way")
    assert engine.get_request(org.staff.id, sent_back).status == "withdrawn"


def test_a_second_withdrawal_says_it_is_withdrawn_already(engine, org):
    request_id = at_approval(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    with pytest.raises(Conflict) as again:
        engine.withdraw_request(org.staff.id, request_id)
    assert (again.value.code, again.value.params) == ("withdraw.not_running",
                                                      {"status": "withdrawn"})
    assert len(events_of(engine, request_id, "request_withdrawn")) == 1
    sound(engine, org, request_id)


def test_a_cancelled_request_cannot_be_withdrawn_nor_a_withdrawn_one_cancelled(engine, org,
                                                                              admin):
    cancelled = at_approval(engine, org)
    engine.cancel_request(admin.id, cancelled, "Duplicate")
    with pytest.raises(Conflict) as refused:
        engine.withdraw_request(org.staff.id, cancelled)
    assert refused.value.params == {"status": "cancelled"}

    withdrawn = at_approval(engine, org)
    engine.withdraw_request(org.staff.id, withdrawn)
    with pytest.raises(Conflict) as refused:
        engine.cancel_request(admin.id, withdrawn, "Duplicate")
    assert (refused.value.code, refused.value.params) == ("request.not_running",
                                                          {"status": "withdrawn"})


def test_a_review_cycle_is_not_withdrawn(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    with engine.uow.read() as session:
        review = session.scalar(select(Instance).where(Instance.process_id == "account_review"))
    assert review.started_by == org.staff.id  # the account owner's review
    with pytest.raises(InvalidInput) as refused:
        engine.withdraw_request(org.staff.id, review.id)
    assert refused.value.code == "withdraw.not_a_request"


def test_a_missing_request_and_a_long_reason_are_refused(engine, org):
    with pytest.raises(NotFound):
        engine.withdraw_request(org.staff.id, "no-such-request")
    request_id = at_first_step(engine, org)
    with pytest.raises(InvalidInput) as refused:
        engine.withdraw_request(org.staff.id, request_id, "x" * 1001)
    assert refused.value.params == {"max": 1000}
    assert engine.get_request(org.staff.id, request_id).status == "running"


def test_nothing_more_can_be_done_on_a_withdrawn_request(engine, org):
    request_id = at_first_step(engine, org)
    task = only_task(engine, org.staff, "confirm_guidelines")
    engine.withdraw_request(org.staff.id, request_id)
    with pytest.raises(NotFound):  # its inbox row went with the withdrawal
        engine.complete_task(org.staff.id, task.id, GUIDELINES)
    with engine.uow.write() as session:  # an insider puts the row back
        session.add(ReadyTask(
            id=task.id, instance_id=request_id, task_name="confirm_guidelines",
            task_title="Confirm", lane=task.lane, lane_name=task.lane_name,
            assignee_id=org.staff.id, role=None, requester_id=org.staff.id,
            request_title="x", created_at=task.created_at))
    with pytest.raises(Conflict) as refused:
        engine.complete_task(org.staff.id, task.id, GUIDELINES)
    assert refused.value.code == "request.withdrawn"


def test_replay_stops_at_the_withdrawal_and_refuses_what_follows(engine, org):
    request_id = at_approval(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    assert engine.auditing.replay(request_id).matches
    with engine.uow.write() as session:  # an event forged after the withdrawal
        instance = session.get(Instance, request_id)
        append_events(session, request_id, [StoreEvent("timer_fired", {"timer": "x"})],
                      engine.catalog.get(instance.version_id).content_hash,
                      engine.clock.now(), instance_id=request_id)
    result = engine.auditing.replay(request_id)
    assert [d.code for d in result.differences] == ["replay.after_withdrawal"]
    with engine.uow.read() as session:
        events = session.scalars(select(Event).where(Event.stream == request_id)
                                 .order_by(Event.seq)).all()
        instance = session.get(Instance, request_id)
    with pytest.raises(ReplayDiverged):
        replay_events(engine.catalog.get(instance.version_id), events)


def test_the_record_check_expects_withdrawn_after_the_event(engine, org):
    request_id = at_approval(engine, org)
    engine.withdraw_request(org.staff.id, request_id)
    with engine.uow.write() as session:  # an insider sets the status back
        session.get(Instance, request_id).status = "running"
    check = record(engine, org, request_id)
    assert ("instances", "status", "running", "withdrawn") in {
        (d.table, d.field, d.stored, d.expected) for d in check.projections}
