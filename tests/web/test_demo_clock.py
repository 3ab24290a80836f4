"""The demo clock's admin page: an admin moves the demo's time forward and every page says so;
refused input keeps what was typed, other people are turned away, and without the setting
there is no page at all."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, update

from engine import DEMO_PASSWORD, Engine
from engine.store import DemoClockOffset, Event
from tests.web.webtools import post, text, token

STREAM = "demo-clock"


@pytest.fixture
def engine(make_engine, clock):
    """The test's engine with the demo clock on, as `make run` serves it."""
    seeded = make_engine()
    built = Engine(replace(seeded.settings, demo_clock=True), clock=clock)
    yield built
    built.dispose()


def moves(engine):
    """The clock's recorded moves."""
    with engine.uow.read() as session:
        return list(session.scalars(select(Event).where(Event.stream == STREAM)))


def test_an_admin_moves_the_clock_and_every_page_says_so(client_for, app, engine, demo):
    admin = client_for("admin")
    assert 'href="/admin/clock"' in text(admin.get("/admin/"))
    page = text(admin.get("/admin/clock"))
    assert "5 January 2026, 10:00" in page, "the demo's now, in Stockholm time"
    assert "The clock has not been moved" in page
    assert "demo-clock-banner" not in page, "no banner while the demo runs on real time"

    moved = post(admin, "/admin/clock", {"days": "365", "reason": "Rehearse the review"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("/admin/clock")
    page = text(admin.get("/admin/clock"))
    assert "The demo clock moved forward 365 days." in page
    assert ("Demo clock: <strong>5 January 2026, 10:00</strong>" not in page
            and "Demo clock: <strong>5 January 2027, 10:00</strong>, 365 days ahead of real "
                "time" in page)
    assert "Rehearse the review" in page and "Adam Admin" in page
    [event] = moves(engine)
    assert (event.actor_id, event.payload["days"]) == (demo["admin"].id, 365)

    staff = client_for("staff")
    assert "365 days ahead of real time" in text(staff.get("/inbox")), "on everyone's pages"
    signed_out = app.test_client()
    assert "365 days ahead of real time" in text(signed_out.get("/login"))


@pytest.mark.parametrize(("days", "message"), [
    ("0", "The demo clock only moves forward: enter at least 1 day."),
    ("-30", "The demo clock only moves forward"),
    ("801", "Move the clock at most 800 days at a time."),
    ("a year", "Enter a whole number."),
    ("", "Enter a whole number."),
])
def test_refused_days_re_render_with_the_field_message_and_what_was_typed(
        client_for, engine, days, message):
    admin = client_for("admin")
    refused = post(admin, "/admin/clock", {"days": days, "reason": "Rehearse the review"})
    assert refused.status_code == 422
    page = text(refused)
    assert '<p class="field-error" id="days-error">' in page and message in page
    assert 'value="Rehearse the review"' in page, "the reason typed is kept"
    assert f'name="days" type="number" min="1" max="800" step="1" inputmode="numeric" ' \
           f'class="input" value="{days}"' in page
    assert moves(engine) == [] and engine.demo_clock.ahead().days == 0


def test_a_move_without_a_reason_is_refused_on_that_field(client_for, engine):
    admin = client_for("admin")
    refused = post(admin, "/admin/clock", {"days": "30", "reason": "  "})
    assert refused.status_code == 422
    page = text(refused)
    assert '<p class="field-error" id="reason-error">This field is required.</p>' in page
    assert 'id="days-error"' not in page and 'value="30"' in page
    assert moves(engine) == []


def test_a_move_without_the_csrf_token_is_refused(client_for, engine):
    admin = client_for("admin")
    refused = admin.post("/admin/clock", data={"days": "30", "reason": "Rehearse"})
    assert refused.status_code == 400
    assert "Traceback" not in refused.get_data(as_text=True)
    assert moves(engine) == []


@pytest.mark.parametrize("username", ["staff", "comms1", "auditor", "owner", "manager"])
def test_only_admins_see_or_move_the_clock(client_for, engine, username):
    someone = client_for(username)
    assert someone.get("/admin/clock").status_code == 403
    refused = post(someone, "/admin/clock", {"days": "30", "reason": "See my review early"})
    assert refused.status_code == 403
    assert "Only an administrator may move the demo clock." in text(refused)
    assert moves(engine) == []


def test_signed_out_people_are_sent_to_sign_in(app, engine):
    browser = app.test_client()
    assert browser.get("/admin/clock").status_code == 302
    assert browser.post("/admin/clock", data={"days": "30", "reason": "x",
                                              "csrf_token": token(browser, "/login")}
                        ).status_code == 302
    assert moves(engine) == []


def test_an_offset_changed_with_sql_is_flagged_on_the_page(client_for, engine):
    admin = client_for("admin")
    assert post(admin, "/admin/clock", {"days": "100", "reason": "Rehearse"}).status_code == 303
    with engine.uow.write() as session:
        session.execute(update(DemoClockOffset).values(offset_seconds=40 * 86400))
    page = text(admin.get("/admin/clock"))
    assert ("The stored offset (40 days) is not what the recorded moves add up to (100 days)"
            in page)


def sign_in(client, username):
    """Sign in through the form."""
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 303
    return client


def test_without_the_setting_there_is_no_page_no_link_and_no_banner(make_app):
    app = make_app()  # the demo clock off, as in production
    admin = sign_in(app.test_client(), "admin")
    assert admin.get("/admin/clock").status_code == 404
    assert post(admin, "/admin/clock", {"days": "30", "reason": "Rehearse"}).status_code == 404
    index = text(admin.get("/admin/"))
    assert "/admin/clock" not in index and "Demo clock" not in index
    assert "demo-clock-banner" not in text(admin.get("/inbox"))
