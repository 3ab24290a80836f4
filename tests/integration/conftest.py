"""Fixtures for engine + database tests (SQLite always; PostgreSQL when its URL is set)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine import Engine, FixedClock, Settings, generate_key_pair
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


def write_keys(folder, name="checkpoint.pem"):
    """A key pair on disk: (private key path, public key path)."""
    private, public = generate_key_pair()
    (folder / name).write_bytes(private)
    (folder / f"{name}.pub").write_bytes(public)
    return folder / name, folder / f"{name}.pub"


@pytest.fixture
def keys(tmp_path):
    """The institution's key pair."""
    return write_keys(tmp_path)


@pytest.fixture
def anchored(engine, keys, clock):
    """The test's engine, configured with the checkpoint key."""
    built = Engine(replace(engine.settings, checkpoint_key=keys[0]), clock=clock)
    yield built
    built.dispose()
