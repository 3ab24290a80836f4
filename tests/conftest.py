"""Shared fixtures: the web app over a real engine on a database of its own per test."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import DEMO_PASSWORD, Engine, FixedClock, Settings, seed_demo
from engine.usecases import _passwords
from tests.support.databases import fresh_database_url, postgres_url
from web import create_app

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes():
    """Tests hash passwords at a low scrypt cost: each test makes its own people, and the
    standard cost (checked in a process of its own by test_passwords) is most of a test's time.
    Stored hashes carry their cost, so checking them works either way."""
    standard = _passwords._N
    _passwords._N = 2**8
    yield
    _passwords._N = standard


@pytest.fixture
def clock() -> FixedClock:
    """The engine's clock: it moves only when a test moves it."""
    return FixedClock(START)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """A database with the schema, both processes and the demo organisation, built once.

    Each test gets its own copy: hashing eight demo passwords per test would triple the
    suite's running time.
    """
    path = tmp_path_factory.mktemp("seeded") / "kontoflode.db"
    engine = Engine(Settings.from_env({}, database_url=f"sqlite:///{path}"),
                    clock=FixedClock(START))
    engine.create_schema()
    engine.deploy_all()
    seed_demo(engine)
    engine.dispose()
    return path


@pytest.fixture
def make_engine(tmp_path, clock, seeded_database):
    """Build an engine on a database of its own (seeded with the demo organisation by default).

    SQLite: a copy of the seeded file. PostgreSQL (TEST_DATABASE_URL): the schema is reset and
    seeded again, so only the newest engine of a test has its data.
    """
    engines = []

    def make(seeded=True):
        pg_url = postgres_url()
        if pg_url:
            for earlier in engines:  # let go of the schema before it is dropped
                earlier.dispose()
            url = fresh_database_url(tmp_path, pg_url)
        else:
            path = tmp_path / f"kontoflode-{len(engines)}.db"
            if seeded:
                shutil.copyfile(seeded_database, path)
            url = f"sqlite:///{path}"
        built = Engine(Settings.from_env({}, database_url=url), clock=clock)
        engines.append(built)
        built.create_schema()  # no-ops on a seeded copy, and cheap
        built.deploy_all()
        if seeded and pg_url:
            seed_demo(built)
        return built

    yield make
    for built in engines:
        built.dispose()


@pytest.fixture
def make_app(make_engine):
    """Build an app over the given engine (a new seeded one by default); overrides go to config."""

    def make(seeded=True, engine=None, **overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            # Tests sign in many times from one address; the rate-limit test turns this on.
            "RATELIMIT_ENABLED": False,
            **overrides,
        }
        return create_app(config, engine=engine or make_engine(seeded))

    return make


@pytest.fixture
def engine(make_engine):
    """The engine of the test (the real one, not a fake), on the seeded database."""
    return make_engine()


@pytest.fixture
def app(make_app, engine):
    """The app over the test's engine, CSRF protection on."""
    return make_app(engine=engine)


@pytest.fixture
def demo(engine):
    """The demo organisation, by username (already in the seeded copy: nothing is hashed)."""
    return {name: user for name, (user, _new) in seed_demo(engine).items()}


@pytest.fixture
def client(app):
    """A browser without a session."""
    return app.test_client()


@pytest.fixture
def login_as(app, client, demo):
    """Sign a client in (the shared `client` unless another is given) through the login form."""

    def login(username, who=None):
        who = who or client
        page = who.get("/login")
        if page.status_code == 302:  # someone is signed in on this client: sign them out
            who.post("/logout", data={"csrf_token": _token(who.get("/inbox"))})
            page = who.get("/login")
        token = _token(page)
        response = who.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                            "csrf_token": token})
        assert response.status_code == 303, response.get_data(as_text=True)
        return who

    return login


@pytest.fixture
def client_for(app, login_as):
    """A separate browser, signed in as `username` (for journeys with several people)."""
    return lambda username: login_as(username, app.test_client())


def _token(response) -> str:
    """The CSRF token of a page."""
    return response.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
