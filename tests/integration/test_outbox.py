"""The outbox: messages written in the step's own transaction, delivered exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import Conflict, Engine, Settings
from engine.store import Instance, NewEvent, OutboxMessage, append_events
from tests.integration.test_concurrency import GatedUnitOfWork, race
from tests.support.people import APPROVE, REJECT
from tests.support.walk import do, register, request_until_approval


def messages(engine, **where) -> list[OutboxMessage]:
    """Outbox rows, oldest first, narrowed by column values."""
    with engine.uow.read() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query).all())


class CollectingPort:
    """A delivery port that remembers every message id it was handed."""

    def __init__(self, fail_kinds=()):
        self.delivered: list[int] = []
        self.fail_kinds = set(fail_kinds)
        self.lock = threading.Lock()

    def deliver(self, message):
        """Record the message, or fail for the kinds asked to."""
        if message.kind in self.fail_kinds:
            raise RuntimeError("mail server down")
        with self.lock:
            self.delivered.append(message.id)


def test_starting_a_request_tells_the_requester_their_first_task(engine, org):
    request_id = engine.start_request(org.staff.id).instance_id
    [message] = messages(engine, instance_id=request_id)
    assert (message.kind, message.user_id, message.role) == ("task_ready", org.staff.id, None)
    assert message.params["task_name"] == "confirm_guidelines"
    assert message.delivered_at is None


def test_approval_tells_the_requester_and_readies_their_next_task(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    found = [(m.kind, m.user_id, m.role, m.params.get("task_name"))
             for m in messages(engine, instance_id=request_id)]
    assert ("task_ready", org.manager.id, None, "manager_approval") in found
    assert found[-2:] == [("task_ready", org.staff.id, None, "registration_form"),
                          ("request_approved", org.staff.id, None, None)]


def test_sending_back_carries_the_reason(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    [sent_back] = messages(engine, instance_id=request_id, kind="request_sent_back")
    assert sent_back.user_id == org.staff.id
    assert sent_back.params["reason"] == REJECT["rejection_reason"]


def test_registration_and_the_review_cycle_tell_people(engine, org, clock):
    request_id = register(engine, org)
    assert messages(engine, instance_id=request_id, kind="account_registered")
    clock.advance(timedelta(days=400))
    engine.fire_due_timers()
    [due] = messages(engine, kind="review_due")
    assert due.user_id == org.staff.id
    clock.advance(timedelta(days=60))
    engine.fire_due_timers()
    [escalated] = messages(engine, kind="review_escalated")
    assert escalated.role == "communications"
    [ready] = messages(engine, instance_id=escalated.instance_id, kind="task_ready",
                       role="communications")
    assert ready.params["task_name"] == "escalated_review"


def test_a_lost_race_writes_neither_step_nor_messages(engine, org):
    request_id = request_until_approval(engine, org)
    [task] = engine.inbox(org.manager.id)
    before = len(messages(engine, instance_id=request_id))
    engine.commands.uow = GatedUnitOfWork(engine.uow, threading.Barrier(2))
    results = race([lambda: engine.complete_task(org.manager.id, task.id, APPROVE),
                    lambda: engine.complete_task(org.manager.id, task.id, REJECT)])
    assert sum(isinstance(r, Conflict) for r in results) == 1
    after = messages(engine, instance_id=request_id)
    decided = [m.kind for m in after[before:] if m.kind != "task_ready"]
    assert len(decided) == 1, "only the winner's step has messages"
    assert decided[0] in {"request_approved", "request_sent_back"}


def test_every_step_that_readies_a_task_wrote_its_message(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=400))
    engine.fire_due_timers()
    with engine.uow.read() as session:
        instances = session.scalar(select(func.count()).select_from(Instance))
    ready = messages(engine, kind="task_ready")
    # Six steps of the request plus the review that fell due, across both instances.
    assert len(ready) == 7 and instances == 2
    assert len({m.params["task_id"] for m in ready}) == 7


def test_delivery_marks_each_message_once_and_retries_failures(engine, org, clock):
    register(engine, org)
    pending = messages(engine)
    port = CollectingPort(fail_kinds={"account_registered"})
    report = engine.deliver_outbox(port, "worker-a")
    assert report.failed == 1 and report.delivered == len(pending) - 1
    assert engine.deliver_outbox(CollectingPort(), "worker-b").delivered == 0, "backing off"
    clock.advance(timedelta(minutes=1))
    assert engine.deliver_outbox(CollectingPort(), "worker-b").delivered == 1
    assert engine.deliver_outbox(CollectingPort(), "worker-b").delivered == 0
    retried = messages(engine, kind="account_registered")[0]
    assert (retried.attempts, retried.delivered_by) == (2, "worker-b")
    assert "mail server down" in retried.last_error


def test_a_message_that_keeps_failing_backs_off_then_stops_being_tried(engine, org, clock):
    engine.start_request(org.staff.id)
    port = CollectingPort(fail_kinds={"task_ready"})
    waits = []
    for _ in range(engine.outbox.max_attempts + 2):
        engine.deliver_outbox(port, "worker-a")
        [message] = messages(engine)
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - clock.now())
        clock.advance(timedelta(hours=1))
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert message.attempts == engine.outbox.max_attempts
    assert message.delivered_at is None and message.failed_at is not None


def test_a_stale_lease_is_taken_again(engine, org, clock):
    engine.start_request(org.staff.id)
    with engine.uow.write() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        row.claimed_at, row.claimed_by, row.attempts = clock.now(), "crashed", 1
    assert engine.deliver_outbox(CollectingPort(), "worker-b").delivered == 0
    clock.advance(engine.outbox.lease)
    assert engine.deliver_outbox(CollectingPort(), "worker-b").delivered == 1
    [message] = messages(engine)
    assert (message.delivered_by, message.attempts, message.claimed_by) == ("worker-b", 2, None)


def test_mail_of_a_cancelled_request_is_skipped_not_sent(engine, org):
    request_id = engine.start_request(org.staff.id).instance_id
    with engine.uow.write() as session:
        append_events(session, request_id, [NewEvent("request_cancelled", {})], "",
                      engine.clock.now())
    port = CollectingPort()
    engine.deliver_outbox(port, "worker-a")
    [message] = messages(engine, instance_id=request_id)
    assert port.delivered == [] and message.skipped_at is not None


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_racing_deliver_every_message_exactly_once(engine, org, database_url, clock,
                                                           workers):
    for _ in range(6):
        request_until_approval(engine, org)
    total = len(messages(engine))
    port = CollectingPort()
    engines = [Engine(Settings.from_env({}, database_url=database_url), clock=clock)
               for _ in range(workers)]
    try:
        def drain(index):
            def run():
                while engines[index].deliver_outbox(port, f"w{index}", limit=3).delivered:
                    pass
            return run
        results = race([drain(i) for i in range(workers)])
    finally:
        for built in engines:
            built.dispose()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Counter(port.delivered) == Counter(m.id for m in messages(engine))
    assert len(port.delivered) == total
    assert all(m.delivered_at is not None for m in messages(engine))
