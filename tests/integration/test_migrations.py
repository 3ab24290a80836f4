"""Alembic migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from engine import Engine, FixedClock, Settings
from engine.store import Base, CurrentStep, make_db_engine
from tests.support.databases import fresh_database_url
from tests.support.people import make_org
from tests.support.walk import register

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


OLD_ROWS = [  # (id, status, the phrase 0003 stored)
    ("i-done", "completed", "Completed"),
    ("i-task", "running", "Approve the account, Plan moderation"),
    ("i-timer", "running", "Review due: 2027-03-01"),
    ("i-idle", "running", "Waiting"),
]


def test_current_step_phrases_become_codes_and_come_back_on_downgrade(tmp_path):
    url = fresh_database_url(tmp_path)
    config = alembic_config(url)
    command.upgrade(config, "0003")
    db = make_db_engine(url)
    when = datetime(2026, 12, 1, 9, 0)
    with db.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, name, email, active, created_at) "
            "VALUES (1, 'sara', 'Sara', 's@ki.se', :yes, :at)"), {"yes": True, "at": when})
        connection.execute(text(
            "INSERT INTO process_versions (id, process_id, content_hash, bpmn_xml, forms, lanes,"
            " created_at) VALUES (1, 'p', 'h', '<x/>', '{}', '{}', :at)"), {"at": when})
        for instance_id, status, phrase in OLD_ROWS:
            connection.execute(text(
                "INSERT INTO instances (id, process_id, version_id, status, title, current_step,"
                " started_by, created_at, updated_at, state, lock_version) VALUES (:id, 'p', 1,"
                " :status, 'T', :step, 1, :at, :at, '{}', 1)"),
                {"id": instance_id, "status": status, "step": phrase, "at": when})
        for task_id, title in (("t1", "Plan moderation"), ("t2", "Approve the account")):
            connection.execute(text(
                "INSERT INTO ready_tasks (id, instance_id, task_name, task_title, lane, lane_name,"
                " requester_id, request_title, created_at) VALUES (:id, 'i-task', 'n', :title,"
                " 'l', 'L', 1, 'T', :at)"), {"id": task_id, "title": title, "at": when})
        connection.execute(text(
            "INSERT INTO timers (instance_id, task_id, name, due_at) VALUES "
            "('i-timer', 'x', 'Review due', :due)"), {"due": datetime(2027, 3, 1, 8, 0)})

    command.upgrade(config, "head")
    with db.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, current_step FROM instances")).all())
    assert {key: CurrentStep.from_column(value) for key, value in stored.items()} == {
        "i-done": CurrentStep("completed"),
        "i-task": CurrentStep("at_tasks", {"tasks": ["Approve the account", "Plan moderation"]}),
        "i-timer": CurrentStep("timer", {"timer": "Review due", "due": "2027-03-01"}),
        "i-idle": CurrentStep("waiting"),
    }

    command.downgrade(config, "0003")
    with db.connect() as connection:
        phrases = dict(connection.execute(text("SELECT id, current_step FROM instances")).all())
    assert phrases == {instance_id: phrase for instance_id, _, phrase in OLD_ROWS}
    db.dispose()


def test_sentence_titles_become_codes_and_come_back_on_downgrade(tmp_path):
    url = migrated_with_a_review(tmp_path)
    config = alembic_config(url)
    db = make_db_engine(url)
    with db.connect() as connection:
        before = dict(connection.execute(text("SELECT id, title FROM instances")).all())
    command.downgrade(config, "0007")
    with db.connect() as connection:
        sentences = set(connection.execute(text("SELECT title FROM instances")).scalars())
        tasks = set(connection.execute(text("SELECT request_title FROM ready_tasks")).scalars())
    assert sentences == {"KI Neuro Lab on Instagram", "Review 2027 of KI Neuro Lab (Instagram)"}
    assert tasks == {"Review 2027 of KI Neuro Lab (Instagram)"}
    command.upgrade(config, "head")
    with db.connect() as connection:
        assert dict(connection.execute(text("SELECT id, title FROM instances")).all()) == before
    db.dispose()
