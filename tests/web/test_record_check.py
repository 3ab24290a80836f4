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
