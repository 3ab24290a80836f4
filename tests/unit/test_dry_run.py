"""Dry runs: the real procedure run in memory with the real evaluator, fed with answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from engine import check_process_dir
from engine.clock import FixedClock
from engine.definitions import load_process
from engine.runtime import MAX_ANSWERS, dry_run
from tests.conftest import START
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    KEEP,
    MODERATION,
    REGISTER,
    REGISTRATION,
    REJECT,
)

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
UP_TO_APPROVAL = [("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
                  ("plan_moderation", MODERATION)]
APPROVED = 'manager_decision == "approve"'


@pytest.fixture(scope="module")
def procedure():
    return check_process_dir(PROCESSES / "social_media_account")


@pytest.fixture(scope="module")
def review():
    return check_process_dir(PROCESSES / "account_review")


def test_a_rejection_goes_back_to_the_description(procedure):
    run = dry_run(procedure, [*UP_TO_APPROVAL, ("manager_approval", REJECT)], FixedClock(START))
    assert run.reached == ["request_started", "confirm_guidelines", "define_account",
                           "plan_moderation", "manager_approval", "manager_decided",
                           "define_account"]
    assert run.flows == ["flow_started_to_confirm_guidelines",
                         "flow_confirm_guidelines_to_define_account",
                         "flow_define_account_to_plan_moderation",
                         "flow_plan_moderation_to_manager_approval",
                         "flow_manager_approval_to_manager_decided",
                         "flow_rejected_to_define_account"]
    assert "flow_approved_to_registration_form" not in run.flows
    assert [w.name for w in run.waiting] == ["define_account"]
    assert run.waiting[0].form.name == "define_account.json"
    assert [s.state for s in run.path][-2:] == ["done", "waiting"]
    assert run.used == 4 and not run.completed and run.failure is None and run.refused is None


def test_an_approval_runs_to_the_end(procedure):
    answers = [*UP_TO_APPROVAL, ("manager_approval", APPROVE),
               ("registration_form", REGISTRATION), ("register_account", REGISTER)]
    run = dry_run(procedure, answers, FixedClock(START))
    assert run.completed and run.ended_at == ["account_registered"]
    assert run.waiting == [] and run.reached[-1] == "account_registered"
    assert "flow_approved_to_registration_form" in run.flows
    assert "flow_registered_to_account_registered" in run.flows


def test_no_answers_stop_at_the_first_task(procedure):
    run = dry_run(procedure, [], FixedClock(START))
    assert run.reached == ["request_started", "confirm_guidelines"]
    assert run.flows == ["flow_started_to_confirm_guidelines"]
    assert run.waiting[0].title == "Confirm the social media guidelines"


def test_a_mapping_answers_each_task_every_time(procedure):
    answers = dict(UP_TO_APPROVAL) | {"manager_approval": APPROVE,
                                      "registration_form": REGISTRATION}
    run = dry_run(procedure, answers, FixedClock(START))
    assert [w.name for w in run.waiting] == ["register_account"]


def test_a_mapping_that_loops_forever_is_stopped(procedure):
    answers = dict(UP_TO_APPROVAL) | {"manager_approval": REJECT}
    run = dry_run(procedure, answers, FixedClock(START))
    assert run.refused is not None and run.refused.code == "dry_run.too_many"
    assert run.refused.params == {"limit": MAX_ANSWERS}
    assert run.reached.count("manager_decided") > 10


def test_an_invalid_answer_stops_with_messages_per_field(procedure):
    bad = dict(ACCOUNT, account_name="", channel=42)
    run = dry_run(procedure, [("confirm_guidelines", GUIDELINES), ("define_account", bad)],
                  FixedClock(START))
    assert run.refused.code == "dry_run.invalid_answer" and run.refused.index == 1
    assert set(run.refused.form_error.messages) >= {"account_name", "channel"}
    assert run.used == 1 and [w.name for w in run.waiting] == ["define_account"]


def test_a_rejection_without_its_reason_is_refused_as_the_form_says(procedure):
    run = dry_run(procedure, [*UP_TO_APPROVAL, ("manager_approval", {"manager_decision":
                                                                      "reject"})],
                  FixedClock(START))
    assert run.refused.form_error.messages["rejection_reason"][0].code == "required"


def test_an_answer_for_a_task_that_does_not_wait_is_refused(procedure):
    run = dry_run(procedure, [("confirm_guidelines", GUIDELINES),
                              ("manager_approval", APPROVE)], FixedClock(START))
    assert run.refused.code == "dry_run.not_waiting" and run.refused.params == {
        "name": "manager_approval"}
    assert [w.name for w in run.waiting] == ["define_account"]


def test_a_condition_that_fails_is_reported_where_it_failed(procedure):
    xml = procedure.source.bpmn_xml.replace(APPROVED, 'moderators[9]["name"] == "Bo"')
    broken = load_process(replace(procedure.source, bpmn_xml=xml))
    run = dry_run(broken, [*UP_TO_APPROVAL, ("manager_approval", APPROVE)], FixedClock(START))
    assert run.failure is not None and run.failure.code == "process.expression_failed"
    assert run.failure.params["reason"] == "index_out_of_range"
    assert run.failed_at == "manager_decided"
    assert run.path[-1].element_id == "manager_decided" and run.path[-1].state == "failed"
    assert run.waiting == []


def test_timers_are_shown_and_fired_on_request(review):
    data = {"review_due_at": "2027-01-05", "review_grace": "P30D"}
    clock = FixedClock(START)
    run = dry_run(review, [], clock, data)
    assert run.reached == ["review_cycle_started", "review_due"]
    assert [t.element_id for t in run.timers] == ["review_due"]
    run = dry_run(review, [("review_due", {})], clock, data)
    assert [w.name for w in run.waiting] == ["periodic_review"]
    assert [t.element_id for t in run.timers] == ["review_overdue"]
    assert run.timers[0].due_at == run.timers[0].due_at.replace(year=2027, month=2, day=4,
                                                                 hour=0, minute=0, second=1)
    run = dry_run(review, [("review_due", {}), ("review_overdue", {})], clock, data)
    assert [(s.element_id, s.state) for s in run.path][2:] == [
        ("periodic_review", "cancelled"), ("review_overdue", "done"),
        ("escalated_review", "waiting")]
    assert "flow_review_overdue_to_escalated_review" in run.flows
    assert clock.now() == START  # the run moved a copy of the clock, never the caller's


def test_a_timer_fired_with_data_is_refused(review):
    data = {"review_due_at": "2027-01-05", "review_grace": "P30D"}
    run = dry_run(review, [("review_due", {"x": 1})], FixedClock(START), data)
    assert run.refused.code == "dry_run.timer_has_data"


def test_the_review_answered_ends_where_its_decision_says(review):
    data = {"review_due_at": "2027-01-05", "review_grace": "P30D"}
    run = dry_run(review, [("review_due", {}), ("periodic_review", KEEP)],
                  FixedClock(START), data)
    assert run.completed and run.ended_at == ["review_passed"]


def test_the_process_is_the_cached_one_and_is_left_as_it_was(procedure):
    before = procedure.source.content_hash
    dry_run(procedure, [*UP_TO_APPROVAL], FixedClock(START))
    again = dry_run(procedure, [], FixedClock(START + timedelta(days=1)))
    assert procedure.source.content_hash == before and again.reached[-1] == "confirm_guidelines"
