"""Checking a large diagram: `load_process` against lxml parsing the same bytes alone.

Two diagrams of about 2 MB each: one with tens of thousands of schema errors, one with a chain
of 11,500 gateways that is valid. Checking must stay linear in the size of the file.

    .venv/bin/python -m bench.bench_check
"""

from __future__ import annotations

import time

from lxml import etree

from engine import InvalidDiagram, ProcessSource, load_process
from tests.support.diagrams import many_gateways, many_problems

from .common import print_table


def check(source: ProcessSource) -> int:
    """Problems `load_process` reports for the source (0 when it loads)."""
    try:
        load_process(source, max_bytes=3_000_000)
    except InvalidDiagram as refused:
        return len(refused.problems)
    return 0


def _best_of(runs: int, call) -> float:
    """The fastest of `runs` calls, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main(runs: int = 3) -> None:
    """Time checking each diagram against parsing its bytes with lxml."""
    rows = []
    for name, source in (("40,000 schema errors", many_problems()),
                         ("11,500 gateways", many_gateways()),
                         ("250 gateways (loads)", many_gateways(250))):
        data = source.bpmn_xml.encode("utf-8")
        baseline = _best_of(runs, lambda data=data: etree.fromstring(data))
        checked = _best_of(runs, lambda source=source: check(source))
        rows.append([name, f"{len(data) / 1e6:.2f} MB", str(check(source)),
                     f"{baseline * 1000:.0f} ms", f"{checked * 1000:.0f} ms",
                     f"{checked / baseline:.0f}x"])
    print_table(f"kontoflode check on large diagrams (best of {runs})",
                ["diagram", "size", "problems listed", "lxml parse", "load_process", "ratio"],
                rows)


if __name__ == "__main__":
    main()
