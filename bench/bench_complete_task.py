"""Completing a task through the engine's services vs SpiffWorkflow alone on the same state.

The baseline is what any SpiffWorkflow application must do for one step: deserialize the
instance (its JSON with the spec embedded, as SpiffWorkflow writes it), complete the task, run
the engine steps and serialize again. The service adds authorization, form validation, the
inbox and timer rows, the event log and the database transaction.

    python -m bench.bench_complete_task [--instances 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import select

from bench.common import describe, fresh_engine, print_table, timed
from engine.runtime import restore
from engine.runtime._state import _SCRIPT_ENGINE
from engine.store import Instance
from tests.support.people import ACCOUNT, APPROVE, GUIDELINES, MODERATION

VANILLA = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(dict(SPIFF_CONFIG)))


def prepare(engine, org, count: int) -> list[tuple[str, str]]:
    """`count` requests waiting for the manager's approval: (instance id, task id) pairs."""
    for _ in range(count):
        engine.start_request(org.staff.id)
    for name, data in (("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
                       ("plan_moderation", MODERATION)):
        for task in [t for t in engine.inbox(org.staff.id) if t.task_name == name]:
            engine.complete_task(org.staff.id, task.id, data)
    return [(t.instance_id, t.id) for t in engine.inbox(org.manager.id)]


def spiff_alone(full_json: str, task_id: str) -> None:
    """One step as bare SpiffWorkflow does it: deserialize, complete, run, serialize."""
    workflow = VANILLA.deserialize_json(full_json)
    workflow.script_engine = _SCRIPT_ENGINE
    task = workflow.get_task_from_id(UUID(task_id))
    task.data.update(APPROVE)
    task.run()
    workflow.do_engine_steps()
    VANILLA.serialize_json(workflow)


def vanilla_states(engine, pairs) -> dict[str, str]:
    """Each instance's state as SpiffWorkflow's own serializer writes it (spec included)."""
    with engine.uow.read() as session:
        rows = session.execute(select(Instance.id, Instance.version_id, Instance.state)).all()
    states = {}
    for instance_id, version_id, state in rows:
        process = engine.catalog.get(version_id)
        states[instance_id] = VANILLA.serialize_json(restore(process, state))
    return {i: states[i] for i, _ in pairs}


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    engine, _clock, org = fresh_engine(args.database_url)
    pairs = prepare(engine, org, args.instances)
    states = vanilla_states(engine, pairs)
    gc.collect()
    baseline = [timed(lambda i=i, t=t: spiff_alone(states[i], t)) for i, t in pairs]
    service = [timed(lambda t=t: engine.complete_task(org.manager.id, t, APPROVE))
               for _, t in pairs]
    rows = []
    for label, samples in (("SpiffWorkflow alone", baseline), ("engine.complete_task", service)):
        median, p95 = describe(samples)
        rows.append([label, f"{median:.2f}", f"{p95:.2f}", f"{1000 / median:.0f}"])
    ratio = describe(service)[0] / describe(baseline)[0]
    print_table(f"Complete one task ({len(pairs)} instances, {engine.db.dialect.name})",
                ["path", "median ms", "p95 ms", "per second"], rows)
    print(f"\nratio service / SpiffWorkflow alone (medians): {ratio:.2f}")
    engine.dispose()


if __name__ == "__main__":
    main()
