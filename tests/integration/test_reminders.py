"""Reminders of deadlines, sent by the worker through a real (local) SMTP server: one before
the deadline, one once it has passed, never twice, never for a task no longer waiting."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import Engine, Settings, Worker
from engine.store import OutboxMessage
from tests.integration.test_mail import smtp  # noqa: F401  (the local SMTP server fixture)
from tests.support.people import KEEP, make_org
from tests.support.walk import only_task, register
from tests.support.workers import tick_two_workers_at_once

ROOT_PROCESSES = Settings().processes_dir


@pytest.fixture
def mailing(database_url, clock, smtp):  # noqa: F811
    """An engine whose worker mails through the local server: (engine, org, server's inbox)."""
    handler, port = smtp
    engine = Engine(Settings.from_env({}, database_url=database_url, mail="smtp",
                                      smtp_host="127.0.0.1", smtp_port=port), clock=clock)
    engine.deploy_all()
    yield engine, make_org(engine), handler
    engine.dispose()


def keeping_the_review_open(engine, tmp_path):
    """Deploy a review whose overdue timer escalates but leaves the owner's review waiting."""
    copy = tmp_path / "account_review"
    shutil.copytree(ROOT_PROCESSES / "account_review", copy)
    diagram = copy / "account_review.bpmn"
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        'cancelActivity="true"', 'cancelActivity="false"'), encoding="utf-8")
    engine.deploy_process(copy)


def subjects(handler, to, start):
    """Subjects of the mails to an address whose subject starts with `start`."""
    return [m["Subject"] for address, m in handler.mails
            if address == to and m["Subject"].startswith(start)]


def body(handler, to, start):
    """The text of the one mail to an address whose subject starts with `start`."""
    [mail] = [m for address, m in handler.mails
              if address == to and m["Subject"].startswith(start)]
    return mail.get_payload(decode=True).decode()


def review_waiting(engine, org, clock):
    """A registered account whose review now waits on its owner (deadline in 30 days)."""
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    return only_task(engine, org.staff, "periodic_review")


def test_a_reminder_before_the_deadline_and_one_after_it_each_once(mailing, clock, tmp_path):
    engine, org, handler = mailing
    keeping_the_review_open(engine, tmp_path)
    review = review_waiting(engine, org, clock)
    worker = Worker(engine)
    worker.run_once()
    assert "Waiting for you: Review the account" in subjects(handler, "sara@ki.se", "Waiting")
    assert not subjects(handler, "sara@ki.se", "Due soon"), "30 days left: too early"

    clock.advance(timedelta(days=28, hours=1))  # 47 hours left, within the default 48
    worker.run_once()
    assert subjects(handler, "sara@ki.se", "Due soon") == ["Due soon: Review the account"]
    assert f"http://127.0.0.1:5000/tasks/{review.id}" in body(handler, "sara@ki.se", "Due soon")
    worker.run_once()
    clock.advance(timedelta(hours=40))
    worker.run_once()
    assert len(subjects(handler, "sara@ki.se", "Due soon")) == 1, "never twice"
    assert not subjects(handler, "sara@ki.se", "Overdue")

    clock.advance(timedelta(hours=8))  # the deadline has passed
    worker.run_once()
    assert subjects(handler, "sara@ki.se", "Overdue") == ["Overdue: Review the account"]
    assert f"/tasks/{review.id}" in body(handler, "sara@ki.se", "Overdue")
    for _ in range(3):
        clock.advance(timedelta(days=1))
        worker.run_once()
    assert len(subjects(handler, "sara@ki.se", "Overdue")) == 1, "never twice"
    assert len(subjects(handler, "sara@ki.se", "Due soon")) == 1
    assert not [to for to, m in handler.mails
                if to != "sara@ki.se" and m["Subject"].startswith(("Due soon", "Overdue"))]


def test_a_task_done_in_time_gets_no_reminder(mailing, clock):
    engine, org, handler = mailing
    review = review_waiting(engine, org, clock)
    worker = Worker(engine)
    worker.run_once()
    clock.advance(timedelta(days=10))
    engine.complete_task(org.staff.id, review.id, KEEP)
    for days in (18, 1, 2, 30):
        clock.advance(timedelta(days=days))
        worker.run_once()
    assert not subjects(handler, "sara@ki.se", "Due soon")
    assert not subjects(handler, "sara@ki.se", "Overdue")


def test_a_task_done_after_its_reminder_was_written_is_not_reminded(mailing, clock):
    engine, org, handler = mailing
    review = review_waiting(engine, org, clock)
    clock.advance(timedelta(days=29))
    assert engine.write_reminders() == 1, "written by a sweep"
    engine.complete_task(org.staff.id, review.id, KEEP)  # before the outbox was delivered
    Worker(engine).run_once()
    assert not subjects(handler, "sara@ki.se", "Due soon")
    [row] = [r for r in rows(engine) if r.kind == "task_reminder"]
    assert row.skipped_at is not None and row.delivered_at is None


def test_a_deadline_that_withdraws_the_task_sends_no_overdue_notice(mailing, clock):
    engine, org, handler = mailing
    review_waiting(engine, org, clock)
    worker = Worker(engine)
    clock.advance(timedelta(days=29))
    worker.run_once()
    clock.advance(timedelta(days=2))  # the review escalates to communications and is gone
    worker.run_once()
    assert len(subjects(handler, "sara@ki.se", "Due soon")) == 1
    assert not subjects(handler, "sara@ki.se", "Overdue")
    assert sorted(to for to, m in handler.mails if m["Subject"].startswith("Review unans")) \
        == ["cai@ki.se", "cleo@ki.se"]


def rows(engine):
    """Every outbox row, oldest first."""
    with engine.uow.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_two_workers_write_and_send_each_reminder_once(mailing, clock, database_url):
    engine, org, handler = mailing
    for _ in range(3):
        register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    assert len([t for t in engine.inbox(org.staff.id) if t.task_name == "periodic_review"]) == 3
    clock.advance(timedelta(days=29))
    tick_two_workers_at_once(engine, clock)
    assert len(subjects(handler, "sara@ki.se", "Due soon")) == 3, "one per task"
    with engine.uow.read() as session:
        keys = session.scalar(select(func.count(func.distinct(OutboxMessage.dedup_key)))
                              .where(OutboxMessage.kind == "task_reminder"))
        written = session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == "task_reminder"))
    assert keys == written == 3


def test_a_sweep_that_read_before_another_wrote_still_writes_once(engine, org, clock):
    from engine.store import tasks_to_remind, write_reminder
    review_waiting(engine, org, clock)
    clock.advance(timedelta(days=29))
    with engine.uow.read() as session:  # both workers read the same due task
        [(kind, task)] = tasks_to_remind(session, clock.now(), timedelta(hours=48), 10)
        session.expunge_all()
    with engine.uow.write() as session:
        assert write_reminder(session, kind, task, clock.now()) is True
    with engine.uow.write() as session:
        assert write_reminder(session, kind, task, clock.now()) is False, "the key holds"
    assert engine.write_reminders() == 0
    assert len([r for r in rows(engine) if r.kind == "task_reminder"]) == 1
