"""Data the register trusts is checked against what it means, on the service's (Stockholm) day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import InvalidForm
from tests.support.people import APPROVE, REGISTER, REGISTRATION, SEND_BACK
from tests.support.walk import do, only_task, request_until_approval


@pytest.fixture
def at_registration(engine, org):
    """A request waiting on the requester's registration form (the test clock: 2026-01-05)."""
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)


def refused(engine, user, name, data):
    """The per-field messages (code, params) of a refused submission."""
    with pytest.raises(InvalidForm) as error:
        do(engine, user, name, data)
    return {field: [(m.code, m.params) for m in found]
            for field, found in error.value.messages.items()}


def test_a_planned_start_in_the_past_is_refused(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "planned_start": "1999-06-01"}) == {
        "planned_start": [("date_in_past", {"today": "2026-01-05"})]}
    assert only_task(engine, org.staff, "registration_form"), "nothing moved on"


@pytest.mark.parametrize("day", ["2026-01-05", "2026-02-01"])
def test_a_planned_start_today_or_later_is_accepted(engine, org, at_registration, day):
    do(engine, org.staff, "registration_form", {**REGISTRATION, "planned_start": day})
    assert only_task(engine, org.comms, "register_account")


def test_date_messages_come_with_the_forms_own(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "planned_start": "2025-12-31", "contact_email": "sara"}) == {
        "planned_start": [("date_in_past", {"today": "2026-01-05"})],
        "contact_email": [("invalid_email", {})]}


def test_a_registration_date_in_the_future_is_refused(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    assert refused(engine, org.comms, "register_account",
                   {**REGISTER, "registered_on": "2030-01-01"}) == {
        "registered_on": [("date_in_future", {"today": "2026-01-05"})]}
    do(engine, org.comms, "register_account", {**REGISTER, "registered_on": "2025-11-30"})
    assert [a.status for a in engine.accounts(org.comms.id)] == ["active"]


def test_a_send_back_ignores_a_leftover_registration_date(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", {**SEND_BACK, "registered_on": "2030-01-01"})
    assert only_task(engine, org.staff, "registration_form")


def test_today_is_stockholms_day_not_utcs(engine, org, at_registration, clock):
    do(engine, org.staff, "registration_form", REGISTRATION)
    clock.advance(timedelta(hours=14, minutes=30))  # 23:30 UTC: already 6 January in Stockholm
    do(engine, org.comms, "register_account", {**REGISTER, "registered_on": "2026-01-06"})
    assert [a.status for a in engine.accounts(org.comms.id)] == ["active"]


def test_an_address_without_a_dotted_host_is_refused(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "https://x"}) == {
        "account_url": [("invalid_url", {})]}
    do(engine, org.staff, "registration_form", REGISTRATION)
    assert refused(engine, org.comms, "register_account",
                   {**REGISTER, "registered_url": "https://x"}) == {
        "registered_url": [("invalid_url", {})]}


def test_the_register_form_starts_from_the_requesters_address(engine, org, at_registration):
    do(engine, org.staff, "registration_form",
       {**REGISTRATION, "account_url": "https://www.instagram.com/kineurolab"})
    task = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert task.values == {"registered_url": "https://www.instagram.com/kineurolab"}


def test_the_register_form_starts_empty_without_an_address(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    task = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert task.values == {}
