"""The account page through the browser's eyes: what it shows, where it is linked from, and
who is refused it (with a page that says so, never a trace)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.accounts import Account
from engine.accounts._account_log import change_account, close_account
from engine.store import Instance
from tests.web.webtools import (
    MODERATION,
    TASK_LINK,
    complete,
    inbox_task_ids,
    register_account,
    text,
)

# Sara moderates her own account, with the director (a person of the system) beside her.
WITH_DIRECTOR = {**MODERATION, "moderators-0-email": "staff@example.ki.se",
                 "moderators-1-name": "Dan Director",
                 "moderators-1-email": "Director@Example.KI.se"}
KEEP = {"still_moderated_daily": "true", "purpose_still_holds": "true",
        "moderators_current": "true", "review_decision": "keep"}
ACCOUNT_LINK = re.compile(r'href="/accounts/(\d+)"')


@pytest.fixture
def registered(client_for, engine):
    """Sara's account, registered by Cecilia: (request id, account id)."""
    request_id = register_account(client_for("staff"), client_for("manager"),
                                  client_for("comms1"), moderation=WITH_DIRECTOR)
    with engine.uow.read() as session:
        account_id = session.scalar(select(Account.id).where(Account.request_id == request_id))
    return request_id, account_id


def review_ids(engine, account_id):
    with engine.uow.read() as session:
        return session.scalars(select(Instance.id).where(
            Instance.account_id == account_id, Instance.process_id == "account_review")
            .order_by(Instance.created_at)).all()


def test_the_page_shows_the_entry_and_its_life(client_for, engine, registered, clock):
    request_id, account_id = registered
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    complete(client_for("staff"), KEEP)  # the first review: kept
    clock.advance(timedelta(days=20))
    with engine.uow.write() as session:
        account = session.get(Account, account_id)
        change_account(session, account, {"handle": "@kineuro"}, None, "", "register",
                       clock.now())
    with engine.uow.write() as session:
        change_account(session, session.get(Account, account_id), {"url": "https://instagram.com/kineuro"},
                       engine.users.find("comms1").id, "The lab renamed itself",
                       "register", clock.now())
        close_account(session, session.get(Account, account_id),
                      engine.users.find("comms2").id, "The lab closed", "register",
                      clock.now())
    first, second = review_ids(engine, account_id)

    page = text(client_for("comms1").get(f"/accounts/{account_id}"))
    assert "<h1>KI Neuro Lab on Instagram</h1>" in page
    assert "@kineuro" in page and "Sara Staff" in page and "Dan Director" in page
    assert "Closed" in page
    # The opening request, linked, with who approved it.
    assert f'href="/requests/{request_id}"' in page and "approved by Maja Manager" in page
    # Each review by its year, linked to its own request page.
    assert re.search(rf'<a href="/requests/{first}">Review 2027 of KI Neuro Lab on Instagram</a>',
                     page)
    assert f'<a href="/requests/{second}">Review 2028 of KI Neuro Lab on Instagram</a>' in page
    assert "keep the account, by Sara Staff" in page
    # The timeline: registration, the review, the changes (field, before, after, who, why).
    assert "Cecilia Communications registered the account as @kineurolab" in page
    assert "Sara Staff answered Review 2027 of KI Neuro Lab on Instagram: keep the account" in page
    assert ("Cecilia Communications changed the entry in the register. Reason: The lab renamed "
            "itself") in page
    assert re.search(r"<th scope=\"row\">Address</th><td>https://instagram.com/kineurolab</td>"
                     r"<td>https://instagram.com/kineuro</td>", page)
    assert "Someone changed the entry in the register." in page  # no actor, no reason given
    assert "Carl Communications closed the account in the register. Reason: The lab closed" \
        in page
    # Times in Stockholm: registered 2026-01-05 09:00 UTC is 10:00 there.
    assert "2026-01-05 10:00" in page
    assert page.index("registered the account") < page.index("answered Review 2027") \
        < page.index("closed the account")


def test_the_register_links_each_row_to_its_page(client_for, registered):
    _request_id, account_id = registered
    page = text(client_for("comms1").get("/register/"))
    assert f'href="/accounts/{account_id}">KI Neuro Lab</a>' in page


def test_my_accounts_links_the_owner_and_the_moderator_to_the_page(client_for, registered):
    _request_id, account_id = registered
    for username in ("staff", "director"):
        page = text(client_for(username).get("/me/accounts"))
        assert ACCOUNT_LINK.findall(page) == [str(account_id)], username
        assert client_for(username).get(f"/accounts/{account_id}").status_code == 200


def test_the_moderator_sees_the_account_but_no_links_to_requests_they_may_not_open(
        client_for, registered):
    request_id, account_id = registered
    director = client_for("director")
    page = text(director.get(f"/accounts/{account_id}"))
    assert "KI Neuro Lab on Instagram" in page and "Review 2027 of KI Neuro Lab" in page
    assert f'href="/requests/{request_id}"' not in page
    assert director.get(f"/requests/{request_id}").status_code == 403


def test_the_request_page_and_each_review_page_link_to_the_account(client_for, engine,
                                                                     registered):
    request_id, account_id = registered
    staff = client_for("staff")
    assert f'href="/accounts/{account_id}"' in text(staff.get(f"/requests/{request_id}"))
    [review] = review_ids(engine, account_id)
    assert f'href="/accounts/{account_id}"' in text(staff.get(f"/requests/{review}"))


def test_the_review_task_page_links_to_the_account(client_for, engine, registered, clock):
    _request_id, account_id = registered
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    staff = client_for("staff")
    [task_id] = inbox_task_ids(staff)
    assert f'href="/accounts/{account_id}"' in text(staff.get(f"/tasks/{task_id}"))


def test_the_inbox_and_all_requests_find_a_review_by_its_year(client_for, engine, registered,
                                                              clock):
    _request_id, account_id = registered
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    [review] = review_ids(engine, account_id)
    listed = text(client_for("comms1").get("/requests/all?q=review+2027"))
    assert f'href="/requests/{review}">Review 2027 of KI Neuro Lab on Instagram</a>' in listed
    assert "No requests match" in text(client_for("comms1").get("/requests/all?q=review+2029"))
    inbox = text(client_for("staff").get("/inbox?q=review+2027"))
    assert len(TASK_LINK.findall(inbox)) >= 1 and "Review 2027 of KI Neuro Lab" in inbox
    pasted = text(client_for("staff").get(
        "/inbox?q=Review+2027+of+KI+Neuro+Lab+on+Instagram"))
    assert len(TASK_LINK.findall(pasted)) >= 1
    assert TASK_LINK.findall(text(client_for("staff").get("/inbox?q=review+2029"))) == []


@pytest.mark.parametrize("username", ["manager", "owner"])
def test_people_without_a_part_in_the_account_get_a_403_page(client_for, registered, username):
    _request_id, account_id = registered
    response = client_for(username).get(f"/accounts/{account_id}")
    page = text(response)
    assert response.status_code == 403
    assert "for its owner, its moderators and the communications department" in page
    assert "KI Neuro Lab" not in page and "Traceback" not in page


@pytest.mark.parametrize("username", ["comms2", "auditor", "admin"])
def test_oversight_reads_every_account(client_for, registered, username):
    _request_id, account_id = registered
    assert client_for(username).get(f"/accounts/{account_id}").status_code == 200


@pytest.mark.parametrize("path", ["/accounts/4711", "/accounts/abc", "/accounts/-1"])
def test_a_missing_account_is_a_404_page(client_for, path):
    response = client_for("comms1").get(path)
    page = text(response)
    assert response.status_code == 404 and "Traceback" not in page


def test_a_missing_account_says_so(client_for):
    page = text(client_for("comms1").get("/accounts/4711"))
    assert "There is no such account in the register." in page


def test_signed_out_people_are_sent_to_sign_in(client, registered):
    response = client.get(f"/accounts/{registered[1]}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_communications_keeps_the_entry_from_the_account_page(client_for, registered):
    """The account page offers communications the register's actions; others see none."""
    _, account_id = registered
    comms = text(client_for("comms1").get(f"/accounts/{account_id}"))
    for action in ("edit", "review", "close"):
        assert f'href="/register/{account_id}/{action}"' in comms
    owner = text(client_for("staff").get(f"/accounts/{account_id}"))
    assert f'href="/register/{account_id}/edit"' not in owner
