"""The requester withdraws a request from its page: confirm, then one POST with CSRF."""

from __future__ import annotations

from tests.web.webtools import (
    APPROVE,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    register_account,
    submit_request,
    text,
)

BUTTON = "Withdraw request"


def _withdraw_link(request_id: str) -> str:
    return f'href="/requests/{request_id}/withdraw"'


def test_the_requester_sees_the_button_and_a_confirm_page(client_for):
    staff = client_for("staff")
    request_id = submit_request(staff)
    page = text(staff.get(f"/requests/{request_id}"))
    assert BUTTON in page and _withdraw_link(request_id) in page

    confirm = staff.get(f"/requests/{request_id}/withdraw")
    assert confirm.status_code == 200
    body = text(confirm)
    assert "What happens when you withdraw it" in body
    assert "Approve the account" in body  # whom it waits on is told
    assert 'name="reason"' in body and 'name="csrf_token"' in body
    assert "Confirm: withdraw the request" in body
    assert f'href="/requests/{request_id}"' in body  # Cancel goes back
    assert inbox_task_ids(client_for("manager")) != []  # a GET changes nothing


def test_confirming_withdraws_and_every_inbox_and_list_shows_it(client_for, engine, demo):
    staff, manager = client_for("staff"), client_for("manager")
    request_id = submit_request(staff)
    assert inbox_task_ids(manager) != []
    response = post(staff, f"/requests/{request_id}/withdraw", {"reason": "Asked twice"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/requests/{request_id}")

    page = text(staff.get(f"/requests/{request_id}"))
    assert "You withdrew the request" in page
    assert "Sara Staff withdrew the request. Reason: Asked twice" in page
    assert "Withdrawn" in page and BUTTON not in page
    assert inbox_task_ids(manager) == []
    assert "Withdrawn" in text(staff.get("/requests/"))
    comms = client_for("comms1")
    everyone = text(comms.get("/requests/all?status=withdrawn"))
    assert f"/requests/{request_id}" in everyone and "Withdrawn" in everyone
    assert f"/requests/{request_id}" not in text(comms.get("/requests/all?status=running"))
    check = engine.check_record(demo["auditor"].id, request_id)
    assert check.sound, (check.replay.differences, check.projections)


def test_a_second_click_says_it_is_withdrawn_already(client_for):
    staff = client_for("staff")
    request_id = submit_request(staff)
    assert post(staff, f"/requests/{request_id}/withdraw").status_code == 303
    again = post(staff, f"/requests/{request_id}/withdraw")
    assert again.status_code == 303
    assert "You withdrew this request already." in text(staff.get(again.headers["Location"]))
    late_confirm = staff.get(f"/requests/{request_id}/withdraw")
    assert late_confirm.status_code == 303


def test_a_post_without_csrf_is_refused(client_for, engine, demo):
    staff = client_for("staff")
    request_id = submit_request(staff)
    refused = staff.post(f"/requests/{request_id}/withdraw", data={"reason": "x"})
    assert refused.status_code == 400
    assert engine.get_request(demo["staff"].id, request_id).status == "running"


def test_a_too_long_reason_rerenders_with_what_was_typed(client_for, engine, demo):
    staff = client_for("staff")
    request_id = submit_request(staff)
    reason = "Because " + "x" * 1000
    response = post(staff, f"/requests/{request_id}/withdraw", {"reason": reason})
    assert response.status_code == 422
    body = text(response)
    assert "Keep the reason to 1000 characters." in body and reason in body
    assert engine.get_request(demo["staff"].id, request_id).status == "running"


def test_others_see_no_button_and_are_refused(client_for, engine, demo):
    staff = client_for("staff")
    request_id = submit_request(staff)
    for username in ("manager", "comms1", "comms2", "auditor", "admin"):
        other = client_for(username)
        page = text(other.get(f"/requests/{request_id}"))
        assert BUTTON not in page and _withdraw_link(request_id) not in page, username
        assert other.get(f"/requests/{request_id}/withdraw").status_code == 403, username
        assert post(other, f"/requests/{request_id}/withdraw").status_code == 403, username
    assert engine.get_request(demo["staff"].id, request_id).status == "running"


def test_no_button_after_registration_and_the_refusal_is_worded(client_for):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    request_id = register_account(staff, manager, comms)
    page = text(staff.get(f"/requests/{request_id}"))
    assert BUTTON not in page
    refused = post(staff, f"/requests/{request_id}/withdraw")
    assert refused.status_code == 303
    assert "can no longer be withdrawn" in text(staff.get(refused.headers["Location"]))


def test_the_button_stays_until_registration(client_for):
    staff, manager = client_for("staff"), client_for("manager")
    request_id = submit_request(staff)
    complete(manager, APPROVE)
    assert BUTTON in text(staff.get(f"/requests/{request_id}"))
    complete(staff, REGISTRATION)
    assert BUTTON in text(staff.get(f"/requests/{request_id}"))
