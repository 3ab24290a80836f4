"""The worker on a real engine: a broken instance is logged in full and retried next tick."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from engine import Worker
from engine.store import Instance
from engine.worker import DeliverOutbox, FireTimers
from tests.integration.test_outbox import CollectingPort, messages
from tests.support.walk import register


def test_a_failing_instance_is_logged_and_fired_on_the_next_tick(engine, org, clock, caplog):
    caplog.set_level(logging.INFO, logger="kontoflode")
    register(engine, org)
    with engine.uow.write() as session:
        review = session.scalars(select(Instance).where(
            Instance.process_id == "account_review")).one()
        good_state, review_id = review.state, review.id
        review.state = "{not json"
    clock.advance(timedelta(days=400))
    worker = Worker(engine)

    sweep = worker.run_once()["timers"]
    assert (sweep.fired, sweep.failed) == (0, 1)
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and review_id in failed[0].getMessage()
    assert failed[0].exc_info is not None
    assert "Traceback (most recent call last)" in caplog.text

    with engine.uow.write() as session:  # an operator repairs the instance
        session.get(Instance, review_id).state = good_state
    caplog.clear()
    sweep = worker.run_once()["timers"]
    assert (sweep.fired, sweep.failed) == (1, 0), "the failed instance is retried"
    assert "Timer sweep: fired 1, skipped 0, failed 0" in caplog.text
    assert worker.run_once()["timers"].fired == 0, "and fires once"


def test_a_tick_fires_the_review_and_delivers_what_it_caused(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=400))
    port = CollectingPort()
    worker = Worker(engine, [FireTimers(engine), DeliverOutbox(engine, port, "tick-test")])

    results = worker.run_once()
    assert results["timers"].fired == 1
    assert results["outbox"].delivered == len(messages(engine)) == len(port.delivered)
    [due] = messages(engine, kind="review_due")
    assert due.id in port.delivered and due.delivered_by == "tick-test"
    assert worker.run_once()["outbox"].delivered == 0
