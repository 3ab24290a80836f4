"""The one worker: each tick runs its jobs in turn: write deadline reminders, fire due timers,
deliver the outbox, send the daily digests at their hour, and make a checkpoint when one is
due and a key is configured."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from .usecases import DeliveryPort, DeliveryReport, RecordingDelivery, TimerSweep

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


class DeliverOutbox:
    """The outbox job: hand every pending message to the delivery port, each exactly once."""

    name = "outbox"

    def __init__(self, engine: Any, port: DeliveryPort | None = None, worker_name: str = ""):
        self.engine = engine
        self.port = port or RecordingDelivery()
        self.worker_name = worker_name or f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self) -> DeliveryReport:
        """Deliver until nothing is pending (failed messages wait for the next tick)."""
        delivered = failed = 0
        while True:
            report = self.engine.deliver_outbox(self.port, self.worker_name)
            delivered, failed = delivered + report.delivered, failed + report.failed
            if not report.delivered:
                break
        log.log(logging.INFO if delivered or failed else logging.DEBUG,
                "Outbox: delivered %d, failed %d", delivered, failed)
        return DeliveryReport(delivered, failed)


class WriteReminders:
    """The reminder job: write each due task's reminder or overdue notice to the outbox once."""

    name = "reminders"

    def __init__(self, engine: Any, batches: int = 20):
        self.engine = engine
        self.batches = batches  # bounded: a backlog is worked off over several ticks

    def __call__(self) -> int:
        """Write reminders batch by batch until none is due (or the bound); how many."""
        written = 0
        for _ in range(self.batches):
            count = self.engine.write_reminders()
            written += count
            if not count:
                break
        log.log(logging.INFO if written else logging.DEBUG, "Reminders: wrote %d", written)
        return written


class SendDigests:
    """The digest job: at the digest hour, each person's daily digest, exactly once."""

    name = "digests"

    def __init__(self, engine: Any, digest: Any = None, worker_name: str = ""):
        self.digest = digest or engine.daily_digest()
        self.worker_name = worker_name or f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self) -> Any:
        """Send the due digests."""
        report = self.digest.send_due(self.worker_name)
        log.log(logging.INFO if report.sent or report.failed else logging.DEBUG,
                "Digests: sent %d, failed %d", report.sent, report.failed)
        return report


class MakeCheckpoints:
    """The checkpoint job: sign every stream's head when the newest checkpoint is too old."""

    name = "checkpoints"

    def __init__(self, engine: Any, interval: float | None = None):
        self.engine = engine
        self.interval = engine.settings.checkpoint_interval if interval is None else interval

    def __call__(self) -> dict[str, Any]:
        """Make a checkpoint if one is due; the new checkpoint's document, or {} if none was."""
        document = self.engine.anchoring.create_if_due(self.interval)
        if document is None:
            log.debug("Checkpoint: the newest is recent enough")
            return {}
        statement = document["statement"]
        log.info("Checkpoint %s: %d streams, %d events, root %s", document["id"],
                 statement["streams"], statement["events"], statement["root"][:16])
        return document


def default_jobs(engine: Any) -> list[Job]:
    """Reminders, timers, the outbox (mail as the settings say), digests, checkpoints when
    there is a key."""
    port = engine.delivery_port() if hasattr(engine, "delivery_port") else None
    # Reminders before timers: a deadline that is also a timer still shows as passed on the
    # tick it fires. If the timer withdraws the task, its overdue notice is skipped unsent.
    jobs: list[Job] = [WriteReminders(engine)] if hasattr(engine, "write_reminders") else []
    jobs += [FireTimers(engine), DeliverOutbox(engine, port)]
    if hasattr(engine, "daily_digest"):
        jobs.append(SendDigests(engine))
    if getattr(getattr(engine, "settings", None), "checkpoint_key", None) is not None:
        jobs.append(MakeCheckpoints(engine))
    return jobs


class Worker:
    """Runs its jobs every tick; a job that fails is logged and runs again next tick."""

    def __init__(self, engine: Any, jobs: Sequence[Job] | None = None):
        self.engine = engine
        self.jobs: list[Job] = list(jobs) if jobs is not None else default_jobs(engine)

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
