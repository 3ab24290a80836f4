"""How one is told, from the browser: each person sets their own choice (a mail for each
message or a daily digest) at /me/notifications; CSRF and unknown values are refused."""

from __future__ import annotations

import pytest

from tests.web.webtools import post, text

ROLES = ["staff", "manager", "comms1", "auditor", "owner", "admin"]


@pytest.mark.parametrize("username", ROLES)
def test_each_role_chooses_a_daily_digest_for_themselves(client_for, engine, demo, username):
    browser = client_for(username)
    page = text(browser.get("/me/notifications"))
    assert 'type="radio"' in page and 'value="each" checked' in page
    assert "A daily digest" in page and "07:00" in page
    response = post(browser, "/me/notifications", {"mode": "daily"})
    assert response.status_code == 303
    page = text(browser.get("/me/notifications"))
    assert "Your choice was saved." in page and 'value="daily" checked' in page
    assert engine.notify_mode(demo[username].id) == "daily"
    others = [name for name in ROLES if name != username]
    assert all(engine.notify_mode(demo[name].id) == "each" for name in others), "own only"


def test_the_change_is_recorded_on_the_persons_stream(client_for, engine, demo):
    post(client_for("staff"), "/me/notifications", {"mode": "daily"})
    admin = client_for("admin")
    page = text(admin.get(f"/admin/people/{demo['staff'].id}"))
    assert "Sara Staff chose to be told by a daily digest." in page
    from engine.store import person_events
    with engine.uow.read() as session:
        [event] = [e for e in person_events(session, demo["staff"].id)
                   if e.kind == "notify_mode_changed"]
    assert event.payload == {"from": "each", "to": "daily"}


def test_choosing_the_same_again_records_nothing(client_for, engine, demo):
    browser = client_for("manager")
    response = post(browser, "/me/notifications", {"mode": "each"}, follow_redirects=True)
    assert "Nothing changed." in text(response)
    from engine.store import person_events
    with engine.uow.read() as session:
        kinds = [e.kind for e in person_events(session, demo["manager"].id)]
    assert "notify_mode_changed" not in kinds


@pytest.mark.parametrize("value", ["hourly", "", "daily; DROP TABLE users", "x" * 500])
def test_an_unknown_choice_is_refused_with_a_message(client_for, engine, demo, value):
    browser = client_for("staff")
    response = post(browser, "/me/notifications", {"mode": value})
    assert response.status_code == 422
    page = text(response)
    assert "Choose one of the offered ways to be told." in page
    assert "Nothing was saved" in page and "Traceback" not in page
    assert engine.notify_mode(demo["staff"].id) == "each"


def test_a_post_without_its_csrf_token_is_refused(client_for, engine, demo):
    browser = client_for("staff")
    response = browser.post("/me/notifications", data={"mode": "daily"})
    assert response.status_code == 400
    assert engine.notify_mode(demo["staff"].id) == "each"


def test_signed_out_the_page_asks_to_sign_in(client, demo):
    response = client.get("/me/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
