"""Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from engine.store import Base, make_db_engine
from tests.support.databases import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, pointed at a test database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    return config


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path):
    url = fresh_database_url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    db = make_db_engine(url)
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(db).get_table_names()) <= {"alembic_version"}
    db.dispose()
