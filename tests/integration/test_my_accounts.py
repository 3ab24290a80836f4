"""My accounts: account_people is filled on registration and correction, and read in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import delete, select, text

from engine import Engine, FixedClock, Settings
from engine.accounts import AccountPerson
from tests.integration.test_corrections import events_of, sound
from tests.integration.test_migrations import alembic_config
from tests.support.databases import fresh_database_url
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    CLOSE,
    GUIDELINES,
    MODERATION,
    PASSWORD,
    REGISTER,
    REGISTRATION,
    make_org,
)
from tests.support.walk import do, register, request_until_approval

# Sara moderates her own account; the other moderator is Cleo, her address in capitals.
WITH_CLEO = {**MODERATION, "moderators": [
    {"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True},
    {"name": "Cleo Comms", "email": "CLEO@KI.SE", "covers_holidays": False},
]}


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


def _register(engine, org, moderation=WITH_CLEO) -> str:
    request_id = engine.start_request(org.staff.id).instance_id
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    do(engine, org.staff, "define_account", ACCOUNT)
    do(engine, org.staff, "plan_moderation", moderation)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)
    return request_id


def test_the_owner_and_moderators_found_by_email_see_the_account(engine, org):
    _register(engine, org)
    [mine] = engine.my_accounts(org.staff.id)
    assert (mine.account_name, mine.channel, mine.handle, mine.status) == (
        "KI Neuro Lab", "Instagram", "@kineurolab", "active")
    assert mine.roles == ("owner", "moderator") and mine.next_review_on is not None
    [moderated] = engine.my_accounts(org.comms2.id)
    assert moderated.roles == ("moderator",) and moderated.id == mine.id
    for person in (org.manager, org.comms, org.director, org.outsider):
        assert engine.my_accounts(person.id) == []


def test_a_request_not_yet_registered_is_nobodys_account(engine, org):
    request_until_approval(engine, org)
    assert engine.my_accounts(org.staff.id) == []


def test_a_closed_account_stays_listed_as_closed(engine, org, clock):
    _register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    assert engine.my_accounts(org.staff.id)[0].status == "review due"
    do(engine, org.staff, "periodic_review", CLOSE)
    [mine] = engine.my_accounts(org.staff.id)
    assert mine.status == "closed" and mine.next_review_on is None


def test_a_corrected_moderator_list_moves_the_account(engine, org, admin):
    request_id = _register(engine, org)
    [completion] = [e for e in events_of(engine, request_id, "task_completed")
                    if e.task_name == "plan_moderation"]
    with_otto = [WITH_CLEO["moderators"][0],
                 {"name": "Otto Outsider", "email": "otto@ki.se", "covers_holidays": True}]
    engine.correct_answer(admin.id, completion.task_id, "moderators", with_otto, "Cleo left")
    assert engine.my_accounts(org.comms2.id) == []
    assert [a.roles for a in engine.my_accounts(org.outsider.id)] == [("moderator",)]
    sound(engine, org, request_id)


def test_the_record_check_notices_a_changed_owner_row(engine, org, admin):
    request_id = register(engine, org)
    with engine.uow.write() as session:
        session.execute(delete(AccountPerson).where(AccountPerson.role == "owner"))
    check = engine.check_record(admin.id, request_id)
    assert [d.table for d in check.projections] == ["account_people"]
    assert not check.sound


def test_migration_fills_in_accounts_registered_before(tmp_path):
    url = fresh_database_url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    engine.deploy_all()
    org = make_org(engine)
    _register(engine, org)
    with engine.uow.read() as session:
        before = sorted(session.execute(select(
            AccountPerson.account_id, AccountPerson.user_id, AccountPerson.role)).all())
    engine.dispose()
    command.downgrade(alembic_config(url), "0014")
    command.upgrade(alembic_config(url), "head")
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    with engine.uow.read() as session:
        after = sorted(session.execute(text(
            "SELECT account_id, user_id, role FROM account_people")).all())
    engine.dispose()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert {r[2] for r in after} == {"owner", "moderator"} and len(after) == 3
