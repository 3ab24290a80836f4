"""Filling a database with many requests fast: copies of real requests' rows, bulk inserted.

A few requests are driven through the engine to each step; their instance, inbox and event rows
are then copied with fresh ids for people made only for the filling (requesters and their
managers), so the tables hold what real requests would, without running 100,000 of them
through `start_request`. The copies' event chains are not recomputed: the inbox never reads
events, they are there so the database has its real size and shape.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import func, insert, select

from bench.bench_statements import STEPS
from engine.store import Event, Instance, ReadyTask, User, UserRole

REQUESTERS = 500  # people who fill the database, each with a manager among MANAGERS
MANAGERS = 50


@dataclass
class Templates:
    """Real requests whose rows are copied, and the people the copies go to."""

    instances: list[dict]  # rows as column values
    tasks: dict[str, dict]  # by instance id; a finished request has none
    events: dict[str, list[dict]]
    requesters: list[int]
    manager_of: dict[int, int]
    template_people: tuple[int, int]  # (requester, manager) of the templates


def request_at(engine, org, done: int) -> str:
    """A request of the staff member's with its first `done` steps completed."""
    request_id = engine.start_request(org.staff.id).instance_id
    people = {"staff": org.staff, "manager": org.manager, "comms": org.comms}
    for _name, who, data in STEPS[:done]:
        user = people[who]
        [task] = [t for t in engine.inbox(user.id) if t.instance_id == request_id]
        engine.complete_task(user.id, task.id, data)
    return request_id


def seed_requests(engine, org, few: int) -> list[str]:
    """`few` approvals for the manager, `few` registrations for communications; return the
    templates: a request at each step a requester or the manager acts on, and one done."""
    approvals = [request_at(engine, org, 3) for _ in range(few)]
    for _ in range(few):
        request_at(engine, org, 5)
    return [request_at(engine, org, done) for done in (0, 1, 2, 4, 6)] + approvals[:1]


def load_templates(engine, org, ids: list[str]) -> Templates:
    """Read the template rows and make the people the copies belong to."""
    with engine.uow.read() as session:
        instances = [_columns(i) for i in session.scalars(
            select(Instance).where(Instance.id.in_(ids)))]
        tasks = {t.instance_id: _columns(t) for t in session.scalars(
            select(ReadyTask).where(ReadyTask.instance_id.in_(ids)))}
        events = {i: [_columns(e, skip=("id",)) for e in session.scalars(
            select(Event).where(Event.stream == i).order_by(Event.seq))] for i in ids}
    requesters, manager_of = _make_people(engine)
    return Templates(instances, tasks, events, requesters, manager_of,
                     (org.staff.id, org.manager.id))


def _make_people(engine) -> tuple[list[int], dict[int, int]]:
    """Managers and requesters without passwords (nobody signs in as them)."""
    with engine.uow.write() as session:
        first = (session.scalar(select(func.max(User.id))) or 0) + 1
        now = engine.clock.now()
        managers = list(range(first, first + MANAGERS))
        requesters = list(range(first + MANAGERS, first + MANAGERS + REQUESTERS))
        rows = [{"id": i, "username": f"fill{i}", "name": f"Filler {i}",
                 "email": f"fill{i}@example.ki.se", "password_hash": None,
                 "manager_id": None if i in managers else managers[i % MANAGERS],
                 "active": True, "created_at": now} for i in managers + requesters]
        session.execute(insert(User), rows)
        session.execute(insert(UserRole), [{"user_id": i, "role": "manager"} for i in managers]
                        + [{"user_id": i, "role": "staff"} for i in requesters])
    return requesters, {r: managers[r % MANAGERS] for r in requesters}


def fill(engine, templates: Templates, total: int, batch: int = 2000) -> None:
    """Copy the templates until the database holds `total` requests."""
    with engine.uow.read() as session:
        have = session.scalar(select(func.count()).select_from(Instance))
    rows: dict[type, list[dict]] = {Instance: [], ReadyTask: [], Event: []}
    for n in range(have, total):
        _copy(templates, n, rows)
        if len(rows[Instance]) >= batch:
            _flush(engine, rows)
    _flush(engine, rows)


def _copy(templates: Templates, n: int, rows: dict[type, list[dict]]) -> None:
    """The rows of copy number `n`: someone else's request, started `n` minutes earlier."""
    template = templates.instances[n % len(templates.instances)]
    requester = templates.requesters[n % len(templates.requesters)]
    people = dict(zip(templates.template_people, (requester, templates.manager_of[requester]),
                      strict=True))
    new_id, earlier = str(uuid.uuid4()), timedelta(minutes=n)
    title = replace(template["title"], params={**template["title"].params,
                                               "account_name": f"Unit {n} channel"})
    rows[Instance].append(template | {
        "id": new_id, "started_by": requester, "title": title, "account_id": None,
        "created_at": template["created_at"] - earlier,
        "updated_at": template["updated_at"] - earlier})
    task = templates.tasks.get(template["id"])
    if task is not None:
        rows[ReadyTask].append(task | {
            "id": str(uuid.uuid4()), "instance_id": new_id, "requester_id": requester,
            "assignee_id": people.get(task["assignee_id"], task["assignee_id"]),
            "request_title": title, "created_at": task["created_at"] - earlier,
            "due_at": task["due_at"] and task["due_at"] - earlier})
    for event in templates.events[template["id"]]:
        rows[Event].append(event | {"stream": new_id, "instance_id": new_id,
                                    "actor_id": people.get(event["actor_id"], event["actor_id"])})


def _columns(row, skip: tuple[str, ...] = ()) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def _flush(engine, rows: dict[type, list[dict]]) -> None:
    with engine.db.begin() as conn:
        for model in (Instance, ReadyTask, Event):  # the inbox rows refer to their instance
            if rows[model]:
                _insert(conn, model.__table__, rows[model])
            rows[model].clear()


def _insert(conn, table, rows: list[dict]) -> None:
    """Insert many rows: SQLite's executemany is fast; PostgreSQL's goes through COPY."""
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    # psycopg sends an executemany a statement a row (about 5,000 rows a second); COPY streams.
    columns = [c for c in table.columns if c.key in rows[0]]
    to_db = [c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in columns]
    names = ", ".join(c.name for c in columns)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([put(row[c.key]) if put else row[c.key]
                            for c, put in zip(columns, to_db, strict=True)])
