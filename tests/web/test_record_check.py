"""Auditors check a request's record: its hash chain and a replay of its log."""

from __future__ import annotations

import pytest

from tests.web.webtools import submit_request, text


@pytest.mark.parametrize("username", ["auditor", "admin"])
def test_auditors_see_a_sound_record(client_for, username):
    request_id = submit_request(client_for("staff"))
    auditor = client_for(username)
    assert f'href="/requests/{request_id}/check"' in text(auditor.get(f"/requests/{request_id}"))
    page = text(auditor.get(f"/requests/{request_id}/check"))
    assert "The record is sound" in page
    assert "Intact: 4 events" in page
    assert "Replaying its 4 events gives the stored state" in page


@pytest.mark.parametrize("username", ["staff", "manager", "comms1"])
def test_others_may_not_check_records(client_for, username):
    request_id = submit_request(client_for("staff"))
    client = client_for(username)
    assert client.get(f"/requests/{request_id}/check").status_code == 403
    assert "/check" not in text(client.get(f"/requests/{request_id}"))


def test_a_tampered_log_is_reported(client_for, engine):
    from sqlalchemy import update

    from engine.store import Event

    request_id = submit_request(client_for("staff"))
    with engine.uow.write() as session:
        session.execute(update(Event).where(Event.stream == request_id, Event.seq == 2)
                        .values(actor_id=None))
    page = text(client_for("auditor").get(f"/requests/{request_id}/check"))
    assert "The record does not hold" in page
    assert "Broken at event 2: its content was altered." in page


def test_a_reassigned_inbox_row_is_named_on_the_page(client_for, engine):
    from sqlalchemy import text as sql

    request_id = submit_request(client_for("staff"))
    with engine.uow.write() as session:
        session.execute(sql("UPDATE ready_tasks SET assignee_id = (SELECT started_by FROM "
                            "instances WHERE id = :id) WHERE instance_id = :id"),
                        {"id": request_id})
    page = text(client_for("auditor").get(f"/requests/{request_id}/check"))
    assert "The record does not hold" in page
    assert "Intact: 4 events" in page
    assert "Inbox row" in page and "assignee_id is" in page and "the record gives" in page


def test_an_altered_version_is_a_verdict_on_the_check_page(client_for, engine):
    from sqlalchemy import text as sql

    request_id = submit_request(client_for("staff"))
    with engine.uow.write() as session:
        session.execute(sql("UPDATE process_versions SET lanes = '{}' WHERE process_id = "
                            "'social_media_account'"))
    auditor = client_for("auditor")
    response = auditor.get(f"/requests/{request_id}/check")
    assert response.status_code == 200
    page = text(response)
    assert "The record does not hold" in page
    assert "was changed in the database after it was deployed" in page


def test_pages_refusing_an_altered_version_say_so(client_for, engine, monkeypatch):
    from engine import VersionAltered

    request_id = submit_request(client_for("staff"))

    def refuse(*_args):
        raise VersionAltered(1, "social_media_account", "a" * 64, "b" * 64)

    # As a restarted engine does on loading a version whose stored files fail their hash.
    monkeypatch.setattr(engine, "get_request", refuse)
    response = client_for("staff").get(f"/requests/{request_id}")
    assert response.status_code == 503
    page = text(response)
    assert "This procedure cannot run right now" in page
    assert "was changed in the database after it was deployed" in page
    assert "Traceback" not in page
