"""The inbox of a person with a few tasks, among 1,000 and among 100,000 requests.

A manager and a communications officer each have a few tasks; every other request belongs to
someone else (copies of real requests, see `bench.inbox_fill`). At each size it times
`engine.inbox_page` (the default page, a step filter, a text search, sorted by deadline) and
the web's GET /inbox through Flask's test client, signed in. The baseline is the smallest size
in the same run: the figure to watch is the ratio, which should stay near 1.

    python -m bench.bench_inbox_scale [--sizes 1000 100000] [--repeat 30] [--database-url URL]
                                      [--explain]
"""

from __future__ import annotations

import argparse
import time

from bench.common import describe, fresh_engine, print_table, timed
from bench.inbox_fill import fill, load_templates, seed_requests
from bench.sql_plans import explain_calls
from engine import InboxFilter
from tests.support.people import PASSWORD
from web import create_app

FEW = 4  # tasks of each measured person


def cases(step: str) -> list[tuple[str, InboxFilter]]:
    """The inbox pages measured for a person whose tasks are at `step`."""
    return [("default", InboxFilter()), ("step filter", InboxFilter(step=step)),
            ("text search", InboxFilter(text="neuro")),
            ("sort by deadline", InboxFilter(sort="deadline"))]


def signed_in(app, username: str):
    """A test client signed in through the login form, as a person does."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 303, response.status_code
    return client


def get_inbox(client) -> None:
    """GET /inbox; anything but a page is a failure of the benchmark."""
    response = client.get("/inbox")
    assert response.status_code == 200, response.status_code


def analyze(db) -> None:
    """Fresh planner statistics on PostgreSQL, as its autovacuum keeps them after bulk loads."""
    if db.dialect.name == "postgresql":
        with db.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def measure(engine, app, people, repeat: int) -> dict[str, float]:
    """Median milliseconds of every case for every person at the database's current size."""
    found = {}
    for label, user, step in people:
        for name, wanted in cases(step):
            page = engine.inbox_page(user.id, wanted)
            assert page.unfiltered == FEW, (label, page.unfiltered)
            found[f"{label}: inbox_page, {name}"] = describe(
                [timed(lambda u=user, w=wanted: engine.inbox_page(u.id, w))
                 for _ in range(repeat)])[0]
        client = signed_in(app, user.username)
        get_inbox(client)  # the first page warms the templates
        found[f"{label}: GET /inbox"] = describe(
            [timed(lambda c=client: get_inbox(c)) for _ in range(repeat)])[0]
    return found


def show_plans(engine, people) -> None:
    """The database's plan for every statement of the measured pages."""
    label, user, step = people[1]
    calls = [lambda w=wanted: engine.inbox_page(user.id, w) for _name, wanted in cases(step)]
    calls.append(lambda: engine.inbox_count(user.id))
    print(f"\nQuery plans ({engine.db.dialect.name}, {label})")
    for statement, plan in explain_calls(engine.db, calls):
        print("\n" + " ".join(statement.split())[:300])
        print("\n".join("    " + line for line in plan))


def report(database: str, sizes: list[int], figures: list[dict[str, float]]) -> None:
    """The table: a column of medians per size, and the largest size over the smallest."""
    rows = [[what, *(f"{f[what]:.2f}" for f in figures),
             f"{figures[-1][what] / figures[0][what]:.2f}"] for what in figures[0]]
    print_table(f"Inbox of a person with {FEW} tasks, median ms ({database})",
                ["what", *(f"{s:,} requests" for s in sizes),
                 f"ratio {sizes[-1]:,}/{sizes[0]:,}"], rows)


def main() -> None:
    """Fill to each size, measure, and print the medians and the ratio to the smallest size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--explain", action="store_true", help="print the SQL plans at the end")
    args = parser.parse_args()
    engine, _clock, org = fresh_engine(args.database_url)
    templates = load_templates(engine, org, seed_requests(engine, org, FEW))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False},
                     engine=engine)
    people = [("manager", org.manager, "manager_approval"),
              ("communications", org.comms, "register_account")]
    sizes, figures = sorted(args.sizes), []
    for size in sizes:
        start = time.perf_counter()
        fill(engine, templates, size)
        analyze(engine.db)
        print(f"filled to {size:,} requests in {time.perf_counter() - start:.1f} s")
        figures.append(measure(engine, app, people, args.repeat))
    report(engine.db.dialect.name, sizes, figures)
    if args.explain:
        show_plans(engine, people)
    engine.dispose()


if __name__ == "__main__":
    main()
