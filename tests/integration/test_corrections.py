"""An admin's corrections are appended to the log: reassign a task, cancel, correct an answer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine import (
    Conflict,
    InvalidForm,
    InvalidInput,
    NotAllowed,
    NotFound,
    ReplayDiverged,
    Title,
)
from engine.runtime import replay_events, restore
from engine.runtime._advance import snapshot_of
from engine.store import Event, Instance, ReadyTask, Timer, Transition, write_transition
from tests.integration.test_tamper import record
from tests.support.people import APPROVE, PASSWORD, REGISTER, REGISTRATION
from tests.support.walk import do, only_task, register, request_until_approval


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


CORRECTED_TITLE = Title("account_request", {"account_name": "KI Neuro Labs",
                                            "channel": "Instagram"})

def sound(engine, org, request_id) -> None:
    """The chain holds, replay matches and every projected row is borne out."""
    check = record(engine, org, request_id)
    assert check.chain.intact
    assert check.replay.matches, check.replay.differences
    assert check.projections == ()
    assert check.sound


def events_of(engine, request_id, kind):
    """The request's events of one kind, oldest first."""
    with engine.uow.read() as session:
        return session.scalars(select(Event).where(Event.stream == request_id, Event.kind == kind)
                               .order_by(Event.seq)).all()


# ---- reassigning a task -------------------------------------------------------------------------


def review_fallen_due(engine, org, clock) -> str:
    """Register an account and let its first review fall due; the review's instance id."""
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    with engine.uow.read() as session:
        return session.scalar(select(Instance.id).where(
            Instance.process_id == "account_review"))

def test_a_reassigned_approval_moves_to_the_new_person_and_the_record_holds(engine, org, admin):
    request_id = request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.reassign_task(admin.id, approval.id, "director", "Maja is on long leave")

    assert engine.inbox(org.manager.id) == []
    assert [t.id for t in engine.inbox(org.director.id)] == [approval.id]
    with pytest.raises(NotAllowed):
        engine.complete_task(org.manager.id, approval.id, APPROVE)
    [event] = events_of(engine, request_id, "task_reassigned")
    assert (event.actor_id, event.task_id) == (admin.id, approval.id)
    assert event.payload == {
        "title": "Approve the account", "from": org.manager.id, "from_name": "Maja Manager",
        "from_lane": event.payload["from_lane"], "to": org.director.id,
        "to_name": "Dana Director", "reason": "Maja is on long leave"}
    sound(engine, org, request_id)
    history = engine.get_request(admin.id, request_id).history
    assert history[-1].code == "history.task_reassigned"
    assert history[-1].params["to"] == "Dana Director"

    do(engine, org.director, "manager_approval", APPROVE)
    assert only_task(engine, org.staff, "registration_form")
    sound(engine, org, request_id)


def test_the_reassignment_not_the_inbox_row_decides(engine, org, admin):
    request_id = request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.reassign_task(admin.id, approval.id, "director", "Maja is on long leave")
    with engine.uow.write() as session:  # an insider points the row back at Maja
        session.execute(text("UPDATE ready_tasks SET assignee_id = :m WHERE id = :t"),
                        {"m": org.manager.id, "t": approval.id})
    with pytest.raises(NotAllowed):
        engine.complete_task(org.manager.id, approval.id, APPROVE)
    check = record(engine, org, request_id)
    assert {(d.table, d.field, d.expected) for d in check.projections} == {
        ("ready_tasks", "assignee_id", org.director.id)}


def test_an_overdue_reassigned_review_escalates_as_the_diagram_says(engine, org, admin, clock):
    review_id = review_fallen_due(engine, org, clock)
    review = only_task(engine, org.staff, "periodic_review")
    engine.reassign_task(admin.id, review.id, "outsider", "Sara moved to another unit")
    assert [t.id for t in engine.inbox(org.outsider.id)] == [review.id]
    sound(engine, org, review_id)
    clock.advance(timedelta(days=31))  # the grace period runs out: the review is interrupted
    engine.fire_due_timers()
    assert engine.inbox(org.outsider.id) == []
    assert only_task(engine, org.comms, "escalated_review")
    sound(engine, org, review_id)


def test_a_step_that_keeps_a_reassigned_task_keeps_its_person(engine, org, admin, clock):
    request_id = request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.reassign_task(admin.id, approval.id, "director", "Maja is on long leave")
    with engine.uow.read() as session:
        instance = session.get(Instance, request_id)
    process = engine.catalog.get(instance.version_id)
    # A step of a process with parallel branches rewrites the inbox while the task stays ready.
    step = Transition(
        instance_id=request_id, process=process, version_id=instance.version_id,
        snapshot=snapshot_of(restore(process, instance.state), process),
        started_by=instance.started_by, title=instance.title,
        expected_lock=instance.lock_version)
    with engine.uow.write() as session:
        assert write_transition(session, step, clock.now()) == []
    assert [t.id for t in engine.inbox(org.director.id)] == [approval.id]
    assert engine.inbox(org.manager.id) == []
    sound(engine, org, request_id)


def test_a_new_manager_does_not_take_a_task_reassigned_to_the_old_one(engine, org, admin):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    task = only_task(engine, org.comms, "register_account")
    engine.reassign_task(admin.id, task.id, "manager", "Maja registers accounts this month")
    engine.users.update("staff", manager_username="director")
    assert [t.id for t in engine.inbox(org.manager.id)] == [task.id]
    assert engine.inbox(org.director.id) == []
    sound(engine, org, request_id)


@pytest.mark.parametrize("task_name, who", [("manager_approval", "manager")])
def test_the_requester_never_takes_the_managers_task(engine, org, admin, task_name, who):
    request_until_approval(engine, org)
    task = only_task(engine, getattr(org, who), task_name)
    with pytest.raises(InvalidInput) as refused:
        engine.reassign_task(admin.id, task.id, "staff", "She could do it herself")
    assert refused.value.code == "correction.requester_not_allowed"


def test_the_requester_never_takes_a_role_lanes_task(engine, org, admin):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    task = only_task(engine, org.comms, "register_account")
    with pytest.raises(InvalidInput) as refused:
        engine.reassign_task(admin.id, task.id, "staff", "Communications is busy")
    assert refused.value.code == "correction.requester_not_allowed"
    engine.reassign_task(admin.id, task.id, "comms2", "Cleo knows the channel")
    assert [t.id for t in engine.inbox(org.comms2.id)] == [task.id]
    assert engine.inbox(org.comms.id) == []
    sound(engine, org, request_id)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_correction_needs_a_reason(engine, org, admin, reason):
    request_id = request_until_approval(engine, org)
    task = only_task(engine, org.manager, "manager_approval")
    for attempt in (lambda: engine.reassign_task(admin.id, task.id, "director", reason),
                    lambda: engine.cancel_request(admin.id, request_id, reason)):
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert refused.value.code == "correction.reason_required"
    assert events_of(engine, request_id, "task_reassigned") == []


@pytest.mark.parametrize("username", ["manager", "comms", "staff"])
def test_only_admins_correct(engine, org, username):
    request_id = request_until_approval(engine, org)
    user = getattr(org, username)
    task = only_task(engine, org.manager, "manager_approval")
    attempts = (
        lambda: engine.reassign_task(user.id, task.id, "director", "why not"),
        lambda: engine.cancel_request(user.id, request_id, "why not"),
        lambda: engine.correct_answer(user.id, _completed(engine, request_id, "define_account"),
                                      "account_name", "KI Neuro Labs", "why not"),
    )
    for attempt in attempts:
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "correction.admins_only"
    assert not engine.may_correct(user.id)


# ---- cancelling a request -----------------------------------------------------------------------


def test_a_cancelled_request_has_nothing_waiting_and_replays(engine, org, admin):
    request_id = request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.cancel_request(admin.id, request_id, "Asked twice by mistake")

    view = engine.get_request(admin.id, request_id)
    assert (view.status, view.current_step.code, view.open_tasks) == ("cancelled", "cancelled", ())
    assert view.history[-1].code == "history.cancelled"
    assert view.history[-1].params == {"actor": "Alva Admin", "reason": "Asked twice by mistake"}
    assert engine.inbox(org.manager.id) == []
    with pytest.raises(NotFound):  # its inbox row went with the cancellation
        engine.complete_task(org.manager.id, approval.id, APPROVE)
    sound(engine, org, request_id)
    with pytest.raises(Conflict) as again:
        engine.cancel_request(admin.id, request_id, "Once more")
    assert again.value.params == {"status": "cancelled"}


def test_a_review_cycle_is_not_a_request_to_cancel(engine, org, admin, clock):
    review_id = review_fallen_due(engine, org, clock)
    with pytest.raises(InvalidInput) as refused:
        engine.cancel_request(admin.id, review_id, "Not needed")
    assert refused.value.code == "correction.not_a_request"


def test_a_cancelled_requests_reinserted_inbox_row_gives_nothing(engine, org, admin):
    request_id = request_until_approval(engine, org)
    approval = only_task(engine, org.manager, "manager_approval")
    engine.cancel_request(admin.id, request_id, "Asked twice by mistake")
    with engine.uow.write() as session:
        session.add(ReadyTask(
            id=approval.id, instance_id=request_id, task_name="manager_approval",
            task_title="Approve", lane=approval.lane, lane_name=approval.lane_name,
            assignee_id=org.manager.id, role=None, requester_id=org.staff.id,
            request_title="x", created_at=approval.created_at))
    with pytest.raises(Conflict) as refused:
        engine.complete_task(org.manager.id, approval.id, APPROVE)
    assert refused.value.code == "request.cancelled"
    assert ("ready_tasks", "row") in {(d.table, d.field)
                                      for d in record(engine, org, request_id).projections}


def test_a_registered_request_cannot_be_cancelled(engine, org, admin):
    request_id = register(engine, org)
    with pytest.raises(Conflict) as refused:
        engine.cancel_request(admin.id, request_id, "Too late")
    assert refused.value.params == {"status": "completed"}
    assert [a.status for a in engine.accounts(admin.id)] == ["active"]


# ---- correcting an answer -----------------------------------------------------------------------


def _completed(engine, request_id, task_name) -> str:
    """The task id of a step's latest completion."""
    return events_of(engine, request_id, "task_completed")[
        [e.task_name for e in events_of(engine, request_id, "task_completed")]
        .index(task_name)].task_id


def test_a_misspelled_name_is_corrected_and_the_request_follows(engine, org, admin):
    request_id = request_until_approval(engine, org)
    task_id = _completed(engine, request_id, "define_account")
    engine.correct_answer(admin.id, task_id, "account_name", "KI Neuro Labs", "Misspelled")

    view = engine.get_request(admin.id, request_id)
    assert view.title == CORRECTED_TITLE
    assert only_task(engine, org.manager, "manager_approval").request_title == view.title
    [event] = events_of(engine, request_id, "answer_corrected")
    assert event.payload == {"title": event.payload["title"], "field": "account_name",
                             "before": "KI Neuro Lab", "after": "KI Neuro Labs",
                             "reason": "Misspelled"}
    entry = view.history[-1]
    assert (entry.code, entry.params["before"], entry.params["after"]) == (
        "history.answer_corrected", "KI Neuro Lab", "KI Neuro Labs")
    sound(engine, org, request_id)

    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)
    [account] = engine.accounts(admin.id)
    assert account.account_name == "KI Neuro Labs"
    sound(engine, org, request_id)


def test_a_registered_accounts_row_follows_a_correction(engine, org, admin):
    request_id = register(engine, org)
    task_id = _completed(engine, request_id, "define_account")
    engine.correct_answer(admin.id, task_id, "account_name", "KI Neuro Labs", "Misspelled")
    [account] = engine.accounts(admin.id)
    assert account.account_name == "KI Neuro Labs"
    assert engine.get_request(admin.id, request_id).title == CORRECTED_TITLE
    sound(engine, org, request_id)


def test_the_forms_validation_applies_to_a_correction(engine, org, admin):
    request_id = request_until_approval(engine, org)
    task_id = _completed(engine, request_id, "define_account")
    with pytest.raises(InvalidForm) as refused:
        engine.correct_answer(admin.id, task_id, "channel", "MySpace", "Wrong channel")
    assert list(refused.value.messages) == ["channel"]
    with pytest.raises(InvalidInput) as unknown:
        engine.correct_answer(admin.id, task_id, "shoe_size", "42", "Why not")
    assert unknown.value.code == "correction.not_an_answer"
    with pytest.raises(InvalidInput) as same:
        engine.correct_answer(admin.id, task_id, "account_name", "KI Neuro Lab", "Same")
    assert same.value.code == "correction.no_change"
    assert events_of(engine, request_id, "answer_corrected") == []


def test_a_decision_cannot_be_corrected(engine, org, admin):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    task_id = _completed(engine, request_id, "manager_approval")
    with pytest.raises(InvalidInput) as refused:
        engine.correct_answer(admin.id, task_id, "manager_decision", "reject", "Changed mind")
    assert refused.value.code == "correction.decision_field"


def test_replay_applies_a_correction_where_it_was_made(engine, org, admin, clock):
    request_id = request_until_approval(engine, org)
    task_id = _completed(engine, request_id, "define_account")
    clock.advance(timedelta(hours=1))
    engine.correct_answer(admin.id, task_id, "purpose", "Share the lab's research widely.",
                          "The requester asked for it")
    clock.advance(timedelta(hours=1))
    do(engine, org.manager, "manager_approval", APPROVE)
    result = engine.replay_request(admin.id, request_id)
    assert (result.matches, result.differences) == (True, ())
    [answers] = [s for s in engine.get_request(admin.id, request_id).answers
                 if any(i.name == "purpose" for i in s.items)]
    assert "Share the lab's research widely." in [i.value for i in answers.items]


# ---- the chain catches a tampered correction --------------------------------------------------


@pytest.mark.parametrize("kind, sql", [
    ("task_reassigned", "UPDATE events SET payload = :p WHERE kind = 'task_reassigned'"),
    ("answer_corrected", "UPDATE events SET payload = :p WHERE kind = 'answer_corrected'"),
    ("request_cancelled", "UPDATE events SET payload = :p WHERE kind = 'request_cancelled'"),
])
def test_a_tampered_correction_breaks_the_chain(engine, org, admin, kind, sql):
    request_id = request_until_approval(engine, org)
    if kind == "task_reassigned":
        engine.reassign_task(admin.id, only_task(engine, org.manager, "manager_approval").id,
                             "director", "Leave")
    elif kind == "answer_corrected":
        engine.correct_answer(admin.id, _completed(engine, request_id, "define_account"),
                              "account_name", "KI Neuro Labs", "Misspelled")
    else:
        engine.cancel_request(admin.id, request_id, "Mistake")
    [event] = events_of(engine, request_id, kind)
    payload = {**event.payload, "reason": "Something else"}
    with engine.uow.write() as session:
        session.execute(text(sql), {"p": json.dumps(payload)})
    check = engine.verify_request(admin.id, request_id)
    assert (check.intact, check.broken_at, check.reason) == (False, event.seq, "chain.altered")


def test_events_after_a_cancellation_do_not_replay(engine, org, admin):
    request_id = request_until_approval(engine, org)
    engine.cancel_request(admin.id, request_id, "Mistake")
    with engine.uow.read() as session:
        instance = session.get(Instance, request_id)
        events = session.scalars(select(Event).where(Event.stream == request_id)
                                 .order_by(Event.seq)).all()
        process = engine.catalog.get(instance.version_id)
    with pytest.raises(ReplayDiverged) as diverged:
        replay_events(process, [*events, events[1]])
    assert diverged.value.code == "replay.after_cancel"
    with engine.uow.read() as session:
        assert session.scalars(select(Timer).where(Timer.instance_id == request_id)).all() == []


def test_a_correction_stripped_of_its_field_is_a_verdict_not_a_crash(engine, org, admin):
    request_id = request_until_approval(engine, org)
    engine.correct_answer(admin.id, _completed(engine, request_id, "define_account"),
                          "account_name", "KI Neuro Labs", "Misspelled")
    [event] = events_of(engine, request_id, "answer_corrected")
    payload = {k: v for k, v in event.payload.items() if k != "field"}
    with engine.uow.write() as session:
        session.execute(text("UPDATE events SET payload = :p WHERE id = :id"),
                        {"p": json.dumps(payload), "id": event.id})
    check = record(engine, org, request_id)
    assert not check.chain.intact and not check.replay.matches
    assert not check.sound
