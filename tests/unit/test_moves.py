"""Moving a workflow to another version with real SpiffWorkflow: what moves, what cannot, why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from SpiffWorkflow.util.task import TaskState

from engine import FixedClock, ProcessSource, load_process, read_process_dir
from engine.runtime import (
    compare,
    complete_user_task,
    fire_timers,
    plan_move,
    replay_events,
    restore,
    start_workflow,
)
from tests.support.people import ACCOUNT, GUIDELINES, MODERATION
from tests.support.versions import renamed_approval, renamed_goals_field, without_guidelines

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def load(source):
    return load_process(source, 2_000_000)


V1 = load(read_process_dir(PROCESSES / "social_media_account"))
V2 = load(renamed_approval(PROCESSES))


@dataclass
class Logged:
    """An event as replay reads it."""

    seq: int
    kind: str
    task_name: str | None
    payload: dict
    created_at: datetime
    version_hash: str


def until_approval(clock):
    """A v1 workflow waiting at the approval, with the events that got it there."""
    snapshot = start_workflow(V1, {}, clock)
    events = [Logged(1, "instance_started", None, {}, clock.now(), V1.content_hash)]
    for name, data in (("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
                       ("plan_moderation", MODERATION)):
        clock.advance(timedelta(minutes=5))
        [task] = restore(V1, snapshot.state).get_tasks(state=TaskState.READY, manual=True)
        snapshot = complete_user_task(restore(V1, snapshot.state), V1, str(task.id), data, clock)
        events.append(Logged(len(events) + 1, "task_completed", name, {"data": data},
                             clock.now(), V1.content_hash))
    return snapshot, events


def test_a_renamed_step_keeps_its_task_and_reads_the_new_title():
    clock = FixedClock(START)
    snapshot, _events = until_approval(clock)
    plan = plan_move(restore(V1, snapshot.state), V2, clock)
    assert plan.can_move and plan.reasons == ()
    [ready] = plan.snapshot.ready
    assert (ready.task_id, ready.task_name, ready.title) == (
        snapshot.ready[0].task_id, "manager_approval", "Approve the new account")
    approval = next(m for m in plan.mapping if m.from_step == "manager_approval")
    assert (approval.to_title, approval.state) == ("Approve the new account", "waiting")
    assert {m.from_step: m.state for m in plan.mapping}["define_account"] == "done"
    assert plan.snapshot.data["account_name"] == ACCOUNT["account_name"]
    moved = restore(V2, plan.snapshot.state)  # the moved state restores on the new version
    assert moved.last_task is not None and moved.last_task.task_spec.name == "plan_moderation"


def test_a_waiting_step_the_new_version_removes_cannot_move():
    clock = FixedClock(START)
    snapshot = start_workflow(V1, {}, clock)
    plan = plan_move(restore(V1, snapshot.state), load(without_guidelines(PROCESSES)), clock)
    assert not plan.can_move and plan.snapshot is None
    assert [(r.code, r.params) for r in plan.reasons] == [
        ("move.waiting_step_removed", {"step": "Confirm the social media guidelines"})]


def test_a_done_step_the_new_version_removes_cannot_move():
    clock = FixedClock(START)
    snapshot, _events = until_approval(clock)
    plan = plan_move(restore(V1, snapshot.state), load(without_guidelines(PROCESSES)), clock)
    assert [r.code for r in plan.reasons] == ["move.done_step_removed"]


def test_an_answer_the_new_version_reads_under_another_name_blocks_the_move():
    clock = FixedClock(START)
    snapshot, _events = until_approval(clock)
    plan = plan_move(restore(V1, snapshot.state), load(renamed_goals_field(PROCESSES)), clock)
    assert [(r.code, r.params) for r in plan.reasons] == [
        ("move.answer_missing", {"step": "Describe the account", "field": "account_goals"})]


def test_replay_applies_the_recorded_move_and_gives_the_same_state():
    clock = FixedClock(START)
    snapshot, events = until_approval(clock)
    clock.advance(timedelta(hours=1))
    plan = plan_move(restore(V1, snapshot.state), V2, clock)
    events.append(Logged(len(events) + 1, "instance_migrated", None, {
        "from_version_id": 1, "from_hash": V1.content_hash, "to_version_id": 2,
        "to_hash": V2.content_hash}, clock.now(), V2.content_hash))
    versions = {1: V1, 2: V2}.__getitem__
    replayed = replay_events(V1, events, versions)
    assert compare(V2, plan.snapshot.state, replayed) == []


REVIEW = read_process_dir(PROCESSES / "account_review")


def review_waiting(clock):
    """A review waiting for the owner's answer, its overdue timer counting."""
    seed = {"review_due_at": (START + timedelta(days=10)).isoformat(), "review_grace": "P30D",
            "account_name": "KI Neuro Lab", "channel": "Instagram"}
    process = load(REVIEW)
    snapshot = start_workflow(process, seed, clock)
    clock.advance(timedelta(days=11))
    return process, fire_timers(restore(process, snapshot.state), process, clock)


def review_version(edit_xml):
    return load(ProcessSource(REVIEW.process_id, edit_xml(REVIEW.bpmn_xml), REVIEW.forms,
                              REVIEW.lanes))


def test_a_waiting_timer_keeps_its_due_time_and_the_move_reads_only_its_instant():
    clock = FixedClock(START)
    process, snapshot = review_waiting(clock)
    [timer] = snapshot.timers
    clock.advance(timedelta(days=3))
    renamed = review_version(lambda xml: xml.replace('name="Review the account"',
                                                     'name="Review your account"'))
    plan = plan_move(restore(process, snapshot.state), renamed, clock)
    assert plan.can_move, plan.reasons
    assert [(t.name, t.due_at) for t in plan.snapshot.timers] == [(timer.name, timer.due_at)]
    assert plan.snapshot.ready[0].due_at == timer.due_at
    assert plan.timers_kept == ((timer.name, timer.due_at.isoformat()),)


def test_a_waiting_timer_defined_differently_cannot_move():
    clock = FixedClock(START)
    process, snapshot = review_waiting(clock)
    changed = review_version(lambda xml: xml.replace(">review_grace<", '>"P14D"<'))
    plan = plan_move(restore(process, snapshot.state), changed, clock)
    assert [(r.code, r.params) for r in plan.reasons] == [
        ("move.timer_changed", {"timer": "Review overdue"})]


def test_a_waiting_date_timer_does_not_fire_because_of_a_move():
    clock = FixedClock(START)
    process = load(REVIEW)
    seed = {"review_due_at": (START + timedelta(days=10)).isoformat(), "review_grace": "P30D",
            "account_name": "x", "channel": "y"}
    snapshot = start_workflow(process, seed, clock)
    renamed = review_version(lambda xml: xml.replace('name="Review the account"',
                                                     'name="Review your account"'))
    plan = plan_move(restore(process, snapshot.state), renamed, clock)
    assert plan.can_move and plan.snapshot.ready == []
    assert [t.due_at for t in plan.snapshot.timers] == [START + timedelta(days=10)]
    assert json.loads(plan.snapshot.state)  # a state the store can keep
