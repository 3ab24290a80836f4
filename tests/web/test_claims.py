"""Group tasks on the web: claim, release and hand over on the task page; the inbox filter."""

from __future__ import annotations

import pytest

from tests.web.webtools import (
    APPROVE,
    REGISTER,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    submit_request,
    text,
)


@pytest.fixture
def people(client_for):
    """Signed-in browsers of the demo people this needs."""
    return {name: client_for(name) for name in ("staff", "manager", "comms1", "comms2")}


def at_register(people) -> str:
    """A request at the communications officers' register step; that task's id."""
    people["request_id"] = submit_request(people["staff"])
    complete(people["manager"], APPROVE)
    complete(people["staff"], REGISTRATION)
    return inbox_task_ids(people["comms1"])[0]


def test_unclaimed_task_offers_claim_and_the_form(people):
    task_id = at_register(people)
    page = text(people["comms1"].get(f"/tasks/{task_id}"))
    assert "Nobody is working on this yet" in page
    assert f'action="/tasks/{task_id}/claim"' in page
    assert 'name="communications_decision"' in page


def test_claimed_task_shows_the_holder_before_the_colleague_types(people):
    task_id = at_register(people)
    c1, c2 = people["comms1"], people["comms2"]
    response = post(c1, f"/tasks/{task_id}/claim")
    assert response.status_code == 303
    assert "You are working on this" in text(c1.get(f"/tasks/{task_id}"))
    assert post(c1, f"/tasks/{task_id}/claim").status_code == 303  # a double click is fine
    page = text(c2.get(f"/tasks/{task_id}"))
    assert "Cecilia Communications is working on this" in page
    assert 'name="communications_decision"' not in page  # no form to type into
    assert f'action="/tasks/{task_id}/claim"' not in page
    refused = post(c2, f"/tasks/{task_id}/claim")
    assert refused.status_code == 409
    assert "Cecilia Communications is working on this task" in text(refused)
    sneaked = post(c2, f"/tasks/{task_id}", REGISTER)  # a stale form sent anyway
    assert sneaked.status_code == 409
    assert "Cecilia Communications" in text(sneaked)
    complete(c1, REGISTER, task_id)


def test_release_and_assign_from_the_task_page(people, client_for):
    task_id = at_register(people)
    c1, c2 = people["comms1"], people["comms2"]
    post(c1, f"/tasks/{task_id}/claim")
    page = text(c1.get(f"/tasks/{task_id}"))
    assert '<option value="comms2">Carl Communications</option>' in page
    assert post(c1, f"/tasks/{task_id}/release").status_code == 303
    assert "Nobody is working on this yet" in text(c2.get(f"/tasks/{task_id}"))
    bad = post(c1, f"/tasks/{task_id}/assign", {"to": "staff"})
    assert bad.status_code == 422
    assert "staff is not an active colleague" in text(bad)
    assert post(c1, f"/tasks/{task_id}/assign", {"to": "comms2"}).status_code == 303
    assert "You are working on this" in text(c2.get(f"/tasks/{task_id}"))
    history = text(client_for("admin").get(f"/requests/{people['request_id']}"))
    assert "started working on" in history
    assert "gave &#39;" in history or "gave '" in history
    assert "handed" in history and "to Carl Communications" in history


def test_staff_and_admin_cannot_claim(people, client_for):
    task_id = at_register(people)
    assert post(people["staff"], f"/tasks/{task_id}/claim").status_code == 403
    assert post(client_for("admin"), f"/tasks/{task_id}/claim").status_code == 403
    assert post(people["comms1"], f"/tasks/{task_id}/steal").status_code == 404


def test_inbox_filter_mine_group_all(people):
    task_id = at_register(people)
    c1, c2 = people["comms1"], people["comms2"]
    post(c1, f"/tasks/{task_id}/claim")
    assert task_id in inbox_task_ids(c1)
    assert task_id in text(c1.get("/inbox?show=mine"))
    assert task_id not in text(c2.get("/inbox?show=mine"))
    group = text(c2.get("/inbox?show=group"))
    assert task_id in group and "Cecilia Communications" in group
    assert task_id in text(c2.get("/inbox?show=anything"))  # unknown: all
    staff_mine = text(people["staff"].get("/inbox?show=group"))
    assert "Nothing here" in staff_mine
