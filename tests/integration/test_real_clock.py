"""With the real clock, two timer workers racing: every instance replays to its stored state.

A step must see one instant, the one its event records. SpiffWorkflow sets a review's "overdue"
deadline from the clock when the "due" timer fires; if that clock were read a moment after the
event's time, replaying the log would set a different deadline and the record would not hold.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from engine import Engine, FixedClock, Settings, SystemClock
from engine.store import Event, Instance
from tests.integration.test_concurrency import race
from tests.support.people import make_org
from tests.support.walk import register

# Monthly reviews from January 2026 are long due by the real clock; each then waits an hour on
# its owner, with an "overdue" deadline set from the instant the "due" timer fired.
FAST = {"review_interval": "P1M", "review_grace": "PT1H"}


def test_replay_matches_after_two_real_clock_workers(database_url):
    past = Engine(Settings.from_env({}, database_url=database_url, **FAST), clock=FixedClock())
    past.deploy_all()
    org = make_org(past)
    for _ in range(3):
        register(past, org)
    past.dispose()

    workers = [Engine(Settings.from_env({}, database_url=database_url, **FAST),
                      clock=SystemClock()) for _ in range(2)]
    stop = time.monotonic() + 3

    def sweep_until_stopped(engine):
        def run():
            while time.monotonic() < stop:
                engine.fire_due_timers()
                threading.Event().wait(0.2)
        return run

    try:
        results = race([sweep_until_stopped(w) for w in workers])
        assert not [r for r in results if isinstance(r, Exception)], results
        checker = workers[0]
        with checker.uow.read() as session:
            instance_ids = session.scalars(select(Instance.id)).all()
            fired = session.scalars(select(Event.payload).where(Event.kind == "timer_fired")).all()
        assert [p["timer"] for p in fired] == ["Review due"] * 3, fired
        mismatched = [i for i in instance_ids if not checker.auditing.replay(i).matches]
        assert mismatched == []
    finally:
        for worker in workers:
            worker.dispose()
