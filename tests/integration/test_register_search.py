"""The register's search over owner and moderators, kept in account_moderators."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text, update

from engine import Engine, FixedClock, NotAllowed, Settings
from engine.accounts import AccountModerator
from tests.integration.test_corrections import events_of, sound
from tests.integration.test_migrations import alembic_config
from tests.integration.test_my_accounts import WITH_CLEO, _register
from tests.support.databases import fresh_database_url
from tests.support.people import MODERATION, PASSWORD, make_org


@pytest.fixture
def admin(engine, org):
    """An administrator of the system."""
    return engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])


def names(engine, person, q: str) -> list[str]:
    """The accounts the register lists for a search, by name."""
    return [a.account_name for a in engine.accounts(person.id, text=q)]


def moderators_of(engine) -> list[tuple]:
    """Every stored moderator row: (position, name, email, name key, email key)."""
    with engine.uow.read() as session:
        return [tuple(r) for r in session.execute(select(
            AccountModerator.position, AccountModerator.name, AccountModerator.email,
            AccountModerator.name_key, AccountModerator.email_key)
            .order_by(AccountModerator.account_id, AccountModerator.position)).all()]


def test_registering_keeps_each_named_moderator_with_search_keys(engine, org):
    _register(engine, org)
    assert moderators_of(engine) == [
        (0, "Sara Staff", "sara@ki.se", "sara staff", "sara@ki.se"),
        (1, "Cleo Comms", "CLEO@KI.SE", "cleo comms", "cleo@ki.se"),
    ]


@pytest.mark.parametrize("q", ["cleo", "CLEO COMMS", "Cleo@ki.se", "sara staff", "SARA@KI.SE"])
def test_the_engine_search_finds_moderators_and_owner(engine, org, q):
    _register(engine, org)
    assert names(engine, org.comms, q) == ["KI Neuro Lab"]


def test_bo_is_found_by_the_request_although_he_is_no_person_of_the_system(engine, org):
    _register(engine, org, MODERATION)  # Sara and Bo Berg <bo@ki.se>
    assert names(engine, org.comms, "bo berg") == ["KI Neuro Lab"]
    assert names(engine, org.comms, "BO@KI.SE") == ["KI Neuro Lab"]
    assert names(engine, org.comms, "cleo") == []


def test_a_corrected_moderator_list_changes_what_the_search_finds(engine, org, admin):
    request_id = _register(engine, org)
    [completion] = [e for e in events_of(engine, request_id, "task_completed")
                    if e.task_name == "plan_moderation"]
    with_bo = [WITH_CLEO["moderators"][0],
               {"name": "Bo Berg", "email": "bo@ki.se", "covers_holidays": True}]
    engine.correct_answer(admin.id, completion.task_id, "moderators", with_bo, "Cleo left")
    assert names(engine, org.comms, "cleo") == []
    assert names(engine, org.comms, "bo berg") == ["KI Neuro Lab"]
    sound(engine, org, request_id)


def test_only_register_roles_may_search(engine, org):
    _register(engine, org)
    for person in (org.staff, org.manager, org.outsider):
        with pytest.raises(NotAllowed):
            engine.accounts(person.id, text="cleo")


def test_the_record_check_notices_a_changed_moderator_row(engine, org, admin):
    request_id = _register(engine, org)
    with engine.uow.write() as session:
        session.execute(update(AccountModerator).where(AccountModerator.position == 1)
                        .values(name="Someone Else", name_key="someone else"))
    check = engine.check_record(admin.id, request_id)
    assert [d.table for d in check.projections] == ["account_moderators"]
    assert not check.sound


def test_migration_fills_in_the_moderators_of_accounts_registered_before(tmp_path):
    url = fresh_database_url(tmp_path)
    command.upgrade(alembic_config(url), "head")
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    engine.deploy_all()
    org = make_org(engine)
    _register(engine, org)
    before = moderators_of(engine)
    engine.dispose()
    command.downgrade(alembic_config(url), "0018")
    command.upgrade(alembic_config(url), "head")
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    with engine.uow.read() as session:
        after = [tuple(r) for r in session.execute(text(
            "SELECT position, name, email, name_key, email_key FROM account_moderators "
            "ORDER BY account_id, position")).all()]
    assert names(engine, org.comms, "cleo comms") == ["KI Neuro Lab"]
    engine.dispose()
    assert after == before and len(after) == 2
