"""Two worker processes ticking at the same moment, each with its own engine and connections."""

from __future__ import annotations

import threading

from engine import Engine, Worker


def tick_two_workers_at_once(engine: Engine, clock) -> None:
    """Run one tick of two workers (this engine's and a second one's) released together."""
    other = Engine(engine.settings, clock=clock)  # a second worker process's engine
    try:
        workers = [Worker(engine), Worker(other)]
        barrier = threading.Barrier(2)

        def tick(worker):
            barrier.wait(timeout=30)
            worker.run_once()

        threads = [threading.Thread(target=tick, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        other.dispose()
