"""Stepping through a request's history: the request as it stood after each event of its log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import NotAllowed, NotFound
from tests.support.people import ACCOUNT, MODERATION, PASSWORD, REJECT
from tests.support.walk import do, register, request_until_approval

REVISED = "Share the lab's research with the public, students and funders."


def rejected_then_approved(engine, org, clock):
    """A request the manager sends back with a reason, revised and then approved."""
    clock.set(datetime(2026, 12, 2, 13, 5, 9, tzinfo=UTC))
    request_id = request_until_approval(engine, org)
    clock.advance(timedelta(minutes=30, seconds=7))
    do(engine, org.manager, "manager_approval", REJECT)
    clock.advance(timedelta(hours=1))
    do(engine, org.staff, "define_account", {**ACCOUNT, "purpose": REVISED})
    do(engine, org.staff, "plan_moderation", MODERATION)
    do(engine, org.manager, "manager_approval", {"manager_decision": "approve"})
    return request_id


@pytest.fixture
def auditor(engine):
    """An auditor, outside every request."""
    return engine.users.create("auditor", "Alva Auditor", "alva@ki.se", PASSWORD, ["auditor"])


def test_the_rejection_step_shows_what_stood_then(engine, org, clock, auditor):
    request_id = rejected_then_approved(engine, org, clock)
    timeline = engine.history_step(auditor.id, request_id, 1).timeline
    rejection = next(e for e in timeline if e.task_name == "manager_approval")

    step = engine.history_step(auditor.id, request_id, rejection.seq)

    assert step.event.seq == rejection.seq
    assert step.actor_name == "Maja Manager"
    assert step.at == datetime(2026, 12, 2, 13, 35, 16, tzinfo=UTC)
    assert step.at.tzinfo is not None
    assert step.completed_steps == ("confirm_guidelines", "define_account", "plan_moderation",
                                    "manager_approval")
    assert step.waiting_steps == ("define_account",)
    assert not step.completed
    answers = {i.name: i.value for s in step.answers for i in s.items}
    assert answers["rejection_reason"] == REJECT["rejection_reason"]
    assert answers["purpose"] != REVISED  # the answer as it was then
    assert [e.seq for e in step.timeline] == list(range(1, len(step.timeline) + 1))
    assert step.timeline[0].kind == "instance_started"


def test_each_step_replays_only_the_log_up_to_it(engine, org, clock, auditor):
    request_id = rejected_then_approved(engine, org, clock)
    first = engine.history_step(auditor.id, request_id, 1)
    assert first.completed_steps == ()
    assert first.waiting_steps == ("confirm_guidelines",)
    assert first.answers == ()
    last = engine.history_step(auditor.id, request_id, len(first.timeline))
    assert engine.history_step(auditor.id, request_id).event == last.event  # the latest
    answers = {i.name: i.value for s in last.answers for i in s.items}
    assert answers["purpose"] == REVISED
    assert last.waiting_steps == ("registration_form",)


def test_the_version_is_named_with_its_number_date_and_deployer(engine, org, clock, auditor):
    request_id = request_until_approval(engine, org)
    version = engine.history_step(auditor.id, request_id, 1).version
    assert version.process_id == "social_media_account"
    assert version.number == 1
    assert len(version.content_hash) == 64
    assert version.deployed_at is not None and version.deployed_at.tzinfo is not None
    assert version.deployed_by is None  # deployed by the fixture, as the command line does


def test_the_requester_and_manager_may_step_but_not_outsiders(engine, org, clock):
    request_id = request_until_approval(engine, org)
    for person in (org.staff, org.manager, org.comms):
        assert engine.history_step(person.id, request_id, 2).event.seq == 2
    with pytest.raises(NotAllowed):
        engine.history_step(org.outsider.id, request_id, 2)
    with pytest.raises(NotFound):
        engine.history_step(org.staff.id, "no-such-request", 1)
    with pytest.raises(NotFound):
        engine.history_step(org.staff.id, request_id, 99)


def test_the_request_and_its_review_cycles_link_to_each_other(engine, org, clock):
    request_id = register(engine, org)
    request = engine.get_request(org.staff.id, request_id)
    assert request.account_request is None
    assert len(request.account_cycles) == 1
    review_id = request.account_cycles[0].id
    review = engine.get_request(org.staff.id, review_id)
    assert review.account_request.id == request_id
    assert review.account_cycles == ()


def test_case_files_are_for_auditors(engine, org, auditor):
    request_id = request_until_approval(engine, org)
    assert engine.case_file_for(auditor.id, request_id)["request"]["id"] == request_id
    with pytest.raises(NotAllowed):
        engine.case_file_for(org.staff.id, request_id)
    with pytest.raises(NotFound):
        engine.case_file_for(auditor.id, "no-such-request")
