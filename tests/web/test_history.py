"""Stepping through a request's history on the web, and downloading its case file."""

from __future__ import annotations

import json
import re

import pytest

from engine import check_case_file
from tests.web.webtools import (
    ACCOUNT,
    complete,
    register_account,
    send_answers,
    submit_request,
    text,
)

REASON = "Name the funders among the target audiences."
REJECT = {"manager_decision": "reject", "rejection_reason": REASON}
REVISED = {**ACCOUNT, "purpose": "Share the lab research with the public, students and funders"}


def rejected_then_approved(client_for) -> str:
    """A request sent back with a reason, revised and approved; its id."""
    staff, manager = client_for("staff"), client_for("manager")
    request_id = submit_request(staff)
    complete(manager, REJECT)
    complete(staff, REVISED)
    send_answers(staff, request_id)  # checked on one page, then sent
    complete(manager, {"manager_decision": "approve"})
    return request_id


@pytest.mark.parametrize("username", ["staff", "manager", "comms1", "auditor", "admin"])
def test_people_who_see_the_request_may_step_through_it(client_for, username):
    request_id = submit_request(client_for("staff"))
    client = client_for(username)
    page = text(client.get(f"/requests/{request_id}"))
    assert f'href="/requests/{request_id}/history"' in page
    response = client.get(f"/requests/{request_id}/history?step=2")
    assert response.status_code == 200
    assert "Step 2 of 4" in text(response)


@pytest.mark.parametrize("username", ["director", "owner"])
def test_staff_outside_the_request_get_403(client_for, username):
    request_id = submit_request(client_for("staff"))
    client = client_for(username)
    assert client.get(f"/requests/{request_id}/history").status_code == 403
    assert client.get(f"/requests/{request_id}/history?step=1").status_code == 403
    assert client.get(f"/requests/{request_id}/case-file.json").status_code == 403


def test_guessed_ids_and_steps_are_404(client_for):
    request_id = submit_request(client_for("staff"))
    auditor = client_for("auditor")
    guessed = "00000000-0000-4000-8000-000000000000"
    assert auditor.get(f"/requests/{guessed}/history").status_code == 404
    assert auditor.get(f"/requests/{guessed}/case-file.json").status_code == 404
    for step in ("99", "0", "-1", "two", "1e3"):
        assert auditor.get(f"/requests/{request_id}/history?step={step}").status_code == 404


def test_the_rejection_step_shows_the_reason_and_who_when(client_for):
    request_id = rejected_then_approved(client_for)
    auditor = client_for("auditor")
    latest = text(auditor.get(f"/requests/{request_id}/history"))
    assert "Step 8 of 8" in latest
    timeline = latest.split('id="timeline-title"')[1]
    steps = re.findall(rf'href="/requests/{request_id}/history\?step=(\d+)"', timeline)
    assert [int(s) for s in steps] == list(range(1, 9))
    assert REASON not in latest.split('id="timeline-title"')[0]  # cleared by the approval

    page = text(auditor.get(f"/requests/{request_id}/history?step=5"))
    assert "Step 5 of 8" in page
    assert "By Maja Manager" in page
    # The test clock stands still in winter: Stockholm is UTC+1, to the second, with its zone.
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET", page)
    assert REASON in page.split('id="timeline-title"')[0]  # the answers at that step
    assert 'data-completed="confirm_guidelines define_account plan_moderation ' \
           'manager_approval"' in page
    assert 'data-current="define_account"' in page
    assert "Process version 1 of social_media_account" in page
    assert 'aria-current="step"' in page


def test_the_printable_record_holds_every_answer(client_for):
    request_id = rejected_then_approved(client_for)
    page = text(client_for("auditor").get(f"/requests/{request_id}/history?step=1"))
    record = page.split('id="timeline-title"')[1]
    assert REASON in record and REVISED["purpose"] in record
    assert 'class="print-only"' in record


def test_auditors_download_a_case_file_that_checks(client_for):
    request_id = submit_request(client_for("staff"))
    auditor = client_for("auditor")
    page = text(auditor.get(f"/requests/{request_id}/history"))
    assert f'href="/requests/{request_id}/case-file.json"' in page
    assert "kontoflode verify-export FILE" in page
    response = auditor.get(f"/requests/{request_id}/case-file.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.get_data(as_text=True))
    check = check_case_file(document, None)
    assert check.chain is None and check.versions == () and check.events == 4


@pytest.mark.parametrize("username", ["staff", "manager", "comms1"])
def test_case_files_are_for_auditors_only(client_for, username):
    request_id = submit_request(client_for("staff"))
    client = client_for(username)
    assert client.get(f"/requests/{request_id}/case-file.json").status_code == 403
    assert "case-file.json" not in text(client.get(f"/requests/{request_id}/history"))


def test_the_request_and_its_review_link_to_each_other(client_for, engine, clock):
    from datetime import timedelta

    staff = client_for("staff")
    request_id = register_account(staff, client_for("manager"), client_for("comms1"))
    page = text(staff.get(f"/requests/{request_id}"))
    assert "Reviews of this account:" in page
    review_id = re.search(r'<ul class="account-cycles">\s*<li><a href="/requests/([0-9a-f-]{36})"',
                          page).group(1)
    review = text(staff.get(f"/requests/{review_id}"))
    assert f'href="/requests/{request_id}"' in review
    assert "Opened by the request" in review
    clock.advance(timedelta(days=1))  # the links do not depend on the review being due
    assert "Reviews of this account:" in text(staff.get(f"/requests/{request_id}"))
