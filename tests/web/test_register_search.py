"""Searching the register by owner and moderators: "which accounts does Bo moderate?"."""

from __future__ import annotations

import pytest

from tests.web.test_register import csv_records, rows_of
from tests.web.webtools import MODERATION, register_account, text

# Maja's account is moderated by Åsa Öberg, who is not a person of the system, and by Cecilia.
BY_MAJA = {
    "moderators-0-name": "Åsa Öberg", "moderators-0-email": "Asa.Oberg@Example.KI.se",
    "moderators-0-covers_holidays": "true",
    "moderators-1-name": "Cecilia Communications", "moderators-1-email": "comms1@example.ki.se",
    "holiday_plan": "Åsa covers July, Cecilia covers December",
    "daily_moderation_confirmed": "true",
}
NEURO, HEALTH = "KI Neuro Lab", "Global Health"


@pytest.fixture
def comms(client_for):
    """Communications, with Sara's account (moderated by Sara and Bo) and Maja's."""
    staff, manager, director = client_for("staff"), client_for("manager"), client_for("director")
    officer = client_for("comms1")
    register_account(staff, manager, officer, moderation=MODERATION)
    register_account(manager, director, officer,
                     {"account_name": HEALTH, "channel": "LinkedIn",
                      "owning_unit": "Department of Global Public Health"},
                     {"registered_handle": "ki-global-health",
                      "registered_url": "https://www.linkedin.com/company/ki-global-health"},
                     BY_MAJA)
    return officer


def found(client, q: str) -> list[str]:
    """The account names the register page lists for a search."""
    page = text(client.get("/register/", query_string={"q": q}))
    return rows_of(page) if "<tbody>" in page else []


@pytest.mark.parametrize(("q", "accounts"), [
    ("Sara Staff", [NEURO]), ("sara staff", [NEURO]),  # owner by name, any case
    ("STAFF@EXAMPLE.KI.SE", [NEURO]), ("maja manager", [HEALTH]),  # only owners: Maja, Sara's
    ("Manager@example.ki.se", [HEALTH]),  # address
])
def test_search_finds_the_owner_by_name_and_email(comms, q, accounts):
    assert found(comms, q) == accounts


@pytest.mark.parametrize("q", ["Bo Berg", "bo berg", "BO BERG", "bo@example.ki.se",
                               "Bo@Example.KI.SE"])
def test_which_accounts_does_bo_moderate(comms, q):
    # Bo is no person of the system: he is found by the name and email the request gave.
    assert found(comms, q) == [NEURO]


@pytest.mark.parametrize("q", ["Åsa Öberg", "åsa öberg", "ÅSA", "asa.oberg@example.ki.se",
                               "ASA.OBERG@EXAMPLE.KI.SE", "  åsa   öberg "])
def test_moderators_are_found_whatever_the_case_also_with_swedish_letters(comms, q):
    assert found(comms, q) == [HEALTH]


def test_a_moderator_who_is_a_person_of_the_system_is_found_too(comms):
    assert found(comms, "cecilia") == [HEALTH]
    assert found(comms, "COMMS1@example.ki.se") == [HEALTH]
    assert found(comms, "Sara") == [NEURO]  # Sara owns and moderates hers only


def test_search_text_is_taken_literally(comms):
    assert found(comms, "%") == [] and found(comms, "_") == []
    assert found(comms, "nobody at all") == []
    assert "No accounts match." in text(comms.get("/register/?q=nobody"))


def test_the_export_has_the_accounts_the_search_found(comms):
    records = csv_records(comms.get("/register/accounts.csv", query_string={"q": "bo berg"}))
    assert [r["Account"] for r in records] == [NEURO]
    assert records[0]["Moderators"] == "Sara Staff; Bo Berg"


@pytest.mark.parametrize(("role", "allowed"), [
    ("staff", False), ("manager", False), ("owner", False), ("comms2", True),
    ("auditor", True), ("admin", True)])
def test_searching_by_moderator_is_for_those_who_see_the_register(comms, client_for, role,
                                                                  allowed):
    client = client_for(role)
    for path in ("/register/", "/register/accounts.csv"):
        response = client.get(path, query_string={"q": "bo berg"})
        assert response.status_code == (200 if allowed else 403), path
    if allowed:
        assert found(client, "bo berg") == [NEURO]
    else:
        assert NEURO not in text(response)
