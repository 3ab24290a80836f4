"""SQL statements and transactions per task completion, as the web's submission makes them.

Counts what reaches the database driver (SQLAlchemy's cursor and transaction events) while one
person completes one task, for each step of the request: SQL statements (transaction control
left out) and transactions. Nothing is timed, so the figures do
not depend on the machine.

    python -m bench.bench_statements [--database-url URL]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy import event

from bench.common import fresh_engine, print_table
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    REGISTER,
    REGISTRATION,
)

STEPS = [("confirm_guidelines", "staff", GUIDELINES), ("define_account", "staff", ACCOUNT),
         ("plan_moderation", "staff", MODERATION), ("manager_approval", "manager", APPROVE),
         ("registration_form", "staff", REGISTRATION), ("register_account", "comms", REGISTER)]


class Counter:
    """Statements and transactions seen on one database engine."""

    def __init__(self, db):
        self.statements = self.transactions = 0
        event.listen(db, "before_cursor_execute", self._statement)
        event.listen(db, "begin", self._begin)

    def _statement(self, _conn, _cursor, statement: str, *args) -> None:
        # SQLite's BEGIN IMMEDIATE goes through the cursor too; it is counted as a transaction.
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements += 1

    def _begin(self, *args) -> None:
        self.transactions += 1

    def measure(self, call: Callable[[], object]) -> tuple[int, int]:
        """(statements, transactions) one call makes."""
        before = (self.statements, self.transactions)
        call()
        return self.statements - before[0], self.transactions - before[1]


def submit(engine, user_id: int, task_id: str, data: dict) -> None:
    """What the web does for one submission: one engine call with a reader of the form."""
    engine.complete_task(user_id, task_id, lambda fields: {
        f.name: data[f.name] for f in fields if f.name in data})


def main() -> None:
    """Print statements and transactions per step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    engine, _clock, org = fresh_engine(args.database_url)
    people = {"staff": org.staff, "manager": org.manager, "comms": org.comms}
    counter = Counter(engine.db)
    started = []
    counts = counter.measure(lambda: started.append(engine.start_request(org.staff.id)))
    request_id = started[0].instance_id
    rows = [["start a request", str(counts[0]), str(counts[1])]]
    for name, who, data in STEPS:
        user = people[who]
        [task] = [t for t in engine.inbox(user.id)
                  if t.instance_id == request_id and t.task_name == name]
        step = (engine, user.id, task.id, data)
        statements, transactions = counter.measure(lambda step=step: submit(*step))
        rows.append([name, str(statements), str(transactions)])
    print_table(f"SQL per completion ({engine.db.dialect.name})",
                ["step", "statements", "transactions"], rows)
    engine.dispose()


if __name__ == "__main__":
    main()
