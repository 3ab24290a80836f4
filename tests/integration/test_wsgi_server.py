"""The app served as `make run` serves it: gunicorn, two worker processes, one SQLite file (WAL).

The database is built as `make demo` builds it (Alembic migrations, the processes deployed, the
demo organisation), and everything goes through real HTTP: the sign-in form, CSRF tokens,
concurrent requests that write. Always SQLite: several processes sharing one file is the point.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select

from engine import DEMO_PASSWORD, Engine, Settings, seed_demo
from engine.store import Instance
from tests.support.server import Browser, GunicornServer

ROOT = Path(__file__).resolve().parents[2]
REQUESTERS = ("staff", "manager")  # demo people with a manager: they may start requests
STARTS_EACH = 3


def demo_database(folder: Path) -> str:
    """A SQLite database as `make demo` leaves it: migrated, processes deployed, people seeded."""
    url = f"sqlite:///{folder / 'kontoflode.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
    engine = Engine(Settings.from_env({}, database_url=url))
    engine.deploy_all()
    seed_demo(engine)
    engine.dispose()
    return url


@pytest.fixture
def database_url(tmp_path) -> str:
    return demo_database(tmp_path)


def start_requests(browser: Browser) -> list[str]:
    """Start requests through the 'Start a request' form; return the first task's path."""
    firsts = []
    for _ in range(STARTS_EACH):
        page = browser.submit("/requests/", {}, form_page="/requests/new")
        assert page.status == 303, page.body[page.body.find("<main"):][:800]
        assert page.location.startswith("/tasks/")
        assert browser.get(page.location).status == 200
        firsts.append(page.location)
    return firsts


@pytest.mark.timeout(60)
def test_two_workers_serve_concurrent_signed_in_requests_on_one_sqlite_file(
        tmp_path, database_url):
    server = GunicornServer(database_url, tmp_path, workers=2)
    try:
        server.start()
        browsers = {name: Browser(server.url) for name in REQUESTERS}
        for name, browser in browsers.items():
            browser.login(name, DEMO_PASSWORD)
            assert "Sign out" in browser.get("/inbox").body

        # Every person starts requests at the same time: concurrent writes from both workers.
        with ThreadPoolExecutor(len(browsers)) as pool:
            started = dict(zip(browsers, pool.map(start_requests, browsers.values()),
                               strict=True))
        assert all(len(paths) == STARTS_EACH for paths in started.values())
        distinct = {p for paths in started.values() for p in paths}
        assert len(distinct) == len(REQUESTERS) * STARTS_EACH

        # Both workers answer: read the inbox concurrently until each has (bounded in time).
        deadline = time.monotonic() + 5
        while len({pid for pid, *_ in server.answers()}) < 2 and time.monotonic() < deadline:
            with ThreadPoolExecutor(6) as pool:
                statuses = list(pool.map(lambda b: b.get("/inbox").status,
                                         [*browsers.values()] * 3))
            assert statuses == [200] * 6
        answers = server.answers()
        assert len({pid for pid, *_ in answers}) == 2, server.errors()
        assert not [a for a in answers if a[3] >= 500], answers

        # The writes landed once each in the shared file.
        engine = Engine(Settings.from_env({}, database_url=database_url))
        with engine.uow.read() as session:
            assert session.scalar(select(func.count()).select_from(Instance)) == \
                len(REQUESTERS) * STARTS_EACH
        engine.dispose()

        assert server.stop() == 0, server.errors()  # a clean, graceful shutdown
    finally:
        server.stop()
