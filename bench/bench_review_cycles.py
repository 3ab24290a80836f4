"""Does an account get slower to advance with every yearly review? One instance per cycle vs a loop.

Kontoflöde runs each review cycle as its own short `account_review` instance. The alternative
(the baseline here, measured in the same run) is the loop drawn in one diagram: the "keep"
flow returns to the review timer, and SpiffWorkflow keeps every past iteration in the state.
For each cycle the table shows the state's size and the time to restore it, fire the timer,
complete the review and serialize again.

    python -m bench.bench_review_cycles [--cycles 20] [--repeat 30]
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.common import describe, print_table, timed
from engine import FixedClock, load_process, read_process_dir
from engine.definitions import Contract
from engine.runtime import complete_user_task, fire_timers, restore, start_workflow
from tests.support.people import KEEP

REVIEW_DIR = Path(__file__).resolve().parents[1] / "processes" / "account_review"
LOOP_SEED = {"review_interval": "P12M", "review_grace": "P30D"}


def cycle_seed(clock: FixedClock) -> dict:
    """What the engine seeds a review cycle with: its due time, a year on, and the grace."""
    due = clock.now().replace(year=clock.now().year + 1)
    return {"review_due_at": due.isoformat(), "review_grace": "P30D"}


def looping_process():
    """The review diagram with "keep" drawn back to a relative timer: one instance, every cycle."""
    source = read_process_dir(REVIEW_DIR)
    xml = source.bpmn_xml.replace(
        'sourceRef="review_decided" targetRef="review_passed"',
        'sourceRef="review_decided" targetRef="review_due"').replace(
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">review_due_at</bpmn:timeDate>',
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">review_interval</bpmn:timeDuration>')
    # "Review passed" is no longer reached: the loop takes its place.
    xml = re.sub(r'<bpmn:endEvent id="review_passed".*?</bpmn:endEvent>', "", xml, flags=re.S)
    xml = xml.replace("<bpmn:flowNodeRef>review_passed</bpmn:flowNodeRef>", "")
    # The loop is started with its interval and grace: given at start, as the plug-in does.
    return load_process(replace(source, bpmn_xml=xml),
                        contract=Contract("account_review", given=tuple(LOOP_SEED)))


def one_cycle(process, state: str, clock: FixedClock):
    """Advance a year, fire the timer, complete the review: the state after it."""
    clock.advance(timedelta(days=367))
    snapshot = fire_timers(restore(process, state), process, clock)
    [task] = snapshot.ready
    return complete_user_task(restore(process, snapshot.state), process, task.task_id, KEEP,
                              clock)


def measure(process, state: str, start, repeat: int) -> float:
    """Median milliseconds of one cycle from this state, each run on a clock set to `start`."""
    samples = [timed(lambda: one_cycle(process, state, FixedClock(start)))
               for _ in range(repeat)]
    return describe(samples)[0]


def main() -> None:
    """Run both designs for the same number of cycles and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    per_cycle = load_process(read_process_dir(REVIEW_DIR),
                             contract=Contract("account_review", given=tuple(cycle_seed(
                                 FixedClock()))))
    looping = looping_process()
    clock = FixedClock()
    loop_state = start_workflow(looping, LOOP_SEED, clock).state
    rows, first = [], None
    for cycle in range(1, args.cycles + 1):
        fresh_state = start_workflow(per_cycle, cycle_seed(clock), FixedClock(clock.now())).state
        ours = measure(per_cycle, fresh_state, clock.now(), args.repeat)
        theirs = measure(looping, loop_state, clock.now(), args.repeat)
        first = first or (ours, theirs)
        if cycle in (1, 2, 5, 10) or cycle == args.cycles:
            rows.append([str(cycle), f"{len(fresh_state):,}", f"{ours:.2f}",
                         f"{len(loop_state):,}", f"{theirs:.2f}"])
        loop_state = one_cycle(looping, loop_state, clock).state
    print_table("One review cycle: instance per cycle (ours) vs one looping instance",
                ["cycle", "ours bytes", "ours ms", "loop bytes", "loop ms"], rows)
    print(f"\nslow-down at cycle {args.cycles} vs cycle 1: ours {ours / first[0]:.2f}x, "
          f"loop {theirs / first[1]:.2f}x")
    print(f"ratio ours / loop at cycle {args.cycles}: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
