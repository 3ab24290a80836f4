"""Shared set-up and reporting for the benchmarks."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from engine import Engine, FixedClock, Settings
from tests.support.databases import create_tables
from tests.support.people import make_org


def fresh_engine(database_url: str | None = None):
    """An engine on an empty database (a temporary SQLite file unless a URL is given)."""
    if database_url is None:
        folder = Path(tempfile.mkdtemp(prefix="kontoflode-bench-"))
        database_url = f"sqlite:///{folder / 'bench.db'}"
    elif database_url.startswith("postgresql"):
        from tests.support.databases import fresh_database_url

        database_url = fresh_database_url(Path(tempfile.mkdtemp()), database_url)
    create_tables(database_url)
    clock = FixedClock()
    engine = Engine(Settings.from_env({}, database_url=database_url), clock=clock)
    engine.deploy_all()
    return engine, clock, make_org(engine)


def timed(call: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def describe(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile of a list of milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """Print an aligned text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
