"""The database's own plan for the statements some calls make (EXPLAIN, on either database)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event


def explain_calls(db, calls: list[Callable[[], object]]) -> list[tuple[str, list[str]]]:
    """Each distinct SELECT the calls make, with its plan lines, in the order first made."""
    seen: dict[str, object] = {}

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.setdefault(statement, parameters)

    event.listen(db, "before_cursor_execute", remember)
    try:
        for call in calls:
            call()
    finally:
        event.remove(db, "before_cursor_execute", remember)
    return [(statement, plan(db, statement, parameters))
            for statement, parameters in seen.items()]


def plan(db, statement: str, parameters) -> list[str]:
    """The plan of one statement with its parameters, as text lines."""
    sqlite = db.dialect.name == "sqlite"
    with db.connect() as conn:
        rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement,
                                    parameters).all()
    # SQLite: (id, parent, unused, detail); PostgreSQL: one text column a line.
    return [row[3] for row in rows] if sqlite else [row[0] for row in rows]
