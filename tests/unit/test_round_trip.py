"""Serialize and restore at every step: the restored workflow offers the same next tasks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from engine import FixedClock, check_process_dir
from engine.runtime import (
    complete_user_task,
    fire_timers,
    ready_user_tasks,
    restore,
    start_workflow,
    waiting_timers,
)
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

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
REQUEST = check_process_dir(PROCESSES / "social_media_account")
REVIEW = check_process_dir(PROCESSES / "account_review")  # its plug-in gives it data at start
REQUEST_PATH = [
    ("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
    ("plan_moderation", MODERATION), ("manager_approval", REJECT),
    ("define_account", ACCOUNT), ("plan_moderation", MODERATION),
    ("manager_approval", APPROVE), ("registration_form", REGISTRATION),
    ("register_account", SEND_BACK), ("registration_form", REGISTRATION),
    ("register_account", REGISTER),
]


def review_seed(clock):
    """What the engine gives a review cycle: its due time (a year on) and its grace period."""
    due = clock.now().replace(year=clock.now().year + 1)
    return {"review_due_at": due.isoformat(), "review_grace": "P30D"}


def assert_round_trip(process, snapshot):
    """Restoring the snapshot's state gives the same ready tasks, timers and state."""
    restored = restore(process, snapshot.state)
    assert ready_user_tasks(restored, process) == snapshot.ready
    assert waiting_timers(restored) == snapshot.timers
    again = restore(process, json.dumps(json.loads(snapshot.state)))
    assert ready_user_tasks(again, process) == snapshot.ready


def test_the_request_round_trips_at_every_step():
    clock = FixedClock()
    snapshot = start_workflow(REQUEST, {}, clock)
    assert "spec" not in json.loads(snapshot.state), "the spec is kept per version, not here"
    for name, data in REQUEST_PATH:
        assert_round_trip(REQUEST, snapshot)
        [ready] = snapshot.ready
        assert ready.task_name == name
        workflow = restore(REQUEST, snapshot.state)
        snapshot = complete_user_task(workflow, REQUEST, ready.task_id, data, clock)
    assert snapshot.completed
    assert snapshot.data["registered_handle"] == "@kineurolab"
    assert_round_trip(REQUEST, snapshot)


@pytest.mark.parametrize(("answers", "overdue"), [(KEEP, False), (CLOSE, False), (KEEP, True)])
def test_a_review_cycle_round_trips_at_every_step(answers, overdue):
    clock = FixedClock()
    snapshot = start_workflow(REVIEW, review_seed(clock), clock)
    assert_round_trip(REVIEW, snapshot)
    [timer] = snapshot.timers
    assert timer.due_at == clock.now().replace(year=clock.now().year + 1)

    clock.advance(timedelta(days=366))
    snapshot = fire_timers(restore(REVIEW, snapshot.state), REVIEW, clock)
    assert_round_trip(REVIEW, snapshot)
    assert [r.task_name for r in snapshot.ready] == ["periodic_review"]
    assert [t.name for t in snapshot.timers] == ["Review overdue"]
    assert snapshot.ready[0].due_at == snapshot.timers[0].due_at == clock.now() + timedelta(days=30)
    name = "periodic_review"
    if overdue:
        clock.advance(timedelta(days=31))
        snapshot = fire_timers(restore(REVIEW, snapshot.state), REVIEW, clock)
        assert_round_trip(REVIEW, snapshot)
        name = "escalated_review"
        answers = {"owner_contacted": True, "review_decision": "keep", "comment": "Fine now."}
    [ready] = snapshot.ready
    assert ready.task_name == name
    snapshot = complete_user_task(restore(REVIEW, snapshot.state), REVIEW, ready.task_id,
                                  answers, clock)
    assert snapshot.completed and snapshot.timers == []
    assert snapshot.data["review_decision"] == answers["review_decision"]


def test_a_timer_does_not_fire_before_it_is_due():
    clock = FixedClock()
    snapshot = start_workflow(REVIEW, review_seed(clock), clock)
    clock.advance(timedelta(days=300))
    later = fire_timers(restore(REVIEW, snapshot.state), REVIEW, clock)
    assert later.ready == [] and later.timers == snapshot.timers
