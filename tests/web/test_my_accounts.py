"""My accounts: each signed-in person sees the registered accounts they own or moderate."""

from __future__ import annotations

from tests.web.webtools import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    REGISTER,
    REGISTRATION,
    REQUEST_LINK,
    complete,
    inbox_task_ids,
    post,
    send_answers,
    submit_request,
    text,
)

# Sara moderates her own account; the second moderator is the director, typed in capitals.
WITH_DIRECTOR = {**MODERATION, "moderators-0-email": "staff@example.ki.se",
                 "moderators-1-name": "Dan Director",
                 "moderators-1-email": "Director@Example.KI.se"}


def _register(client_for, moderation=WITH_DIRECTOR, register=None) -> str:
    """Sara asks for an account naming these moderators; it is approved and registered."""
    staff = client_for("staff")
    first = post(staff, "/requests/").headers["Location"].rsplit("/", 1)[1]
    complete(staff, GUIDELINES, first)
    _task, done = complete(staff, ACCOUNT)
    request_id = REQUEST_LINK.search(text(staff.get(done.headers["Location"]))).group(1)
    send_answers(staff, request_id, moderation)
    complete(client_for("manager"), APPROVE)
    complete(staff, REGISTRATION)
    complete(client_for("comms1"), {**REGISTER, **(register or {})})
    return request_id


def _rows(page: str) -> str:
    return page.split("<tbody>", 1)[1] if "<tbody>" in page else ""


def test_the_top_bar_links_to_my_accounts_for_everyone(client_for):
    for username in ("staff", "admin", "auditor", "comms1"):
        assert 'href="/me/accounts"' in text(client_for(username).get("/inbox"))


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/me/accounts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nothing_yet_says_so(client_for):
    page = text(client_for("staff").get("/me/accounts"))
    assert "No accounts yet" in page


def test_the_owner_sees_their_account_with_status_handle_and_review(client_for):
    _register(client_for)
    page = text(client_for("staff").get("/me/accounts"))
    rows = _rows(page)
    assert "KI Neuro Lab" in rows and "Instagram" in rows
    assert '<a href="https://instagram.com/kineurolab"' in rows and "@kineurolab" in rows
    assert "Owner, Moderator" in rows  # Sara named herself as a moderator too
    assert "Active" in rows
    assert "2027-01-05" in rows  # the first review, a year after registration


def test_a_moderator_named_by_email_sees_it_too(client_for):
    _register(client_for)
    rows = _rows(text(client_for("director").get("/me/accounts")))
    assert "KI Neuro Lab" in rows and "Moderator" in rows and "Owner" not in rows


def test_people_neither_owning_nor_moderating_see_nothing(client_for):
    _register(client_for)
    for username in ("manager", "comms1", "admin", "auditor"):
        page = text(client_for(username).get("/me/accounts"))
        assert "No accounts yet" in page and "KI Neuro Lab" not in page


def test_an_account_not_yet_registered_is_not_listed(client_for):
    staff = client_for("staff")
    submit_request(staff)
    assert inbox_task_ids(client_for("manager"))
    assert "No accounts yet" in text(staff.get("/me/accounts"))

