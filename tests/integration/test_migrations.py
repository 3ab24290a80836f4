"""Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from engine import Engine, FixedClock, Settings
from engine.store import Base, make_db_engine
from tests.integration.test_procedure import register
from tests.support.databases import fresh_database_url
from tests.support.people import make_org

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


def migrated_with_a_review(tmp_path):
    """A migrated database with one registered account whose review is overdue."""
    url = fresh_database_url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    clock = FixedClock()
    engine = Engine(Settings.from_env({}, database_url=url), clock=clock)
    engine.deploy_all()
    org = make_org(engine)
    register(engine, org)
    clock.advance(timedelta(days=400))
    engine.fire_due_timers()
    engine.dispose()
    return url


def ready_rows(url):
    """(task name, lane name, due at) of every ready task."""
    db = make_db_engine(url)
    with db.connect() as connection:
        rows = connection.execute(text(
            "SELECT task_name, lane_name, due_at FROM ready_tasks ORDER BY id")).all()
    db.dispose()
    return [tuple(row) for row in rows]


def test_down_and_up_through_the_first_revision_keeps_lane_names_and_deadlines(tmp_path):
    url = migrated_with_a_review(tmp_path)
    before = ready_rows(url)
    assert before and all(lane for _, lane, _ in before)
    assert any(due is not None for _, _, due in before)
    command.downgrade(alembic_config(url), "0001")
    command.upgrade(alembic_config(url), "head")
    assert ready_rows(url) == before


def test_rows_written_while_downgraded_get_lane_and_deadline_re_derived(tmp_path):
    url = migrated_with_a_review(tmp_path)
    before = ready_rows(url)
    command.downgrade(alembic_config(url), "0001")
    db = make_db_engine(url)
    with db.begin() as connection:  # as if written by the old code: the side table lacks them
        connection.execute(text("DELETE FROM ready_tasks_kept_0002"))
    db.dispose()
    command.upgrade(alembic_config(url), "head")
    assert ready_rows(url) == before


def test_downgrade_to_base_refuses_to_drop_the_event_log_unless_asked(tmp_path):
    url = migrated_with_a_review(tmp_path)
    with pytest.raises(RuntimeError, match="Refusing to drop the event log"):
        command.downgrade(alembic_config(url), "base")
    db = make_db_engine(url)
    assert "events" in inspect(db).get_table_names()
    config = alembic_config(url)
    config.cmd_opts = argparse.Namespace(x=["drop_event_log=yes"])
    command.downgrade(config, "base")
    assert set(inspect(db).get_table_names()) <= {"alembic_version"}
    db.dispose()
