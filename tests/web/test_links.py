"""The organisation's guidelines and contact as links: start page, first step and footer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from engine import DEMO_PASSWORD, Engine
from tests.web.webtools import GUIDELINES as CONFIRMED
from tests.web.webtools import complete, inbox_task_ids, post, register_account, text, token

GUIDELINES = "https://intra.example.org/social-media/guidelines"
GETTING_STARTED = "https://intra.example.org/social-media/getting-started"
CONTACT = "social@example.org"


@pytest.fixture
def configured(make_engine, make_app, clock):
    """An app whose organisation configured its own links."""
    seeded = make_engine()
    built = Engine(replace(seeded.settings, guidelines_url=GUIDELINES,
                           getting_started_url=GETTING_STARTED, contact_email=CONTACT),
                   clock=clock)
    yield make_app(engine=built)
    built.dispose()


def sign_in(app, username):
    """A browser of its own, signed in through the login form."""
    browser = app.test_client()
    response = browser.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                            "csrf_token": token(browser, "/login")})
    assert response.status_code == 303
    return browser


def test_the_footer_links_the_guidelines_and_mails_the_configured_contact(configured):
    page = text(configured.test_client().get("/login"))  # also before signing in
    assert f'href="{GUIDELINES}"' in page
    assert f'href="mailto:{CONTACT}"' in page
    assert "socialmedia@ki.se" not in page


@pytest.mark.parametrize("username", ["staff", "manager", "comms1"])
def test_the_start_page_links_the_guidelines_getting_started_and_contact(configured, username):
    page = text(sign_in(configured, username).get("/requests/new"))
    assert page.count(f'href="{GUIDELINES}"') >= 2  # the first step's line and the footer
    assert f'href="{GETTING_STARTED}"' in page
    assert f'href="mailto:{CONTACT}"' in page


def test_the_first_step_links_what_it_asks_people_to_have_read(configured):
    staff = sign_in(configured, "staff")
    response = post(staff, "/requests/")
    assert response.status_code == 303
    page = text(staff.get(response.headers["Location"]))
    assert "Confirm the social media guidelines" in page
    assert f'<a href="{GUIDELINES}" rel="noopener noreferrer">Read KI' in page
    assert f'href="{GETTING_STARTED}"' in page
    assert "Read more about getting started with social media" in page
    assert f'href="mailto:{CONTACT}"' in page


def test_later_steps_carry_only_the_footer_link(configured):
    staff = sign_in(configured, "staff")
    first = post(staff, "/requests/").headers["Location"]
    complete(staff, CONFIRMED, first.rsplit("/", 1)[1])
    page = text(staff.get(f"/tasks/{inbox_task_ids(staff)[0]}"))
    assert "Describe the account" in page
    assert f'href="{GETTING_STARTED}"' not in page
    assert page.count(f'href="{GUIDELINES}"') == 1  # the footer's


def test_the_defaults_link_kis_pages(client):
    page = text(client.get("/login"))
    assert 'href="https://medarbetare.ki.se/riktlinjer-for-sociala-medier"' in page
    assert 'href="mailto:socialmedia@ki.se"' in page


def test_registering_late_in_the_day_with_daily_reviews_is_no_500(make_engine, make_app, clock):
    # A daily review is the shortest allowed; registering at 22:00 used to need more steps
    # from the registration date than the schedule's bound (seconds-long intervals: a 500).
    clock.advance(timedelta(hours=13))
    assert clock.now() == datetime(2026, 1, 5, 22, 0, tzinfo=UTC)
    seeded = make_engine()
    daily = Engine(replace(seeded.settings, review_interval="P1D", review_grace="PT1H"),
                   clock=clock)
    app = make_app(engine=daily)
    staff, manager, comms = (sign_in(app, name) for name in ("staff", "manager", "comms1"))
    register_account(staff, manager, comms)  # every step answered 303, none 4xx or 500
    assert "@kineurolab" in text(comms.get("/register/"))
    # The first review falls due the next morning at 06:00 UTC, not in the past.
    clock.advance(timedelta(hours=7))
    daily.fire_due_timers()
    assert not [t for t in daily.inbox(staff_id(daily)) if "review" in t.task_name]
    clock.advance(timedelta(hours=2))
    daily.fire_due_timers()
    names = [t.task_name for t in daily.inbox(staff_id(daily))]
    assert any("review" in name for name in names), names
    daily.dispose()


def staff_id(engine) -> int:
    """The demo requester's id."""
    return engine.users.find("staff").id
