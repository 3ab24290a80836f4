"""An account's whole life through the engine: its request, each review cycle, its changes, its
closing; who may read it; and review cycles found by their year in the request lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine import InboxFilter, NotAllowed, NotFound
from engine.accounts import Account, AccountPerson
from engine.accounts._account_log import change_account, close_account
from engine.store import Instance
from tests.support.people import KEEP, MODERATION, PASSWORD
from tests.support.walk import do, register


@pytest.fixture
def bo(engine, org):
    """Bo Berg, a moderator the request names by email, who is also a person of the system."""
    return engine.users.create("bo", "Bo Berg", "bo@ki.se", PASSWORD, ["staff"], "manager")


@pytest.fixture
def people(engine, org, bo):
    """An auditor and an admin besides the organisation."""
    return {"auditor": engine.users.create("auditor", "Alva Auditor", "alva@ki.se", PASSWORD,
                                           ["auditor"]),
            "admin": engine.users.create("admin", "Adam Admin", "adam@ki.se", PASSWORD,
                                         ["admin"])}


def account_id_of(engine, request_id: str) -> int:
    with engine.uow.read() as session:
        return session.scalar(select(Account.id).where(Account.request_id == request_id))


def a_year_on(engine, clock, days=366):
    """Time passes until the next review falls due, and the worker fires it."""
    clock.advance(timedelta(days=days))
    engine.fire_due_timers()


def lived(engine, org, clock):
    """An account registered, reviewed twice (kept), its moderators changed, then closed."""
    request_id = register(engine, org)
    account_id = account_id_of(engine, request_id)
    a_year_on(engine, clock)
    do(engine, org.staff, "periodic_review", KEEP)
    clock.advance(timedelta(days=30))
    with engine.uow.write() as session:
        account = session.get(Account, account_id)
        change_account(session, account, {
            "handle": "@kineuro", "moderators": [
                *MODERATION["moderators"][:1],
                {"name": "Cleo Comms", "email": "cleo@ki.se", "covers_holidays": True}]},
            org.comms.id, "Bo left the lab", "register", clock.now())
    a_year_on(engine, clock, days=340)
    do(engine, org.staff, "periodic_review", KEEP)
    clock.advance(timedelta(days=10))
    with engine.uow.write() as session:
        close_account(session, session.get(Account, account_id), org.comms.id,
                      "The lab merged with another", "register", clock.now())
    return request_id, account_id


def test_the_whole_life_of_an_account_in_order(engine, org, clock):
    request_id, account_id = lived(engine, org, clock)
    life = engine.account_life(org.comms.id, account_id)

    assert life.account.status == "closed" and life.account.handle == "@kineuro"
    assert life.request.id == request_id and life.request.requester_name == "Sara Staff"
    assert life.request.approved_by == "Maja Manager"
    assert life.request.registered_by == "Cai Comms"

    years = [c.title.params["year"] for c in life.reviews]
    assert years == ["2027", "2028", "2029"]  # each cycle titled by the year it is due
    first, second, third = life.reviews
    assert (first.stage, first.decision, first.answered_by) == ("done", "keep", "Sara Staff")
    assert (second.stage, second.decision) == ("done", "keep")
    assert third.stage == "scheduled" and third.answered_by is None
    assert [c.due_at.date().isoformat() for c in life.reviews] == [
        "2027-01-05", "2028-01-05", "2029-01-05"]

    codes = [e.code for e in life.timeline]
    assert codes == ["life.requested", "life.approved", "life.registered", "life.review_opened",
                     "life.review_answered", "life.review_opened", "life.changed",
                     "life.review_answered", "life.review_opened", "life.closed"]
    assert [e.at for e in life.timeline] == sorted(e.at for e in life.timeline)
    changed = next(e for e in life.timeline if e.code == "life.changed")
    assert changed.params["actor"] == "Cai Comms" and changed.params["reason"] == "Bo left the lab"
    fields = {field: (before, after) for field, before, after in changed.params["changes"]}
    assert fields["handle"] == ("@kineurolab", "@kineuro")
    assert [m["name"] for m in fields["moderators"][1]] == ["Sara Staff", "Cleo Comms"]
    closed = life.timeline[-1]
    assert closed.params == {"actor": "Cai Comms", "reason": "The lab merged with another",
                             "via": "register"}
    answered = [e for e in life.timeline if e.code == "life.review_answered"]
    assert [e.instance_id for e in answered] == [first.id, second.id]


def test_a_change_of_owner_shows_names_not_ids(engine, org, clock):
    request_id = register(engine, org)
    account_id = account_id_of(engine, request_id)
    with engine.uow.write() as session:
        change_account(session, session.get(Account, account_id), {"owner_id": org.outsider.id},
                       org.comms.id, "Otto took over the lab", "register", clock.now())
    changed = engine.account_life(org.comms.id, account_id).timeline[-1]
    assert changed.params["changes"] == [("owner_id", "Sara Staff", "Otto Outsider")]


def test_a_review_that_closes_the_account_is_its_last_word(engine, org, clock):
    account_id = account_id_of(engine, register(engine, org))
    a_year_on(engine, clock)
    do(engine, org.staff, "periodic_review",
       {**KEEP, "purpose_still_holds": False, "review_decision": "close",
        "comment": "The project has ended."})
    life = engine.account_life(org.staff.id, account_id)
    assert [c.stage for c in life.reviews] == ["done"]
    assert [e.code for e in life.timeline][-2:] == ["life.review_answered", "life.closed"]
    assert life.timeline[-1].params == {"actor": "Sara Staff",
                                        "reason": "The project has ended.", "via": "review"}


def test_an_unanswered_review_followed_up_by_communications(engine, org, clock):
    account_id = account_id_of(engine, register(engine, org))
    a_year_on(engine, clock)
    a_year_on(engine, clock, days=31)  # the grace period passes: communications follows up
    [cycle] = engine.account_life(org.comms.id, account_id).reviews
    assert cycle.stage == "overdue" and cycle.escalated
    do(engine, org.comms, "escalated_review",
       {"owner_contacted": True, "review_decision": "keep", "comment": "Sara answered by phone"})
    life = engine.account_life(org.comms.id, account_id)
    assert life.reviews[0].stage == "done" and life.reviews[0].answered_by == "Cai Comms"
    assert "life.review_followed_up" in [e.code for e in life.timeline]


@pytest.mark.parametrize("who", ["comms", "auditor", "admin", "staff", "bo"])
def test_oversight_the_owner_and_a_moderator_read_the_page(engine, org, people, bo, who):
    reader = {"comms": org.comms, "staff": org.staff, "bo": bo, **people}[who]
    account_id = account_id_of(engine, register(engine, org))
    life = engine.account_life(reader.id, account_id)
    assert life.account.id == account_id and life.request is not None


def test_a_moderator_may_not_open_the_requests_themselves(engine, org, bo):
    request_id = register(engine, org)
    life = engine.account_life(bo.id, account_id_of(engine, request_id))
    assert life.openable == frozenset()  # the account's page, not the owner's requests
    owner = engine.account_life(org.staff.id, account_id_of(engine, request_id))
    assert request_id in owner.openable and owner.reviews[0].id in owner.openable


@pytest.mark.parametrize("who", ["outsider", "manager", "director"])
def test_everyone_else_is_refused(engine, org, who):
    account_id = account_id_of(engine, register(engine, org))
    with pytest.raises(NotAllowed) as refused:
        engine.account_life(getattr(org, who).id, account_id)
    assert refused.value.code == "account.not_involved"


def test_a_missing_account_is_not_found(engine, org):
    with pytest.raises(NotFound) as missing:
        engine.account_life(org.comms.id, 4711)
    assert missing.value.code == "account.not_found"


def test_an_insider_adding_themselves_to_the_people_index_gains_nothing(engine, org):
    """A row slipped into account_people with SQL does not agree with the register row."""
    account_id = account_id_of(engine, register(engine, org))
    with engine.uow.write() as session:
        session.add(AccountPerson(account_id=account_id, user_id=org.outsider.id,
                                  role="moderator"))
        session.add(AccountPerson(account_id=account_id, user_id=org.manager.id, role="owner"))
    for person in (org.outsider, org.manager):
        with pytest.raises(NotAllowed):
            engine.account_life(person.id, account_id)


def test_the_page_reads_no_workflow_state(engine, org, clock):
    """The page is built from indexed rows: a review's unreadable state does not matter."""
    account_id = account_id_of(engine, register(engine, org))
    with engine.uow.write() as session:
        session.execute(update(Instance).where(Instance.account_id == account_id)
                        .values(state="{not json"))
    life = engine.account_life(org.comms.id, account_id)
    assert len(life.reviews) == 1 and life.reviews[0].due_at is not None


def test_reviews_are_found_by_their_year_in_all_requests(engine, org, clock):
    request_id = register(engine, org)
    a_year_on(engine, clock)
    do(engine, org.staff, "periodic_review", KEEP)
    found = engine.all_requests(org.comms.id, text="review 2027")
    assert [r.title.params["year"] for r in found] == ["2027"]
    assert {r.process_id for r in engine.all_requests(org.comms.id, text="2027 REVIEW")} == {
        "account_review"}
    by_name = engine.all_requests(org.comms.id, text="neuro lab")
    assert {r.process_id for r in by_name} == {"social_media_account", "account_review"}
    assert request_id in {r.id for r in by_name} and len(by_name) == 3  # both cycles too
    assert engine.all_requests(org.comms.id, text="review 2031") == []
    # A title pasted whole finds itself: "of" and "on" are the review title's own words.
    pasted = engine.all_requests(org.comms.id, text="Review 2028 of KI Neuro Lab on Instagram")
    assert [r.title.params["year"] for r in pasted] == ["2028"]
    assert [r.id for r in engine.all_requests(org.comms.id, text="KI Neuro Lab on Instagram")
            if r.process_id == "social_media_account"] == [request_id]
    assert engine.all_requests(org.comms.id, text="100%") == []  # a wildcard is literal


def test_a_due_review_is_found_by_its_year_in_the_owners_inbox(engine, org, clock):
    register(engine, org)
    a_year_on(engine, clock)
    page = engine.inbox_page(org.staff.id, InboxFilter(text="Review 2027"))
    assert [t.task_name for t in page.tasks] == ["periodic_review"]
    assert page.tasks[0].request_title.params["year"] == "2027"
    assert engine.inbox_page(org.staff.id, InboxFilter(text="review 2028")).tasks == ()
