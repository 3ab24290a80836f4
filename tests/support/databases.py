"""Test databases: a fresh SQLite file per test, or the PostgreSQL named by TEST_DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.store import Base


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite runs on, if any (never DATABASE_URL: tests wipe it)."""
    url = os.environ.get("TEST_DATABASE_URL") or ""
    return url if url.startswith("postgresql") else None


def fresh_database_url(tmp_path: Path, url: str | None = None) -> str:
    """A URL to an empty database: SQLite under tmp_path, or a reset PostgreSQL schema."""
    url = url or postgres_url()
    if url is None:
        return f"sqlite:///{tmp_path / 'kontoflode.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def create_tables(url: str) -> None:
    """Create the engine's tables in an empty database."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
