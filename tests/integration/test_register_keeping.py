"""Communications keeps the register through the engine: edit, close, add, import, ad-hoc review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text, update

from engine import Conflict, InvalidForm, InvalidInput, NotAllowed
from engine.accounts import Account
from engine.accounts._account_log import account_events
from engine.store import Instance, ReadyTask, Timer, UserRole
from engine.usecases import PersonChange
from tests.integration.test_tamper import record
from tests.support.people import CLOSE, KEEP, PASSWORD
from tests.support.walk import do, only_task, register

MODERATORS = [{"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True},
              {"name": "Bo Berg", "email": "bo@ki.se", "covers_holidays": False}]
ENTRY = {"account_name": "KI Neuro Lab", "channel": "Instagram", "handle": "@kineurolab",
         "url": "https://www.instagram.com/kineurolab", "owning_unit": "Neuroscience",
         "owning_unit_type": "Research group", "owner_email": "sara@ki.se",
         "moderators": MODERATORS, "purpose": "Share the lab's research."}
OLD = {**ENTRY, "account_name": "KI Alumni", "channel": "Facebook", "handle": "kialumni",
       "url": "https://www.facebook.com/kialumni", "owning_unit": "Alumni office",
       "registered_on": "2019-03-01"}
HEADER = ("Account;Handle;Address;Channel;Unit;Type of unit;Owner email;Moderators;"
          "Holiday cover;Registered on;Purpose")


@pytest.fixture
def auditor(engine, org):
    """An auditor, who reads the register but does not keep it."""
    return engine.users.create("auditor", "Aud Auditor", "aud@ki.se", PASSWORD, ["auditor"])


@pytest.fixture
def account_id(engine, org) -> int:
    """The account Sara's request registered."""
    request_id = register(engine, org)
    with engine.uow.read() as session:
        return session.scalar(select(Account.id).where(Account.request_id == request_id))


def account(engine, account_id) -> Account:
    """The register row as stored."""
    with engine.uow.read() as session:
        return session.get(Account, account_id)


def kinds(engine, account_id) -> list[str]:
    """The kinds of the account's events, oldest first."""
    with engine.uow.read() as session:
        return [e.kind for e in account_events(session, account_id)]


def waiting_reviews(engine, account_id) -> list[Instance]:
    """The account's running review cycles."""
    with engine.uow.read() as session:
        return session.scalars(select(Instance).where(
            Instance.account_id == account_id, Instance.status == "running")).all()


def edit(engine, who, account_id, reason="New handle after a rename", **changes):
    """Edit the entry as loaded now."""
    form = engine.keeping.entry(who.id, account_id)
    raw = {**ENTRY, **changes}
    return engine.keeping.edit_entry(who.id, account_id, form.revision, raw, reason)


# ---- editing -----------------------------------------------------------------------------------


def test_communications_edits_an_entry_and_the_change_is_recorded_with_why(engine, org,
                                                                            account_id):
    changes = edit(engine, org.comms, account_id, handle="@kineuro", owner_email="MAJA@ki.se")
    row = account(engine, account_id)
    assert (row.handle, row.owner_id) == ("@kineuro", org.manager.id)
    assert changes["handle"] == ["@kineurolab", "@kineuro"]
    with engine.uow.read() as session:
        [event] = account_events(session, account_id)
    assert event.kind == "account_changed" and event.actor_id == org.comms.id
    assert event.payload["via"] == "register"
    assert event.payload["reason"] == "New handle after a rename"
    # The register follows: the new owner's accounts, the search by the new handle.
    assert [a.id for a in engine.my_accounts(org.manager.id)] == [account_id]
    assert [a.account_name for a in engine.accounts(org.comms.id, text="kineuro")]


def test_an_edit_with_nothing_changed_records_nothing(engine, org, account_id):
    form = engine.keeping.entry(org.comms.id, account_id)
    raw = {name: getattr(form, name) for name in (
        "account_name", "channel", "handle", "url", "owning_unit", "owning_unit_type",
        "owner_email", "purpose")}
    raw["moderators"] = list(form.moderators)
    assert engine.keeping.edit_entry(org.comms.id, account_id, form.revision, raw, "x") == {}
    assert kinds(engine, account_id) == []


def test_an_edit_is_checked_like_the_form_every_field_at_once(engine, org, account_id):
    form = engine.keeping.entry(org.comms.id, account_id)
    bad = {**ENTRY, "account_name": " ", "url": "https://x", "owner_email": "nobody@ki.se",
           "moderators": [MODERATORS[0], {**MODERATORS[0], "name": "SARA  staff"}]}
    with pytest.raises(InvalidForm) as refused:
        engine.keeping.edit_entry(org.comms.id, account_id, form.revision, bad, "")
    found = {path: [m.code for m in ms] for path, ms in refused.value.messages.items()}
    assert found["account_name"] == ["required"]
    assert found["url"] == ["invalid_url"]
    assert found["owner_email"] == ["owner.unknown"]
    assert found["moderators.1.email"] == ["moderators.same_person"]
    assert "moderators.too_few_people" in found["moderators"]
    assert found["reason"] == ["required"]
    assert kinds(engine, account_id) == []


def test_an_inactive_person_cannot_become_owner(engine, org, account_id):
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    detail = engine.people.person(admin.id, org.outsider.id)
    engine.people.change(admin.id, org.outsider.id, detail.revision, PersonChange(active=False))
    with pytest.raises(InvalidForm) as refused:
        edit(engine, org.comms, account_id, owner_email="otto@ki.se")
    assert [m.code for m in refused.value.messages["owner_email"]] == ["owner.unknown"]


def test_a_stale_edit_is_a_conflict_and_keeps_the_first_change(engine, org, account_id):
    mine = engine.keeping.entry(org.comms.id, account_id)
    edit(engine, org.comms2, account_id, handle="@first")
    with pytest.raises(Conflict) as refused:
        engine.keeping.edit_entry(org.comms.id, account_id, mine.revision,
                                  {**ENTRY, "handle": "@second"}, "mine")
    assert refused.value.code == "account.changed"
    assert account(engine, account_id).handle == "@first"


def test_two_entries_cannot_be_the_same_account(engine, org, account_id):
    engine.keeping.add_entry(org.comms.id, OLD, "Existed since 2019")
    with pytest.raises(InvalidForm) as refused:
        edit(engine, org.comms, account_id, channel="FACEBOOK", handle="KIAlumni")
    assert [m.code for m in refused.value.messages["handle"]] == ["account.duplicate"]


@pytest.mark.parametrize("who", ["staff", "manager", "auditor", "director"])
def test_only_communications_keeps_the_register(engine, org, auditor, account_id, who):
    person = auditor if who == "auditor" else getattr(org, who)
    attempts = [
        lambda: engine.keeping.entry(person.id, account_id),
        lambda: engine.keeping.edit_entry(person.id, account_id, "0.", ENTRY, "why"),
        lambda: engine.keeping.close_entry(person.id, account_id, "why"),
        lambda: engine.keeping.add_entry(person.id, OLD, "why"),
        lambda: engine.keeping.import_csv(person.id, b"x", "why"),
        lambda: engine.keeping.start_review_now(person.id, account_id, "why"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "keeping.communications_only"
    assert not engine.may_keep_register(person.id)
    assert kinds(engine, account_id) == []


def test_a_communications_role_only_in_the_roles_table_keeps_nothing(engine, org, account_id):
    # An insider gives Otto the role with SQL; his own stream never did.
    with engine.uow.write() as session:
        session.add(UserRole(user_id=org.outsider.id, role="communications"))
    assert not engine.may_keep_register(org.outsider.id)
    with pytest.raises(NotAllowed):
        edit(engine, org.outsider, account_id)


def test_the_record_check_tells_an_edited_entry_from_an_insiders_sql(engine, org, account_id):
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    edit(engine, org.comms, account_id, handle="@kineuro", owning_unit="Neuro lab")
    request_id = account(engine, account_id).request_id
    assert record(engine, org, request_id).projections == ()
    with engine.uow.write() as session:
        session.execute(update(Account).where(Account.id == account_id)
                        .values(handle="@hijacked"))
    check = engine.check_record(admin.id, request_id)
    assert [(d.table, d.field, d.stored, d.expected) for d in check.projections] == [
        ("accounts", "handle", "@hijacked", "@kineuro")]
    assert not check.sound


# ---- closing -----------------------------------------------------------------------------------


def test_closing_outside_a_review_ends_the_waiting_review(engine, org, account_id):
    [review] = waiting_reviews(engine, account_id)
    engine.keeping.close_entry(org.comms.id, account_id, "The lab closed down")
    row = account(engine, account_id)
    assert (row.status, row.closed_on, row.next_review_on) == ("closed", date(2026, 1, 5), None)
    assert waiting_reviews(engine, account_id) == []
    with engine.uow.read() as session:
        assert session.get(Instance, review.id).status == "cancelled"
        for table in (ReadyTask, Timer):
            assert session.scalars(select(table).where(table.instance_id == review.id)).all() \
                == []
        [event] = account_events(session, account_id)
    assert (event.kind, event.actor_id) == ("account_closed", org.comms.id)
    assert event.payload == {"reason": "The lab closed down", "via": "register",
                             "closed_on": "2026-01-05"}
    # The ended review's record holds, and so does the request's.
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    for instance_id in (review.id, row.request_id):
        check = engine.check_record(admin.id, instance_id)
        assert check.sound, (check.projections, check.replay.differences)


def test_closing_twice_is_refused_with_when(engine, org, account_id):
    engine.keeping.close_entry(org.comms.id, account_id, "Closed")
    with pytest.raises(Conflict) as refused:
        engine.keeping.close_entry(org.comms2.id, account_id, "Closed again")
    assert refused.value.code == "account.already_closed"
    assert refused.value.params == {"closed_on": "2026-01-05"}
    assert kinds(engine, account_id) == ["account_closed"]


def test_closing_needs_a_reason(engine, org, account_id):
    with pytest.raises(InvalidForm) as refused:
        engine.keeping.close_entry(org.comms.id, account_id, "   ")
    assert list(refused.value.messages) == ["reason"]
    assert account(engine, account_id).status == "active"


def test_a_closed_account_is_not_edited(engine, org, account_id):
    engine.keeping.close_entry(org.comms.id, account_id, "Closed")
    with pytest.raises(Conflict):
        edit(engine, org.comms, account_id, handle="@new")


# ---- adding an existing account ----------------------------------------------------------------


def test_an_existing_account_is_added_with_its_first_review_counted_from_its_date(engine, org):
    account_id = engine.keeping.add_entry(org.comms.id, OLD, "Existed since 2019")
    row = account(engine, account_id)
    assert row.request_id is None and row.registered_on == date(2019, 3, 1)
    assert (row.status, row.owner_id, row.handle) == ("active", org.staff.id, "kialumni")
    assert row.next_review_on == date(2026, 3, 1)  # yearly from 2019-03-01, the next ahead
    with engine.uow.read() as session:
        [event] = account_events(session, account_id)
    assert event.kind == "account_added" and event.actor_id == org.comms.id
    assert event.payload["fields"]["registered_on"] == "2019-03-01"
    assert event.payload["reason"] == "Existed since 2019"
    [review] = waiting_reviews(engine, account_id)
    assert review.started_by == org.staff.id
    # It is in the register and in its owner's accounts like any other.
    assert [a.account_name for a in engine.accounts(org.comms.id, text="alumni")] == [
        "KI Alumni"]
    assert [a.request_id for a in engine.my_accounts(org.staff.id)] == [None]


def test_a_registration_date_in_the_future_is_refused(engine, org):
    with pytest.raises(InvalidForm) as refused:
        engine.keeping.add_entry(org.comms.id, {**OLD, "registered_on": "2026-01-06"}, "x")
    assert [m.code for m in refused.value.messages["registered_on"]] == ["date_in_future"]
    with engine.uow.read() as session:
        assert session.scalars(select(Account)).all() == []


def test_the_review_of_an_added_account_falls_due_and_is_kept(engine, org, clock):
    account_id = engine.keeping.add_entry(org.comms.id, OLD, "Existed since 2019")
    clock.advance(timedelta(days=56))
    engine.fire_due_timers()
    do(engine, org.staff, "periodic_review", KEEP)
    row = account(engine, account_id)
    assert (row.review_cycles, row.next_review_on) == (1, date(2027, 3, 1))


def test_an_insiders_sql_edit_of_an_added_account_is_reported(engine, org):
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    account_id = engine.keeping.add_entry(org.comms.id, OLD, "Existed since 2019")
    edit_raw = {**OLD, "owning_unit": "Alumni relations"}
    form = engine.keeping.entry(org.comms.id, account_id)
    engine.keeping.edit_entry(org.comms.id, account_id, form.revision, edit_raw, "Renamed")
    [review] = waiting_reviews(engine, account_id)
    assert engine.check_record(admin.id, review.id).sound
    with engine.uow.write() as session:
        session.execute(update(Account).where(Account.id == account_id)
                        .values(owning_unit="Someone's unit", owner_id=org.outsider.id))
    check = engine.check_record(admin.id, review.id)
    assert {(d.table, d.field) for d in check.projections} == {
        ("accounts", "owning_unit"), ("accounts", "owner_id")}
    assert not check.sound


# ---- importing ---------------------------------------------------------------------------------


def csv_file(*rows: str, header: str = HEADER, bom: bool = True) -> bytes:
    """A CSV file as a spreadsheet saves it."""
    body = "\r\n".join((header, *rows)) + "\r\n"
    return (("\ufeff" if bom else "") + body).encode("utf-8")


GOOD = ("KI Alumni;kialumni;https://www.facebook.com/kialumni;Facebook;Alumni office;"
        "Office;sara@ki.se;Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>;bo@ki.se;"
        "2019-03-01;Keep alumni in touch")


def test_an_import_adds_the_good_rows_and_lists_the_bad_ones(engine, org, account_id):
    good = '"KI Alumni";kialumni;;Facebook;Alumni office;Office;sara@ki.se;' \
           '"Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>";bo@ki.se;2019-03-01;Alumni'
    no_owner = '"KI Careers";kicareers;;LinkedIn;Careers;Office;nobody@ki.se;' \
               '"Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>";sara@ki.se;2020-01-01;Jobs'
    future = '"KI Future";kifuture;;X;Future;Office;sara@ki.se;' \
             '"Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>";sara@ki.se;2030-01-01;Soon'
    already = '"KI Neuro Lab";@kineurolab;;Instagram;Neuro;Lab;sara@ki.se;' \
              '"Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>";sara@ki.se;2020-01-01;Again'
    twice = good.replace("2019-03-01", "2019-04-01")
    one_moderator = '"KI Solo";kisolo;;TikTok;Solo;Office;sara@ki.se;' \
                    '"Sara Staff <sara@ki.se>; just Bo";sara@ki.se;2020-01-01;Solo'
    result = engine.keeping.import_csv(org.comms.id, csv_file(
        good, no_owner, future, already, twice, one_moderator), "Register from the old list")
    assert len(result.added) == 1 and result.rows == 6
    problems = {(p.row, p.column, p.message.code) for p in result.rejected}
    # Rows as the spreadsheet numbers them: the header is row 1.
    assert problems >= {(3, "Owner email", "owner.unknown"),
                        (4, "Registered on", "date_in_future"),
                        (5, "Handle", "account.duplicate"),
                        (6, "Handle", "account.duplicate_in_file"),
                        (7, "Moderators", "moderators.unreadable")}
    assert result.rejected_rows == (3, 4, 5, 6, 7)
    added = account(engine, result.added[0])
    assert (added.account_name, added.registered_on) == ("KI Alumni", date(2019, 3, 1))
    assert kinds(engine, added.id) == ["account_added"]
    # Importing the same file again adds nothing twice.
    again = engine.keeping.import_csv(org.comms.id, csv_file(good), "Again")
    assert again.added == () and [p.message.code for p in again.rejected] == [
        "account.duplicate"]


def test_an_import_reads_commas_and_no_bom_too(engine, org):
    header = HEADER.replace(";", ",")
    row = ('KI Alumni,kialumni,https://www.facebook.com/kialumni,Facebook,Alumni office,Office,'
           'sara@ki.se,"Sara Staff <sara@ki.se>; Bo Berg <bo@ki.se>",bo@ki.se,2019-03-01,'
           'Alumni')
    result = engine.keeping.import_csv(org.comms.id, csv_file(row, header=header, bom=False),
                                       "Old list")
    assert len(result.added) == 1 and result.rejected == ()
    assert account(engine, result.added[0]).moderators[1] == {
        "name": "Bo Berg", "email": "bo@ki.se", "covers_holidays": True}


@pytest.mark.parametrize(("data", "code"), [
    (b"", "import.no_header"),
    (b"Account;Channel\r\nx;y\r\n", "import.missing_columns"),
    ("\ufeffAccount;Å".encode("utf-16"), "import.wrong_encoding"),
    (HEADER.encode() + b"\r\n", "import.no_rows"),
    (b"x" * (512 * 1024 + 1), "import.too_large"),
])
def test_a_file_that_is_no_register_is_refused_whole(engine, org, data, code):
    with pytest.raises(InvalidInput) as refused:
        engine.keeping.import_csv(org.comms.id, data, "Old list")
    assert refused.value.code == code


def test_an_import_is_bounded_in_rows(engine, org):
    rows = [GOOD.replace("kialumni", f"ki{n}") for n in range(501)]
    with pytest.raises(InvalidInput) as refused:
        engine.keeping.import_csv(org.comms.id, csv_file(*rows), "Old list")
    assert refused.value.code == "import.too_many_rows"
    with engine.uow.read() as session:
        assert session.scalars(select(Account)).all() == []


# ---- an ad-hoc review --------------------------------------------------------------------------


def test_an_ad_hoc_review_replaces_the_waiting_one_and_reaches_the_owner_at_once(
        engine, org, account_id):
    [scheduled] = waiting_reviews(engine, account_id)
    instance_id = engine.keeping.start_review_now(org.comms.id, account_id,
                                                  "Complaints about unanswered comments")
    [review] = waiting_reviews(engine, account_id)
    assert review.id == instance_id != scheduled.id
    task = only_task(engine, org.staff, "periodic_review")
    assert task.instance_id == instance_id
    row = account(engine, account_id)
    assert (row.status, row.next_review_on) == ("review due", date(2026, 1, 5))
    with engine.uow.read() as session:
        [event] = account_events(session, account_id)
        assert session.get(Instance, scheduled.id).status == "cancelled"
    assert (event.kind, event.actor_id) == ("review_started", org.comms.id)
    assert event.payload == {"instance_id": instance_id,
                             "reason": "Complaints about unanswered comments"}
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    assert engine.check_record(admin.id, instance_id).sound
    # The owner answers it: the account is closed by that review.
    do(engine, org.staff, "periodic_review", CLOSE)
    assert account(engine, account_id).status == "closed"


def test_no_review_of_a_closed_account(engine, org, account_id):
    engine.keeping.close_entry(org.comms.id, account_id, "Closed")
    with pytest.raises(Conflict):
        engine.keeping.start_review_now(org.comms.id, account_id, "Check")


def test_the_migration_lets_an_account_have_no_request(engine, org):
    account_id = engine.keeping.add_entry(org.comms.id, OLD, "Existed")
    with engine.uow.read() as session:
        assert session.execute(text("SELECT request_id FROM accounts WHERE id = :id"),
                               {"id": account_id}).scalar() is None


def test_a_new_owner_gets_the_waiting_review_and_the_next_ones(engine, org, account_id, clock):
    [before] = waiting_reviews(engine, account_id)
    edit(engine, org.comms, account_id, owner_email="maja@ki.se", reason="Sara moved on")
    [review] = waiting_reviews(engine, account_id)
    assert review.id != before.id and review.started_by == org.manager.id
    assert account(engine, account_id).next_review_on == date(2027, 1, 5)  # the same due date
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    assert [t.task_name for t in engine.inbox(org.staff.id)] == []
    do(engine, org.manager, "periodic_review", KEEP)
    [following] = waiting_reviews(engine, account_id)
    assert following.started_by == org.manager.id
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    for instance_id in (before.id, review.id, following.id):
        assert engine.check_record(admin.id, instance_id).sound
