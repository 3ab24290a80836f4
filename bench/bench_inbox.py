"""An inbox from the indexed ready-task table vs restoring every instance to find its tasks.

The baseline is what an engine without the flattened table must do to answer "what may this
person act on": load every running instance, restore it in SpiffWorkflow, and look at its ready
tasks. Both run on the same database in the same run, at two sizes.

    python -m bench.bench_inbox [--sizes 100 400] [--database-url URL]
"""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bench.common import describe, fresh_engine, print_table, timed
from engine.runtime import ready_user_tasks, restore
from engine.store import Instance
from tests.support.people import GUIDELINES


def grow(engine, org, total: int) -> None:
    """Start requests until there are `total`, each past its first step."""
    with engine.uow.read() as session:
        have = len(session.scalars(select(Instance.id)).all())
    for _ in range(total - have):
        engine.start_request(org.staff.id)
    for task in [t for t in engine.inbox(org.staff.id) if t.task_name == "confirm_guidelines"]:
        engine.complete_task(org.staff.id, task.id, GUIDELINES)


def restore_everything(engine) -> int:
    """The naive inbox: restore every running instance and count its ready user tasks."""
    with engine.uow.read() as session:
        rows = session.execute(select(Instance.version_id, Instance.state)
                               .where(Instance.status == "running")).all()
    found = 0
    for version_id, state in rows:
        process = engine.catalog.get(version_id)
        found += len(ready_user_tasks(restore(process, state), process))
    return found


def main() -> None:
    """Measure both at each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    engine, _clock, org = fresh_engine(args.database_url)
    rows = []
    for size in sorted(args.sizes):
        grow(engine, org, size)
        assert len(engine.inbox(org.staff.id)) == size
        ours = describe([timed(lambda: engine.inbox(org.staff.id))
                         for _ in range(args.repeat)])[0]
        naive = describe([timed(lambda: restore_everything(engine))
                          for _ in range(max(3, args.repeat // 5))])[0]
        rows.append([str(size), f"{ours:.2f}", f"{naive:.1f}", f"{ours / naive:.3f}"])
    print_table(f"Inbox of a person with N open tasks ({engine.db.dialect.name})",
                ["N", "indexed table ms", "restore all ms", "ratio"], rows)
    engine.dispose()


if __name__ == "__main__":
    main()
