"""Communications keeps the register through the web: edit, close, add, import, review now."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select, update

from engine.accounts import Account
from engine.accounts._account_log import account_events
from engine.store import Instance
from tests.web.test_register import rows_of
from tests.web.webtools import inbox_task_ids, post, register_account, text, token

ENTRY = {
    "account_name": "KI Neuro Lab", "channel": "Instagram", "handle": "@kineurolab",
    "url": "https://instagram.com/kineurolab", "owning_unit": "Neuro lab",
    "owning_unit_type": "Research group", "owner_email": "staff@example.ki.se",
    "purpose": "Share our research with the public and students",
    "moderators-0-name": "Sara Staff", "moderators-0-email": "sara@example.ki.se",
    "moderators-0-covers_holidays": "true",
    "moderators-1-name": "Bo Berg", "moderators-1-email": "bo@example.ki.se",
}
OLD = {**ENTRY, "account_name": "KI Alumni", "channel": "Facebook", "handle": "kialumni",
       "url": "https://www.facebook.com/kialumni", "owning_unit": "Alumni office",
       "registered_on": "2019-03-01", "reason": "Existed since 2019"}
HEADER = ("Account;Handle;Address;Channel;Unit;Type of unit;Owner email;Moderators;"
          "Holiday cover;Registered on;Purpose")
MODS = '"Sara Staff <sara@example.ki.se>; Bo Berg <bo@example.ki.se>"'


@pytest.fixture
def comms(client_for):
    """Communications, with Sara's account registered."""
    officer = client_for("comms1")
    register_account(client_for("staff"), client_for("manager"), officer)
    return officer


def the_account(engine) -> Account:
    """The one account the register has (Sara's)."""
    with engine.uow.read() as session:
        return session.scalars(select(Account).order_by(Account.id)).first()


def kinds(engine, account_id) -> list[str]:
    """The kinds of an account's events."""
    with engine.uow.read() as session:
        return [e.kind for e in account_events(session, account_id)]


def revision(page: str) -> str:
    """The revision the edit form was loaded at."""
    return re.search(r'name="revision" value="([^"]*)"', page).group(1)


# ---- edit --------------------------------------------------------------------------------------


def test_communications_edits_an_entry_from_a_prefilled_form(comms, engine):
    account = the_account(engine)
    page = text(comms.get(f"/register/{account.id}/edit"))
    assert 'value="@kineurolab"' in page and 'value="Bo Berg"' in page
    assert 'value="staff@example.ki.se"' in page
    response = post(comms, f"/register/{account.id}/edit",
                    {**ENTRY, "handle": "@kineuro", "owner_email": "manager@example.ki.se",
                     "revision": revision(page), "reason": "Renamed on Instagram"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/accounts/{account.id}")
    assert "was changed" in text(comms.get(response.headers["Location"]))
    changed = the_account(engine)
    assert changed.handle == "@kineuro"
    assert kinds(engine, account.id) == ["account_changed"]


def test_a_bad_edit_rerenders_with_messages_and_what_was_typed(comms, engine):
    account = the_account(engine)
    page = text(comms.get(f"/register/{account.id}/edit"))
    response = post(comms, f"/register/{account.id}/edit", {
        **ENTRY, "url": "https://x", "owner_email": "nobody@example.ki.se",
        "moderators-1-name": "SARA staff", "moderators-1-email": "Sara@Example.KI.se",
        "handle": "@typed-handle", "revision": revision(page), "reason": ""})
    assert response.status_code == 422
    body = text(response)
    assert "Enter a full web address" in body
    assert "No active person of the system has the email address nobody@example.ki.se" in body
    assert "same person as moderator 1" in body
    assert "This field is required." in body  # the reason
    assert 'value="@typed-handle"' in body and 'value="SARA staff"' in body
    assert 'aria-invalid="true"' in body
    assert kinds(engine, account.id) == []


def test_a_stale_edit_says_someone_else_changed_it(comms, client_for, engine):
    account = the_account(engine)
    mine = revision(text(comms.get(f"/register/{account.id}/edit")))
    other = client_for("comms2")
    theirs = revision(text(other.get(f"/register/{account.id}/edit")))
    assert post(other, f"/register/{account.id}/edit",
                {**ENTRY, "handle": "@theirs", "revision": theirs,
                 "reason": "Theirs"}).status_code == 303
    response = post(comms, f"/register/{account.id}/edit",
                    {**ENTRY, "handle": "@mine", "revision": mine, "reason": "Mine"})
    assert response.status_code == 409
    body = text(response)
    assert "Someone else changed this entry" in body
    assert 'value="@theirs"' in body  # the form shows their change
    assert the_account(engine).handle == "@theirs"


@pytest.mark.parametrize("who", ["staff", "manager", "auditor"])
def test_others_may_not_keep_the_register(comms, client_for, engine, who):
    account = the_account(engine)
    person = client_for(who)
    for path in (f"/register/{account.id}/edit", f"/register/{account.id}/close",
                 f"/register/{account.id}/review", "/register/add", "/register/import"):
        assert person.get(path).status_code == 403, path
        assert post(person, path, {**OLD, "reason": "x"}).status_code == 403, path
    assert kinds(engine, account.id) == []
    if who == "auditor":  # reads the register, without the keeping links
        page = text(person.get("/register/"))
        assert "KI Neuro Lab" in page and "/edit" not in page


def test_a_change_without_csrf_is_refused(comms, engine):
    account = the_account(engine)
    for path, data in ((f"/register/{account.id}/edit", {**ENTRY, "reason": "x"}),
                       (f"/register/{account.id}/close", {"reason": "x"}),
                       (f"/register/{account.id}/review", {"reason": "x"}),
                       ("/register/add", OLD)):
        assert comms.post(path, data=data).status_code == 400, path
    assert kinds(engine, account.id) == []
    assert the_account(engine).status == "active"


def test_an_auditor_tells_an_edit_from_an_insiders_sql(comms, client_for, engine):
    account = the_account(engine)
    page = text(comms.get(f"/register/{account.id}/edit"))
    post(comms, f"/register/{account.id}/edit",
         {**ENTRY, "handle": "@kineuro", "revision": revision(page), "reason": "Renamed"})
    auditor = client_for("auditor")
    check = f"/requests/{account.request_id}/check"
    assert "The record does not hold" not in text(auditor.get(check))
    with engine.uow.write() as session:
        session.execute(update(Account).where(Account.id == account.id)
                        .values(handle="@hijacked"))
    body = text(auditor.get(check))
    assert "The record does not hold" in body
    assert "Register row" in body and "@hijacked" in body and "@kineuro" in body


def test_an_insiders_sql_on_an_added_account_shows_on_its_reviews_check(comms, client_for,
                                                                        engine):
    post(comms, "/register/add", OLD)
    with engine.uow.read() as session:
        added = session.scalars(select(Account).where(Account.request_id.is_(None))).one()
        review_id = session.scalars(select(Instance.id).where(
            Instance.account_id == added.id)).one()
    with engine.uow.write() as session:
        session.execute(update(Account).where(Account.id == added.id)
                        .values(owning_unit="Somewhere else"))
    body = text(client_for("auditor").get(f"/requests/{review_id}/check"))
    assert "The record does not hold" in body
    assert "Somewhere else" in body and "Alumni office" in body


# ---- close -------------------------------------------------------------------------------------


def test_closing_asks_for_a_reason_then_closes_once(comms, engine):
    account = the_account(engine)
    page = text(comms.get(f"/register/{account.id}/close"))
    assert 'name="reason"' in page and "A review waiting on its owner ends" in page
    refused = post(comms, f"/register/{account.id}/close", {"reason": " "})
    assert refused.status_code == 422 and "This field is required." in text(refused)
    done = post(comms, f"/register/{account.id}/close", {"reason": "The lab closed"})
    assert done.status_code == 303
    assert the_account(engine).status == "closed"
    again = post(comms, f"/register/{account.id}/close", {"reason": "Again"})
    assert again.status_code == 303
    assert "The account was closed on" in text(comms.get("/register/"))
    assert kinds(engine, account.id) == ["account_closed"]


# ---- add and import ----------------------------------------------------------------------------


def test_an_existing_account_is_added_and_listed(comms, engine):
    response = post(comms, "/register/add", OLD)
    assert response.status_code == 303
    page = text(comms.get("/register/"))
    assert "KI Alumni" in page and "(added to the register)" in page
    assert rows_of(page) == ["KI Alumni", "KI Neuro Lab"]  # each links to its account page


def test_a_bad_addition_keeps_what_was_typed(comms, engine):
    response = post(comms, "/register/add", {**OLD, "registered_on": "2030-01-01",
                                             "channel": ""})
    assert response.status_code == 422
    body = text(response)
    assert "this date is after today" in body
    assert 'value="2030-01-01"' in body and 'value="KI Alumni"' in body
    with engine.uow.read() as session:
        assert len(session.scalars(select(Account)).all()) == 1


def upload(client, content: bytes, reason="From the old spreadsheet"):
    """Upload a CSV file on the import page."""
    return client.post("/register/import", data={
        "csrf_token": token(client, "/register/import"), "reason": reason,
        "file": (io.BytesIO(content), "accounts.csv")}, content_type="multipart/form-data")


def test_an_import_adds_good_rows_and_reports_bad_ones(comms, engine):
    good = f"KI Alumni;kialumni;;Facebook;Alumni office;Office;staff@example.ki.se;{MODS};" \
           "bo@example.ki.se;2019-03-01;Alumni"
    bad = f"KI Careers;kicareers;;LinkedIn;Careers;Office;nobody@example.ki.se;{MODS};" \
          "bo@example.ki.se;2031-01-01;Jobs"
    again = f"KI Neuro Lab;@kineurolab;;Instagram;Neuro;Lab;staff@example.ki.se;{MODS};" \
            "bo@example.ki.se;2020-01-01;Again"
    content = ("\ufeff" + "\r\n".join((HEADER, good, bad, again)) + "\r\n").encode()
    response = upload(comms, content)
    assert response.status_code == 200
    body = text(response)
    assert "1 of 3 accounts were added; 2 rows were not." in body
    assert re.search(r"<td>3</td><td>Owner email</td><td>No active person", body)
    assert re.search(r"<td>3</td><td>Registered on</td><td>Enter today", body)
    assert re.search(r"<td>4</td><td>Handle</td><td>The register already has", body)
    assert "KI Alumni" in text(comms.get("/register/"))
    # The same file again: nothing is added twice.
    assert "0 of 3 accounts were added" in text(upload(comms, content))


def test_a_file_that_cannot_be_read_is_refused_with_words(comms):
    response = upload(comms, "Account,Channel\r\nx,y\r\n".encode("utf-16"))
    assert response.status_code == 422
    assert "not UTF-8" in text(response)
    missing = upload(comms, b"Account;Channel\r\nx;y\r\n")
    assert "lacks the columns" in text(missing)
    no_reason = upload(comms, HEADER.encode(), reason="")
    assert no_reason.status_code == 422 and "This field is required." in text(no_reason)


def test_an_import_without_csrf_is_refused(comms, engine):
    content = (HEADER + "\r\n").encode()
    response = comms.post("/register/import", data={
        "reason": "x", "file": (io.BytesIO(content), "a.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400


# ---- review now --------------------------------------------------------------------------------


def test_a_review_started_now_reaches_the_owner(comms, client_for, engine):
    account = the_account(engine)
    staff = client_for("staff")
    before = inbox_task_ids(staff)
    page = text(comms.get(f"/register/{account.id}/review"))
    assert "has the task in their inbox at once" in page
    response = post(comms, f"/register/{account.id}/review", {"reason": "Complaints"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/accounts/{account.id}")
    assert "A review was started" in text(comms.get(response.headers["Location"]))
    after = inbox_task_ids(staff)
    assert len(after) == len(before) + 1
    assert "Review the account" in text(staff.get(f"/tasks/{(set(after) - set(before)).pop()}"))
    assert kinds(engine, account.id) == ["review_started"]
