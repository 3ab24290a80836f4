"""Completing a task through the real WSGI server (gunicorn) vs SpiffWorkflow alone.

The requests waiting for the manager's approval are prepared through the engine first. Then, for
each number of worker processes and of client threads, gunicorn serves the app on 127.0.0.1
and the clients, each signed in as the manager through the login form, complete a batch of
approvals of their own as a browser does: open the task page (for its CSRF token), post the
form, get the redirect. The baseline is bare SpiffWorkflow completing the same task on the same
states in the same run, each batch just before it goes over HTTP (deserialize, complete, run
the engine steps, serialize; see bench_complete_task). The server's CPU per completion is read
from its worker processes (Linux /proc), which a busy machine disturbs less than wall time.

    python -m bench.bench_http [--completions 150] [--workers 1 2] [--clients 1 4]
                               [--max-seconds 60] [--database-url URL]

The database is a temporary SQLite file unless --database-url (or BENCH_DATABASE_URL) names a
PostgreSQL database, which is wiped first.
"""

from __future__ import annotations

import argparse
import gc
import os
import queue
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_complete_task import prepare, spiff_alone, vanilla_states
from bench.common import fresh_engine, print_table, timed
from tests.support.people import PASSWORD
from tests.support.server import Browser, GunicornServer

APPROVE_FORM = {"manager_decision": "approve"}


@dataclass
class Run:
    """What the clients measured against one server."""

    workers: int
    clients: int
    task_ids: list[str]
    seconds: float = 0.0
    post_ms: list[float] = field(default_factory=list)  # the completing POST alone
    cycle_ms: list[float] = field(default_factory=list)  # task page + POST
    failures: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds the client threads used (this process)
    server_cpu: float | None = None  # CPU seconds gunicorn's workers used meanwhile
    spiff_ms: list[float] = field(default_factory=list)  # the baseline on this batch's states
    spiff_cpu: float = 0.0  # CPU seconds the baseline used
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def per_second(self) -> float:
        return len(self.post_ms) / self.seconds if self.seconds else 0.0


def percentile(samples: list[float], fraction: float) -> float:
    """The sample below which `fraction` of them lie (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def complete_over_http(browser: Browser, task_ids: queue.Queue, deadline: float,
                       run: Run) -> None:
    """One client: take tasks off the queue and complete each through its page's form."""
    while time.monotonic() < deadline:
        try:
            task_id = task_ids.get_nowait()
        except queue.Empty:
            return
        path = f"/tasks/{task_id}"
        start = time.perf_counter()
        try:
            page = browser.get(path)
            posted = time.perf_counter()
            answer = browser.post(path, {**APPROVE_FORM, "csrf_token": page.csrf_token()})
        except Exception as error:  # count it and go on: one bad request is a figure too
            with run.lock:
                run.failures.append(f"{task_id}: {type(error).__name__}: {error}")
            continue
        end = time.perf_counter()
        with run.lock:
            if answer.status == 303 and (answer.location or "").endswith(f"{path}/done"):
                run.post_ms.append((end - posted) * 1000)
                run.cycle_ms.append((end - start) * 1000)
            else:
                run.failures.append(f"{task_id}: status {answer.status}")


def spiff_baseline(run: Run, pairs: list[tuple[str, str]], states: dict[str, str]) -> None:
    """SpiffWorkflow alone on this batch's states, just before the batch goes over HTTP.

    Measured per batch so that each ratio compares two things timed minutes apart at most,
    under the same load on the machine.
    """
    gc.collect()
    cpu = time.process_time()
    run.spiff_ms = [timed(lambda i=i, t=t: spiff_alone(states[i], t)) for i, t in pairs]
    run.spiff_cpu = time.process_time() - cpu


def serve_and_complete(database_url: str, folder: Path, run: Run, max_seconds: float) -> None:
    """Start gunicorn, sign the clients in, and complete the run's tasks over HTTP."""
    workers, clients, task_ids = run.workers, run.clients, run.task_ids
    # Sign-in is not what is measured; its rate limit would only get in the way.
    with GunicornServer(database_url, folder, workers=workers,
                        env={"RATELIMIT_ENABLED": "0"}) as server:
        browsers = [Browser(server.url) for _ in range(clients)]
        for browser in browsers:
            browser.login("manager", PASSWORD)
        warm_up(browsers, task_ids, workers)
        work: queue.Queue = queue.Queue()
        for task_id in task_ids:
            work.put(task_id)
        deadline = time.monotonic() + max_seconds
        threads = [threading.Thread(target=complete_over_http, args=(b, work, deadline, run))
                   for b in browsers]
        server_cpu = server.worker_cpu_seconds()
        cpu, start = time.process_time(), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max_seconds + 30)
        run.seconds = time.perf_counter() - start
        run.client_cpu = time.process_time() - cpu
        if server_cpu is not None:
            run.server_cpu = server.worker_cpu_seconds() - server_cpu


def warm_up(browsers: list[Browser], task_ids: list[str], workers: int) -> None:
    """Open task pages concurrently, unmeasured, so every worker has loaded the process."""
    def look(i: int) -> None:
        browsers[i % len(browsers)].get(f"/tasks/{task_ids[i % len(task_ids)]}")

    for _round in range(2):
        threads = [threading.Thread(target=look, args=(i,)) for i in range(4 * workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=150, help="per run")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4],
                        help="client threads (each count is a run of its own)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per server run")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    args = parser.parse_args()

    engine, _clock, org = fresh_engine(args.database_url)
    database_url = engine.settings.database_url
    plan = [(w, c) for w in args.workers for c in args.clients]
    pairs = prepare(engine, org, args.completions * len(plan))
    states = vanilla_states(engine, pairs)
    engine.db.dispose()  # the server's workers open their own connections

    folder = Path(tempfile.mkdtemp(prefix="kontoflode-bench-http-"))
    runs = []
    for index, (workers, clients) in enumerate(plan):
        batch = pairs[index * args.completions:(index + 1) * args.completions]
        run = Run(workers, clients, [t for _, t in batch])
        spiff_baseline(run, batch, states)
        serve_and_complete(database_url, folder, run, args.max_seconds)
        runs.append(run)
    left = {t.id for t in engine.inbox(org.manager.id)}
    engine.dispose()
    report(runs, left, engine.db.dialect.name, args.completions)


def report(runs: list[Run], left: set[str], dialect: str, completions: int) -> None:
    """Print the table, then what each run did and whether the database agrees."""
    rows = []
    for run in runs:
        spiff_p50 = percentile(run.spiff_ms, 0.5)
        spiff_cpu_ms = run.spiff_cpu * 1000 / len(run.spiff_ms)
        if not run.post_ms:
            rows.append([str(run.workers), str(run.clients), "0", *["-"] * 8])
            continue
        server_cpu_ms = (run.server_cpu * 1000 / len(run.post_ms)
                         if run.server_cpu is not None else None)
        rows.append([
            str(run.workers), str(run.clients), str(len(run.post_ms)), f"{run.per_second:.0f}",
            f"{percentile(run.post_ms, 0.5):.1f}", f"{percentile(run.post_ms, 0.99):.1f}",
            f"{percentile(run.cycle_ms, 0.5):.1f}",
            "-" if server_cpu_ms is None else f"{server_cpu_ms:.1f}",
            f"{1000 / spiff_p50:.0f}", f"{spiff_p50:.2f} / {spiff_cpu_ms:.2f}",
            f"{1000 / spiff_p50 / run.per_second:.1f}",
        ])
    print_table(
        f"Complete the manager's approval over HTTP: gunicorn on {dialect}, "
        f"{completions} per run, {os.cpu_count()} CPUs",
        ["workers", "clients", "done", "per s", "POST p50 ms", "POST p99 ms",
         "page+POST p50 ms", "server CPU ms/done", "spiff alone per s",
         "spiff p50 / CPU ms", "ratio per s"], rows)
    print("\nper s: completions per second of wall time (each: task page, then POST). "
          "server CPU: gunicorn's workers, per completion.\nSpiffWorkflow alone: one thread, "
          "the same states just before; per s = 1000 / its p50. ratio = its per s / ours.")
    for run in runs:
        completed = len(set(run.task_ids) - left)  # what the database says, not the clients
        print(f"\n{run.workers} worker(s), {run.clients} client(s): {run.seconds:.1f} s, "
              f"{completed} of {len(run.task_ids)} approvals done in the database, "
              f"client threads used {run.client_cpu / run.seconds:.0%} of one CPU, "
              f"{len(run.failures)} failed"
              f"{': ' + run.failures[0] if run.failures else ''}")
        assert completed >= len(run.post_ms), "a 303 without the task being completed"

if __name__ == "__main__":
    main()
