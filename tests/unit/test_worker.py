"""The worker's loop, with fake jobs: it survives failures, stops when asked, ticks in order."""

from __future__ import annotations

import logging
import os
import signal
import threading

from engine import DeliveryReport, TimerSweep, Worker, stop_on_signals


class FlakyEngine:
    """Fails on the first sweep, then works: the worker must survive the failure."""

    def __init__(self):
        self.calls = 0

    def fire_due_timers(self):
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("database is locked")
        return TimerSweep(fired=1, skipped=0, failed=0)

    def deliver_outbox(self, port, worker):
        return DeliveryReport(delivered=0, failed=0)


def test_the_worker_survives_a_failing_sweep(caplog):
    caplog.set_level(logging.DEBUG, logger="kontoflode")
    worker = Worker(FlakyEngine())
    assert worker.run_once() == {"timers": None, "outbox": DeliveryReport(0, 0)}
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.name for r in failed] == ["kontoflode.worker"]
    assert "Job timers failed" in failed[0].getMessage()
    assert "RuntimeError: database is locked" in caplog.text, "the traceback is logged"
    assert worker.run_once()["timers"].fired == 1
    assert "Timer sweep: fired 1, skipped 0, failed 0" in caplog.text


class Recorder:
    """A job that notes each call in a shared list."""

    def __init__(self, name, seen):
        self.name, self.seen = name, seen

    def __call__(self):
        self.seen.append(self.name)
        return len(self.seen)


def test_each_tick_runs_every_job_in_order():
    seen = []
    worker = Worker(None, [Recorder("timers", seen), Recorder("outbox", seen)])
    assert worker.run_once() == {"timers": 1, "outbox": 2}
    worker.run_once()
    assert seen == ["timers", "outbox", "timers", "outbox"]


def test_the_loop_stops_when_asked():
    engine = FlakyEngine()
    stopping = threading.Event()
    thread = threading.Thread(target=Worker(engine).run_forever, args=(0.01, stopping))
    thread.start()
    while engine.calls < 3:
        threading.Event().wait(0.01)
    stopping.set()
    thread.join(timeout=2)
    assert not thread.is_alive()


def test_the_loop_stops_cleanly_on_sigterm():
    before = signal.getsignal(signal.SIGTERM)
    stopping = threading.Event()
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()
    with stop_on_signals(stopping):
        Worker(FlakyEngine()).run_forever(0.01, stopping)  # returns instead of dying
    assert stopping.is_set()
    assert signal.getsignal(signal.SIGTERM) == before
