"""The one worker: each tick runs its jobs in turn (firing due timers is the first job)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from .usecases import TimerSweep

log = logging.getLogger("kontoflode.worker")


class Job(Protocol):
    """One thing the worker does every tick; its result is reported back from `run_once`."""

    name: str

    def __call__(self) -> Any:
        """Do the job once."""


class FireTimers:
    """The timer job: fire every due timer once; a failing instance is retried next tick."""

    name = "timers"

    def __init__(self, engine: Any):
        self.engine = engine

    def __call__(self) -> TimerSweep:
        """One sweep; each failing instance is logged with its traceback and stays due."""
        sweep = self.engine.fire_due_timers()
        for instance_id, error in sweep.failures.items():
            log.error("Timers of instance %s failed; retrying next tick", instance_id,
                      exc_info=(type(error), error, error.__traceback__))
        busy = sweep.fired or sweep.skipped or sweep.failed
        log.log(logging.INFO if busy else logging.DEBUG,
                "Timer sweep: fired %d, skipped %d, failed %d",
                sweep.fired, sweep.skipped, sweep.failed)
        return sweep


class Worker:
    """Runs its jobs every tick; a job that fails is logged and runs again next tick."""

    def __init__(self, engine: Any, jobs: Sequence[Job] | None = None):
        self.engine = engine
        self.jobs: list[Job] = list(jobs) if jobs is not None else [FireTimers(engine)]

    def run_once(self) -> dict[str, Any]:
        """One tick: every job once; returns each job's result by name (None when it failed)."""
        results: dict[str, Any] = {}
        for job in self.jobs:
            try:
                results[job.name] = job()
            except Exception:  # keep the worker alive; the next tick tries again
                log.exception("Job %s failed; it runs again next tick", job.name)
                results[job.name] = None
        return results

    def run_forever(self, interval: float, stop_event: threading.Event) -> None:
        """Tick every `interval` seconds until `stop_event` is set (after the tick in progress)."""
        log.info("Worker started: %s every %g s", ", ".join(j.name for j in self.jobs), interval)
        while not stop_event.is_set():
            self.run_once()
            stop_event.wait(interval)
        log.info("Worker stopped")


@contextmanager
def stop_on_signals(stop_event: threading.Event,
                    signals: Sequence[int] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Set `stop_event` on SIGINT/SIGTERM while inside (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    def handler(*_args) -> None:
        stop_event.set()

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
