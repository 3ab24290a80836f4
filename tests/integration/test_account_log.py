"""The account log: register changes after registration are events the record check replays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from engine.accounts import Account
from engine.accounts._account_log import account_events, change_account
from engine.store import Event, verify_chain
from tests.support.people import CLOSE, PASSWORD
from tests.support.walk import do, register


@pytest.fixture
def auditor(engine):
    """Someone who checks records."""
    return engine.users.create("ada", "Ada Auditor", "ada@ki.se", PASSWORD, ["auditor"])


def the_account(session) -> Account:
    return session.scalars(select(Account)).one()


def test_a_review_that_closes_records_the_closing_on_the_accounts_stream(engine, org, clock):
    register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    do(engine, org.staff, "periodic_review", CLOSE)
    with engine.uow.read() as session:
        account = the_account(session)
        [closed] = account_events(session, account.id)
        assert verify_chain(session, f"account:{account.id}").intact
    assert closed.kind == "account_closed"
    assert closed.actor_id == org.staff.id, "who closed it: the owner who answered the review"
    assert closed.payload["via"] == "review"
    assert closed.payload["closed_on"] == clock.now().date().isoformat()


def test_a_recorded_change_keeps_the_record_sound(engine, org, clock, auditor):
    request_id = register(engine, org)
    with engine.uow.write() as session:
        changes = change_account(session, the_account(session), {"handle": "@kineuro"},
                                 org.comms.id, "Renamed on Instagram", "register", clock.now())
    assert changes == {"handle": ["@kineurolab", "@kineuro"]}
    assert engine.check_record(auditor.id, request_id).sound


def test_an_unchanged_value_records_nothing(engine, org, clock):
    register(engine, org)
    with engine.uow.write() as session:
        account = the_account(session)
        assert change_account(session, account, {"handle": account.handle}, org.comms.id,
                              "No change", "register", clock.now()) == {}
        assert account_events(session, account.id) == []


def test_an_edit_by_sql_after_a_recorded_change_is_reported(engine, org, clock, auditor):
    request_id = register(engine, org)
    with engine.uow.write() as session:
        change_account(session, the_account(session), {"handle": "@kineuro"}, org.comms.id,
                       "Renamed on Instagram", "register", clock.now())
    with engine.uow.write() as session:
        session.execute(update(Account).values(handle="@someoneelse"))
    check = engine.check_record(auditor.id, request_id)
    assert not check.sound
    assert [(d.table, d.field, d.stored, d.expected) for d in check.projections] == [
        ("accounts", "handle", "@someoneelse", "@kineuro")]


def test_an_event_taken_out_of_the_accounts_stream_is_reported(engine, org, clock, auditor):
    request_id = register(engine, org)
    with engine.uow.write() as session:
        account = the_account(session)
        change_account(session, account, {"handle": "@kineuro"}, org.comms.id,
                       "Renamed on Instagram", "register", clock.now())
        change_account(session, account, {"purpose": "Outreach"}, org.comms.id,
                       "Purpose sharpened", "register", clock.now())
        stream = f"account:{account.id}"
    with engine.uow.write() as session:
        # The insider hides the rename: without its event the replayed row would agree again.
        session.execute(delete(Event).where(Event.stream == stream, Event.seq == 1))
        session.execute(update(Account).values(handle="@kineurolab"))
    check = engine.check_record(auditor.id, request_id)
    assert not check.sound
    assert ("events", stream, "chain") in {(d.table, d.row, d.field) for d in check.projections}
    [broken] = [d for d in check.projections if d.field == "chain"]
    assert (broken.stored, broken.expected) == (2, "chain.event_missing")
