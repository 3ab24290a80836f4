"""A database that refuses work gives a page saying nothing was saved, and recovers by itself."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from sqlalchemy import event, make_url

from engine import DEMO_PASSWORD
from tests.support.databases import postgres_url
from tests.web.webtools import GUIDELINES, inbox_task_ids, post, text


@pytest.fixture
def staff(client, login_as):
    """Sara, signed in, with a request started (her first task is open)."""
    login_as("staff")
    assert post(client, "/requests/").status_code == 303
    return client


def _refused(response) -> None:
    assert response.status_code == 503, text(response)[:2000]
    page = text(response)
    assert "Nothing was saved" in page and "try again" in page
    assert "Traceback" not in page


def _read_only_connections(engine, flag: dict) -> None:
    """While flag["on"], every new connection of the engine can read but not write."""

    @event.listens_for(engine.db, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        if not flag["on"]:
            return
        cursor = dbapi_connection.cursor()
        if engine.db.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        if engine.db.dialect.name != "sqlite":
            dbapi_connection.commit()


def test_a_read_only_database_is_a_503_and_the_next_submit_after_it_works(engine, staff):
    flag = {"on": False}
    _read_only_connections(engine, flag)
    task_id = inbox_task_ids(staff)[0]
    engine.db.dispose()  # every connection from now on is opened while the database is read-only
    flag["on"] = True
    _refused(post(staff, f"/tasks/{task_id}", GUIDELINES))
    flag["on"] = False  # writable again; no restart
    response = post(staff, f"/tasks/{task_id}", GUIDELINES)
    assert response.status_code == 303, text(response)[:2000]


@pytest.mark.skipif(bool(postgres_url()), reason="a SQLite file's write lock")
def test_a_locked_database_is_a_503_and_the_next_submit_after_it_works(
        monkeypatch, make_app, make_engine):
    monkeypatch.setattr("engine.store._uow.SQLITE_BUSY_TIMEOUT_MS", 200)
    engine = make_engine()
    client = make_app(engine=engine).test_client()
    page = client.get("/login")
    csrf = text(page).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "staff", "password": DEMO_PASSWORD,
                                "csrf_token": csrf})
    assert post(client, "/requests/").status_code == 303
    task_id = inbox_task_ids(client)[0]
    holder = sqlite3.connect(make_url(engine.settings.database_url).database,
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        _refused(post(client, f"/tasks/{task_id}", GUIDELINES))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert post(client, f"/tasks/{task_id}", GUIDELINES).status_code == 303


@pytest.mark.skipif(bool(postgres_url()) or os.geteuid() == 0,
                    reason="a SQLite file's permissions (which bind everyone but root)")
def test_a_read_only_file_is_a_503_and_writable_again_it_works(engine, staff):
    path = make_url(engine.settings.database_url).database
    task_id = inbox_task_ids(staff)[0]
    mode = os.stat(path).st_mode
    engine.db.dispose()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        _refused(post(staff, f"/tasks/{task_id}", GUIDELINES))
    finally:
        os.chmod(path, mode)
    assert post(staff, f"/tasks/{task_id}", GUIDELINES).status_code == 303


@pytest.mark.skipif(not postgres_url(), reason="PostgreSQL server connections")
def test_connections_the_server_ended_are_replaced(engine, staff):
    task_id = inbox_task_ids(staff)[0]
    with engine.db.connect() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert post(staff, f"/tasks/{task_id}", GUIDELINES).status_code == 303
