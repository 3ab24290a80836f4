"""The organisation's links and the review schedule's settings: defaults, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import Engine, FixedClock, InvalidInput, Settings
from web.wording import error_text


def test_the_defaults_are_kis_pages_and_the_departments_address():
    settings = Settings.from_env({})
    assert settings.guidelines_url == "https://medarbetare.ki.se/riktlinjer-for-sociala-medier"
    assert settings.getting_started_url == "https://medarbetare.ki.se/kom-igang-med-sociala-medier"
    assert settings.contact_email == "socialmedia@ki.se"


def test_an_organisation_sets_its_own_links():
    settings = Settings.from_env({"KONTOFLODE_GUIDELINES_URL": " https://intra.example.org/sm ",
                                  "KONTOFLODE_GETTING_STARTED_URL": "https://intra.example.org/go",
                                  "KONTOFLODE_CONTACT_EMAIL": "social@example.org"})
    assert settings.guidelines_url == "https://intra.example.org/sm"
    assert settings.getting_started_url == "https://intra.example.org/go"
    assert settings.contact_email == "social@example.org"


@pytest.mark.parametrize("name", ["KONTOFLODE_GUIDELINES_URL", "KONTOFLODE_GETTING_STARTED_URL"])
@pytest.mark.parametrize("url", ["http://intra.example.org/sm", "javascript:alert(1)",
                                 "/guidelines", "https://", "https://a b.org/",
                                 'https://x.org/"onmouseover=1', "https://user@x.org/"])
def test_a_link_that_is_not_an_https_page_is_refused_naming_the_setting(name, url):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: url})


@pytest.mark.parametrize("email", ["social at example.org", "a@b.org?cc=x@y.org",
                                   "a@b.org, c@d.org", "<a@b.org>", "a@localhost"])
def test_a_contact_that_is_not_one_address_is_refused_naming_the_setting(email):
    with pytest.raises(ValueError, match="KONTOFLODE_CONTACT_EMAIL"):
        Settings.from_env({"KONTOFLODE_CONTACT_EMAIL": email})


def test_links_given_in_code_are_checked_too():
    with pytest.raises(ValueError, match="KONTOFLODE_GUIDELINES_URL"):
        Settings(guidelines_url="http://example.org/")


@pytest.mark.parametrize(("variable", "value", "least"), [
    ("KONTOFLODE_REVIEW_INTERVAL", "PT20S", "P1D"),
    ("KONTOFLODE_REVIEW_INTERVAL", "PT23H", "P1D"),
    ("KONTOFLODE_REVIEW_INTERVAL", "PT0S", "P1D"),
    ("KONTOFLODE_REVIEW_GRACE", "PT59M", "PT1H"),
    ("KONTOFLODE_REVIEW_GRACE", "PT0S", "PT1H"),
])
def test_a_schedule_too_short_is_refused_at_start_up_naming_the_setting(tmp_path, variable,
                                                                        value, least):
    settings = Settings.from_env({variable: value}, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(InvalidInput) as refused:
        Engine(settings)
    assert refused.value.code == "settings.too_short"
    assert variable in str(refused.value)  # what an operator reads when the app will not start
    message = error_text(refused.value)
    assert variable in message and repr(value) in message and least in message


@pytest.mark.parametrize(("interval", "grace"), [("P1D", "PT1H"), ("P1M", "PT1H"),
                                                 ("P12M", "P30D")])
def test_the_shortest_schedules_allowed_start(tmp_path, interval, grace):
    settings = Settings.from_env({"KONTOFLODE_REVIEW_INTERVAL": interval,
                                  "KONTOFLODE_REVIEW_GRACE": grace},
                                 database_url=f"sqlite:///{tmp_path / 'x.db'}")
    Engine(settings, clock=FixedClock(datetime(2026, 1, 5, 22, 0, tzinfo=UTC))).dispose()
