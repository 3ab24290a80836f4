"""Fixtures for engine + database tests (SQLite always; PostgreSQL when its URL is set)."""

from __future__ import annotations

import pytest

from engine import Engine, FixedClock, Settings
from tests.support.databases import create_tables, fresh_database_url
from tests.support.people import make_org


@pytest.fixture
def clock() -> FixedClock:
    """A clock the test moves by hand."""
    return FixedClock()


@pytest.fixture
def database_url(tmp_path) -> str:
    """An empty database with the engine's tables."""
    url = fresh_database_url(tmp_path)
    create_tables(url)
    return url


@pytest.fixture
def engine(database_url, clock):
    """An engine on a fresh database with both processes deployed."""
    built = Engine(Settings.from_env({}, database_url=database_url), clock=clock)
    built.deploy_all()
    yield built
    built.dispose()


@pytest.fixture
def org(engine):
    """The people of a small organisation."""
    return make_org(engine)
