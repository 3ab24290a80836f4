"""Right words and right data through the web: "sent back" only to whom it was sent back, no
rejection reason on an approval, dates and addresses checked per field, the register prefilled."""

from __future__ import annotations

import html

import pytest

from tests.web.webtools import (
    ACCOUNT,
    APPROVE,
    REGISTER,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    send_answers,
    submit_request,
    text,
)


@pytest.fixture
def people(client_for):
    """The requester, her manager and communications, each in their own browser."""
    return client_for("staff"), client_for("manager"), client_for("comms1")


def page_of(client, task_id=None):
    """The first inbox task's page (or `task_id`'s), as text."""
    return html.unescape(text(client.get(f"/tasks/{task_id or inbox_task_ids(client)[0]}")))


def test_only_the_requester_is_told_the_request_was_sent_back(people):
    staff, manager, comms = people
    request_id = submit_request(staff)
    complete(manager, {"manager_decision": "reject", "rejection_reason": "Name the audience."})
    assert "Sent back to you from 'Approve the account'" in page_of(staff)
    complete(staff, ACCOUNT)
    send_answers(staff, request_id)
    assert "Sent back to you" not in page_of(manager), "the manager re-approves; nothing came back"
    complete(manager, APPROVE)
    assert "Sent back to you" not in page_of(staff), "an approval sends nothing back"
    complete(staff, REGISTRATION)
    complete(comms, {"communications_decision": "send_back", "questions": "Which weeks?"})
    assert "Sent back to you from 'Register the account'" in page_of(staff)
    complete(staff, REGISTRATION)
    assert "Sent back to you" not in page_of(comms), "communications registers afresh"


def test_an_approval_keeps_no_leftover_rejection_reason(people):
    staff, manager, _comms = people
    request_id = submit_request(staff)
    complete(manager, {"manager_decision": "approve", "rejection_reason": "Changed my mind."})
    for viewer in (staff, manager):
        assert "Changed my mind." not in text(viewer.get(f"/requests/{request_id}"))


def at_registration(staff, manager):
    """A request waiting on the requester's registration form."""
    submit_request(staff)
    complete(manager, APPROVE)


def test_a_planned_start_in_the_past_is_a_message_on_that_field(people):
    staff, manager, _comms = people
    at_registration(staff, manager)
    task_id = inbox_task_ids(staff)[0]
    response = post(staff, f"/tasks/{task_id}",
                    {**REGISTRATION, "planned_start": "1999-06-01", "message": "Hello there"})
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert 'id="f-planned_start-error"' in page
    assert "this date is before today (2026-01-05)" in page
    assert 'value="1999-06-01"' in page and "Hello there" in page, "what was typed is kept"
    complete(staff, REGISTRATION, task_id)  # a date ahead is accepted


def test_an_address_without_a_dotted_host_is_refused(people):
    staff, manager, _comms = people
    at_registration(staff, manager)
    task_id = inbox_task_ids(staff)[0]
    response = post(staff, f"/tasks/{task_id}", {**REGISTRATION, "account_url": "https://x"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="f-account_url-error"' in page and 'value="https://x"' in page


def test_the_register_form_is_prefilled_and_its_date_checked(people):
    staff, manager, comms = people
    at_registration(staff, manager)
    complete(staff, {**REGISTRATION, "account_url": "https://www.instagram.com/kineurolab"})
    task_id = inbox_task_ids(comms)[0]
    assert 'value="https://www.instagram.com/kineurolab"' in page_of(comms, task_id)
    response = post(comms, f"/tasks/{task_id}", {**REGISTER, "registered_on": "2030-01-01",
                                                 "registered_url": "https://x"})
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert 'id="f-registered_on-error"' in page and "after today (2026-01-05)" in page
    assert 'id="f-registered_url-error"' in page
    assert 'value="2030-01-01"' in page and 'value="@kineurolab"' in page
    complete(comms, REGISTER, task_id)
    assert "@kineurolab" in text(comms.get("/register/"))


def test_nobody_but_communications_registers(people):
    staff, manager, comms = people
    at_registration(staff, manager)
    complete(staff, REGISTRATION)
    task_id = inbox_task_ids(comms)[0]
    for outsider in (staff, manager):
        refused = post(outsider, f"/tasks/{task_id}", REGISTER)
        assert refused.status_code in (403, 404)
    assert task_id in inbox_task_ids(comms), "still waiting on communications"
