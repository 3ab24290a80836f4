"""Admins read the demo's mailbox and retry failed deliveries; nobody else reaches them."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.store import Event, OutboxMessage
from tests.web.webtools import post, text


def _kept(engine, demo):
    engine.start_request(demo["staff"].id)
    engine.deliver_outbox(engine.delivery_port(), "w1")


@pytest.mark.parametrize("username", ["staff", "comms1", "auditor"])
def test_only_admins_reach_the_mail_pages(client_for, demo, username):
    browser = client_for(username)
    assert browser.get("/admin/mail").status_code == 403
    assert browser.get("/admin/deliveries").status_code == 403
    assert post(browser, "/admin/deliveries/1/retry").status_code == 403


def test_the_mailbox_shows_kept_mail_with_its_link(client_for, demo, engine):
    _kept(engine, demo)
    admin = client_for("admin")
    assert "Mailbox" in text(admin.get("/admin/"))
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "Waiting for you" in page
    assert "2026-01-05 10:00" in page  # kept at 09:00 UTC, shown in Stockholm time
    mail_id = page.split('/admin/mail/')[1].split('"')[0]
    one = admin.get(f"/admin/mail/{mail_id}").get_data(as_text=True)
    assert '<a href="http://127.0.0.1:5000/tasks/' in one
    assert admin.get("/admin/mail/99999").status_code == 404


def test_a_failed_delivery_is_listed_and_retried_on_record(client_for, demo, engine):
    engine.start_request(demo["staff"].id)
    with engine.uow.write() as session:
        session.execute(update(OutboxMessage).values(
            attempts=5, failed_at=engine.clock.now(), last_error="SMTPDataError: 451"))
        [row_id] = session.scalars(select(OutboxMessage.id))
    admin = client_for("admin")
    listed = text(admin.get("/admin/deliveries"))
    assert "SMTPDataError: 451" in listed and "2026-01-05 10:00" in listed  # Stockholm time
    assert post(admin, f"/admin/deliveries/{row_id}/retry").status_code == 302
    with engine.uow.read() as session:
        row = session.get(OutboxMessage, row_id)
        assert (row.attempts, row.failed_at) == (0, None)
        [event] = session.scalars(select(Event).where(Event.stream == "outbox"))
        assert event.kind == "delivery_retried" and event.actor_id == demo["admin"].id
    assert engine.deliver_outbox(engine.delivery_port(), "w1").delivered == 1
