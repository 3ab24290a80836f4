"""The timer worker: fires due timers in a loop until told to stop."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager

from engine import Engine, TimerSweep

log = logging.getLogger("kontoflode.timers")


class TimerWorker:
    """Calls `engine.fire_due_timers()` every `interval` seconds; one failure never stops it."""

    def __init__(self, engine: Engine, interval: float, report: Callable[[str], None]):
        self.engine = engine
        self.interval = interval
        self.report = report
        self.stopping = threading.Event()

    def run_once(self) -> TimerSweep | None:
        """One sweep; errors are logged and reported, not raised."""
        try:
            sweep = self.engine.fire_due_timers()
        except Exception as error:  # keep the worker alive; the next sweep tries again
            log.exception("Timer sweep failed")
            self.report(f"sweep failed: {type(error).__name__}: {error}")
            return None
        if sweep.fired or sweep.failed or sweep.skipped:
            self.report(f"fired {sweep.fired}, skipped {sweep.skipped}, failed {sweep.failed}")
        for message in sweep.errors:
            self.report(f"error: {message}")
        return sweep

    def run(self) -> None:
        """Sweep until `stop()` (or SIGINT/SIGTERM when run from the main thread)."""
        with self._signals():
            while not self.stopping.is_set():
                self.run_once()
                self.stopping.wait(self.interval)

    def stop(self, *_args) -> None:
        """Ask the loop to end after the sweep in progress."""
        self.stopping.set()

    @contextmanager
    def _signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
