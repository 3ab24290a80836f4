"""Daily digests through a real (local) SMTP server: a person who chose one gets one mail a
day at the digest hour (Stockholm time) listing what was held, none before, exactly once also
with two workers; people who chose a mail per message are unaffected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import Engine, Settings, Worker
from tests.integration.test_mail import smtp  # noqa: F401  (the local SMTP server fixture)
from tests.support.people import make_org
from tests.support.walk import request_until_approval
from tests.support.workers import tick_two_workers_at_once

# 2026-01-05 is a Monday in winter: Stockholm is UTC+1, so 07:00 there is 06:00 UTC.
MONDAY_10_LOCAL = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TUESDAY_7_LOCAL = datetime(2026, 1, 6, 6, 0, tzinfo=UTC)


@pytest.fixture
def mailing(database_url, clock, smtp):  # noqa: F811
    """An engine whose worker mails through the local server: (engine, org, server's inbox)."""
    handler, port = smtp
    engine = Engine(Settings.from_env({}, database_url=database_url, mail="smtp",
                                      smtp_host="127.0.0.1", smtp_port=port), clock=clock)
    engine.deploy_all()
    clock.set(MONDAY_10_LOCAL)
    yield engine, make_org(engine), handler
    engine.dispose()


def mails_to(handler, address):
    """The mails an address got, in order."""
    return [m for to, m in handler.mails if to == address]


def text(mail) -> str:
    """A mail's plain text."""
    return mail.get_payload(decode=True).decode()


def test_a_daily_person_gets_one_digest_at_the_hour_and_others_each_mail(mailing, clock):
    engine, org, handler = mailing
    assert engine.set_notify_mode(org.staff.id, "daily") is True
    request_until_approval(engine, org)  # three tasks for Sara, then the approval for Maja
    worker = Worker(engine)
    worker.run_once()
    assert mails_to(handler, "sara@ki.se") == [], "held for the digest"
    [approval] = mails_to(handler, "maja@ki.se")
    assert approval["Subject"].startswith("Waiting for you"), "each mail as before"

    clock.set(TUESDAY_7_LOCAL - timedelta(minutes=1))
    worker.run_once()
    assert mails_to(handler, "sara@ki.se") == [], "none before the hour"

    clock.set(TUESDAY_7_LOCAL)
    worker.run_once()
    [digest] = mails_to(handler, "sara@ki.se")
    assert digest["Subject"] == "Your daily summary: 3 new"
    body = text(digest)
    for step in ("Confirm the social media guidelines", "Describe the account",
                 "Plan daily moderation"):
        assert f"Waiting for you: {step}" in body
    assert body.count("http://127.0.0.1:5000/tasks/") == 3
    for hours in (0, 1, 5):
        clock.advance(timedelta(hours=hours))
        worker.run_once()
    assert len(mails_to(handler, "sara@ki.se")) == 1, "one a day"
    assert len(mails_to(handler, "maja@ki.se")) == 1


def test_what_arrives_after_the_hour_waits_for_the_next_day(mailing, clock):
    engine, org, handler = mailing
    engine.set_notify_mode(org.manager.id, "daily")
    request_until_approval(engine, org)
    worker = Worker(engine)
    clock.set(TUESDAY_7_LOCAL)
    worker.run_once()
    assert len(mails_to(handler, "maja@ki.se")) == 1
    clock.advance(timedelta(hours=2))
    request_until_approval(engine, org)  # a second approval, after today's digest
    worker.run_once()
    assert len(mails_to(handler, "maja@ki.se")) == 1, "not a second mail today"
    clock.set(TUESDAY_7_LOCAL + timedelta(days=1))
    worker.run_once()
    _first, second = mails_to(handler, "maja@ki.se")
    assert second["Subject"] == "Your daily summary: 1 new"
    assert "Waiting for you: Approve the account" in text(second)


def test_back_to_each_mail_sends_new_messages_at_once(mailing, clock):
    engine, org, handler = mailing
    engine.set_notify_mode(org.staff.id, "daily")
    assert engine.set_notify_mode(org.staff.id, "daily") is False, "unchanged"
    assert engine.set_notify_mode(org.staff.id, "each") is True
    engine.start_request(org.staff.id)
    Worker(engine).run_once()
    [mail] = mails_to(handler, "sara@ki.se")
    assert mail["Subject"].startswith("Waiting for you")


def test_two_workers_send_each_digest_once(mailing, clock):
    engine, org, handler = mailing
    for person in (org.staff, org.manager):
        engine.set_notify_mode(person.id, "daily")
    request_until_approval(engine, org)
    Worker(engine).run_once()
    clock.set(TUESDAY_7_LOCAL)
    tick_two_workers_at_once(engine, clock)
    assert [m["Subject"] for m in mails_to(handler, "sara@ki.se")] == [
        "Your daily summary: 3 new"]
    assert [m["Subject"] for m in mails_to(handler, "maja@ki.se")] == [
        "Your daily summary: 1 new"]


def test_a_refused_digest_is_tried_again_once_its_lease_runs_out(mailing, clock):
    engine, org, handler = mailing
    engine.set_notify_mode(org.staff.id, "daily")
    engine.start_request(org.staff.id)
    worker = Worker(engine)
    worker.run_once()
    clock.set(TUESDAY_7_LOCAL)
    handler.refuse = True
    assert worker.run_once()["digests"].failed == 1
    handler.refuse = False
    clock.advance(timedelta(minutes=5))
    report = worker.run_once()["digests"]
    assert (report.sent, report.failed) == (0, 0), "a refused digest waits out its lease"
    clock.advance(timedelta(minutes=6))
    assert worker.run_once()["digests"].sent == 1
    [digest] = mails_to(handler, "sara@ki.se")
    assert digest["Subject"] == "Your daily summary: 1 new"
