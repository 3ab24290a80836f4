"""An insider's SQL edit of a person's rows gives them no power: the person's stream decides.

Roles, managers and holiday cover live in projection tables for quick queries; acting in a role
lane, approving as the requester's manager and approving as a substitute are also checked against
the person's own hash-chained stream, where every legitimate change is recorded.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from engine.errors import NotAllowed
from engine.store import CoverPeriod, User, UserRole
from tests.support.people import APPROVE, REGISTER, REGISTRATION, make_org
from tests.support.walk import do, only_task, request_until_approval

DAY = date(2026, 1, 5)  # the test clock's first day


@pytest.fixture
def org(make_engine):
    engine = make_engine(seeded=False)
    return engine, make_org(engine)


def _at_registration(engine, o):
    request_until_approval(engine, o)
    do(engine, o.manager, "manager_approval", APPROVE)
    do(engine, o.staff, "registration_form", REGISTRATION)


def test_a_role_inserted_with_sql_does_not_let_anyone_register(org):
    engine, o = org
    _at_registration(engine, o)
    with engine.uow.write() as session:
        session.add(UserRole(user_id=o.outsider.id, role="communications"))
    task = only_task(engine, o.outsider, "register_account")  # the projection shows it...
    with pytest.raises(NotAllowed):  # ...but the outsider's stream never gave them the role
        engine.complete_task(o.outsider.id, task.id, REGISTER)
    do(engine, o.comms, "register_account", REGISTER)


def test_a_role_given_by_an_admin_is_on_record_and_works(org):
    engine, o = org
    _at_registration(engine, o)
    engine.users.update("outsider", add_roles=("communications",))
    do(engine, o.outsider, "register_account", REGISTER)


def test_a_manager_set_with_sql_cannot_approve(org):
    engine, o = org
    request_id = request_until_approval(engine, o)
    with engine.uow.write() as session:
        session.execute(update(User).where(User.id == o.staff.id).values(manager_id=o.comms.id))
    task = only_task(engine, o.manager, "manager_approval")
    with pytest.raises(NotAllowed):  # the users row no longer names Maja
        engine.complete_task(o.manager.id, task.id, APPROVE)
    with pytest.raises(NotAllowed):  # and Sara's stream never named Cai
        engine.complete_task(o.comms.id, task.id, APPROVE)
    engine.users.update("staff", manager_username="manager")  # an admin puts it right
    engine.complete_task(o.manager.id, task.id, APPROVE)
    assert engine.get_request(o.staff.id, request_id).current_step is not None


def test_a_cover_row_inserted_with_sql_does_not_let_the_substitute_approve(org):
    engine, o = org
    request_until_approval(engine, o)
    with engine.uow.write() as session:
        session.add(CoverPeriod(user_id=o.manager.id, substitute_id=o.outsider.id,
                                starts_on=DAY, ends_on=DAY + timedelta(days=3),
                                created_by=o.manager.id, created_at=engine.clock.now()))
    task = only_task(engine, o.outsider, "manager_approval")  # the projection shows it
    with pytest.raises(NotAllowed):
        engine.complete_task(o.outsider.id, task.id, APPROVE)


def test_a_cover_stretched_with_sql_ends_when_the_record_says(org, clock):
    engine, o = org
    period = engine.set_cover(o.manager.id, o.manager.id, "director", DAY, DAY)
    with engine.uow.write() as session:
        session.execute(update(CoverPeriod).where(CoverPeriod.id == period)
                        .values(ends_on=DAY + timedelta(days=30)))
    clock.advance(timedelta(days=2))
    request_until_approval(engine, o)
    task = only_task(engine, o.director, "manager_approval")
    with pytest.raises(NotAllowed):
        engine.complete_task(o.director.id, task.id, APPROVE)
    do(engine, o.manager, "manager_approval", APPROVE)
