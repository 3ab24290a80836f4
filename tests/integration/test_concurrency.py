"""Racing writers: of two completions of one task, exactly one wins and nothing is lost."""

from __future__ import annotations

import multiprocessing
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import Conflict, Engine, FixedClock, Settings, TaskAlreadyDone
from engine.store import Event, Instance
from tests.support.people import ACCOUNT, APPROVE, GUIDELINES, MODERATION, REJECT
from tests.support.walk import do, register, request_until_approval


class GatedUnitOfWork:
    """A unit of work whose writers all wait at a barrier first, so their reads overlap."""

    def __init__(self, inner, barrier):
        self.inner = inner
        self.barrier = barrier

    def read(self):
        """Reads pass straight through."""
        return self.inner.read()

    @contextmanager
    def write(self):
        """Wait until every racer has done its reading, then write."""
        self.barrier.wait(timeout=30)
        with self.inner.write() as session:
            yield session


def race(callables) -> list:
    """Run the callables in threads at once; return each one's result or exception."""
    results: list = [None] * len(callables)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # the test inspects what each racer got
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def counts(engine, instance_id):
    """(task_completed events, lock version) of an instance."""
    with engine.uow.read() as session:
        events = session.scalar(select(func.count()).select_from(Event).where(
            Event.stream == instance_id, Event.kind == "task_completed"))
        version = session.scalar(select(Instance.lock_version).where(Instance.id == instance_id))
    return events, version


def test_two_threads_completing_one_task_one_wins_one_conflicts(engine, org):
    request_id = request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    events_before, version_before = counts(engine, request_id)
    engine.commands.uow = GatedUnitOfWork(engine.uow, threading.Barrier(2))

    results = race([lambda: engine.complete_task(org.manager.id, task.id, APPROVE),
                    lambda: engine.complete_task(org.manager.id, task.id, REJECT)])

    conflicts = [r for r in results if isinstance(r, Conflict)]
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    # The loser is told the task was done meanwhile, and by whom: here, by the same person.
    assert conflicts[0].code == "task.already_done"
    assert conflicts[0].params["by_id"] == org.manager.id
    assert conflicts[0].params["instance_id"] == request_id
    assert counts(engine, request_id) == (events_before + 1, version_before + 1)
    winner = wins[0].next_steps
    expected = {("Register with the communications department",), ("Describe the account",)}
    assert winner in expected
    assert len(engine.inbox(org.staff.id)) == 1, "the loser left no half-written task"
    assert engine.verify_request(org.comms.id, request_id).intact


def test_a_second_submission_racing_the_first_is_told_the_first_was_saved(engine, org):
    request_id = engine.start_request(org.staff.id).instance_id
    [task] = engine.inbox(org.staff.id)
    inner = {}

    def double_click(_fields):  # read after the second click's own check, before its write
        inner["result"] = engine.complete_task(org.staff.id, task.id, GUIDELINES)
        return GUIDELINES

    with pytest.raises(TaskAlreadyDone) as done:
        engine.complete_task(org.staff.id, task.id, double_click)
    assert (done.value.by_id, done.value.instance_id) == (org.staff.id, request_id)
    assert inner["result"].instance_id == request_id
    assert counts(engine, request_id)[0] == 1, "saved once"


def test_two_timer_workers_fire_a_timer_exactly_once(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=400))
    engine.commands.uow = GatedUnitOfWork(engine.uow, threading.Barrier(2))

    sweeps = race([engine.fire_due_timers, engine.fire_due_timers])

    assert sorted(s.fired for s in sweeps) == [0, 1], sweeps
    with engine.uow.read() as session:
        fired = session.scalar(select(func.count()).select_from(Event)
                               .where(Event.kind == "timer_fired"))
    assert fired == 1
    assert [t.task_name for t in engine.inbox(org.staff.id)] == ["periodic_review"]


def _complete_in_process(url, user_id, task_id, data, barrier, queue):
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    engine.commands.uow = GatedUnitOfWork(engine.uow, barrier)
    try:
        engine.complete_task(user_id, task_id, data)
        queue.put("won")
    except Conflict:
        queue.put("conflict")
    except Exception as error:  # reported to the test, which fails on it
        queue.put(f"error: {error!r}")
    finally:
        engine.dispose()


def test_two_processes_completing_one_task_one_wins_one_conflicts(engine, org, database_url):
    request_id = request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    events_before, version_before = counts(engine, request_id)
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_complete_in_process,
                               args=(database_url, org.manager.id, task.id, data, barrier, queue))
               for data in (APPROVE, REJECT)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)

    outcomes = sorted(queue.get(timeout=5) for _ in workers)
    assert outcomes == ["conflict", "won"]
    assert counts(engine, request_id) == (events_before + 1, version_before + 1)


def test_a_broken_instance_does_not_stop_the_sweep(engine, org, clock):
    register(engine, org)
    register(engine, org)
    with engine.uow.write() as session:
        broken = session.scalars(select(Instance).where(
            Instance.process_id == "account_review").order_by(Instance.created_at)).first()
        broken.state = "{not json"
    clock.advance(timedelta(days=400))
    sweep = engine.fire_due_timers()
    assert (sweep.fired, sweep.failed) == (1, 1), sweep
    assert broken.id in sweep.errors[0]


def test_a_manager_change_racing_a_step_never_leaves_the_approval_with_the_old_one(
        engine, org, database_url):
    """Plan moderation (which assigns the approval) and a manager change, written at once."""
    managers = [org.manager, org.director]
    for round_ in range(6):
        old, new = managers[round_ % 2], managers[(round_ + 1) % 2]
        engine.users.update(org.staff.username, manager_username=old.username)
        request_id = engine.start_request(org.staff.id).instance_id
        do(engine, org.staff, "confirm_guidelines", GUIDELINES)
        do(engine, org.staff, "define_account", ACCOUNT)
        [task] = [t for t in engine.inbox(org.staff.id) if t.task_name == "plan_moderation"]
        barrier = threading.Barrier(2)
        engine.commands.uow = GatedUnitOfWork(engine.uow, barrier)
        engine.users.uow = GatedUnitOfWork(engine.uow, barrier)
        results = race([
            lambda task=task: engine.complete_task(org.staff.id, task.id, MODERATION),
            lambda new=new: engine.users.update(org.staff.username, manager_username=new.username),
        ])
        engine.commands.uow = engine.users.uow = engine.uow
        assert not [r for r in results if isinstance(r, Exception)], results
        approvals = [t.instance_id for t in engine.inbox(new.id)
                     if t.task_name == "manager_approval"]
        assert request_id in approvals, f"round {round_}: the approval stayed with {old.name}"
