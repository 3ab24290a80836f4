"""The requester checks every answer on one page, changes any step and sends it to the manager."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.store import Event
from tests.web.webtools import (
    ACCOUNT,
    GUIDELINES,
    HELD_TASK,
    MODERATION,
    REQUEST_LINK,
    complete,
    inbox_task_ids,
    post,
    text,
)

EDIT_LINK = re.compile(r'href="(/requests/[0-9a-f-]{36}/answers/[0-9a-f-]{36}/edit)"')
OTHERS = ("manager", "comms1", "auditor", "admin", "owner")


def held(staff) -> str:
    """Start a request and fill in the requester's three steps; the request id."""
    response = post(staff, "/requests/")
    complete(staff, GUIDELINES, response.headers["Location"].rsplit("/", 1)[1])
    _task, done = complete(staff, ACCOUNT)
    request_id = REQUEST_LINK.search(text(staff.get(done.headers["Location"]))).group(1)
    _task, response = complete(staff, MODERATION)
    assert response.headers["Location"].endswith(f"/requests/{request_id}/answers")
    return request_id


def completions(engine, request_id, name) -> int:
    with engine.uow.read() as session:
        return session.scalar(select(func.count()).select_from(Event).where(
            Event.stream == request_id, Event.kind == "task_completed",
            Event.task_name == name))


def send(client, request_id):
    page = text(client.get(f"/requests/{request_id}/answers"))
    return post(client, f"/requests/{request_id}/answers",
                {"task_id": HELD_TASK.search(page).group(1)})


def test_the_last_step_leads_to_a_page_with_every_answer(client_for, engine):
    staff = client_for("staff")
    request_id = held(staff)
    page = text(staff.get(f"/requests/{request_id}/answers"))
    for shown in ("Confirm the social media guidelines", "Describe the account",
                  "Plan daily moderation", "KI Neuro Lab", "Bo Berg", "Send to manager"):
        assert shown in page
    assert page.count(">Change<") == 3
    assert len(EDIT_LINK.findall(page)) == 2  # the held step is changed on its own task page
    assert inbox_task_ids(client_for("manager")) == []  # nothing went to the manager yet
    assert completions(engine, request_id, "plan_moderation") == 0


def test_change_an_earlier_step_and_come_back(client_for):
    staff = client_for("staff")
    request_id = held(staff)
    page = text(staff.get(f"/requests/{request_id}/answers"))
    edit = next(link for link in EDIT_LINK.findall(page)
                if 'value="KI Neuro Lab"' in text(staff.get(link)))
    bad = post(staff, edit, {**ACCOUNT, "account_name": "KI Neuro Labs", "channel": "MySpace"})
    assert bad.status_code == 422
    assert "There is a problem" in text(bad) and 'value="KI Neuro Labs"' in text(bad)
    saved = post(staff, edit, {**ACCOUNT, "account_name": "KI Neuro Labs"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/requests/{request_id}/answers")
    page = text(staff.get(f"/requests/{request_id}/answers"))
    assert "KI Neuro Labs" in page and "Your answers were changed." in page
    history = text(staff.get(f"/requests/{request_id}"))
    assert "changed the answers to &#39;Describe the account&#39; before sending them" in history


def test_send_to_manager_completes_the_step_and_the_manager_gets_it(client_for, engine):
    staff = client_for("staff")
    request_id = held(staff)
    edit = EDIT_LINK.findall(text(staff.get(f"/requests/{request_id}/answers")))[1]
    post(staff, edit, {**ACCOUNT, "account_name": "KI Neuro Labs"})
    response = send(staff, request_id)
    assert response.status_code == 303 and "/done" in response.headers["Location"]
    manager = client_for("manager")
    [approval] = inbox_task_ids(manager)
    assert "KI Neuro Labs" in text(manager.get(f"/tasks/{approval}"))
    assert completions(engine, request_id, "plan_moderation") == 1


def test_a_second_send_is_harmless(client_for, engine):
    staff = client_for("staff")
    request_id = held(staff)
    page = text(staff.get(f"/requests/{request_id}/answers"))
    task_id = HELD_TASK.search(page).group(1)
    assert post(staff, f"/requests/{request_id}/answers", {"task_id": task_id}).status_code == 303
    again = post(staff, f"/requests/{request_id}/answers", {"task_id": task_id})
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/requests/{request_id}")
    assert completions(engine, request_id, "plan_moderation") == 1
    assert len(inbox_task_ids(client_for("manager"))) == 1
    # Gone to the manager: the page and the changes are closed.
    gone = staff.get(f"/requests/{request_id}/answers")
    assert gone.status_code == 303 and gone.headers["Location"].endswith(request_id)
    edit = EDIT_LINK.findall(page)[0]
    assert staff.get(edit).status_code == 409
    assert post(staff, edit, GUIDELINES).status_code == 409


def test_send_needs_the_csrf_token(client_for, engine):
    staff = client_for("staff")
    request_id = held(staff)
    task_id = HELD_TASK.search(text(staff.get(f"/requests/{request_id}/answers"))).group(1)
    response = staff.post(f"/requests/{request_id}/answers", data={"task_id": task_id})
    assert response.status_code == 400
    assert completions(engine, request_id, "plan_moderation") == 0


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_sees_changes_or_sends(client_for, engine, who):
    staff = client_for("staff")
    request_id = held(staff)
    page = text(staff.get(f"/requests/{request_id}/answers"))
    task_id, edit = HELD_TASK.search(page).group(1), EDIT_LINK.findall(page)[1]
    other = client_for(who)
    assert other.get(f"/requests/{request_id}/answers").status_code == 403
    assert other.get(edit).status_code == 403
    assert post(other, edit, {**ACCOUNT, "account_name": "Hijacked"}).status_code == 403
    assert post(other, f"/requests/{request_id}/answers",
                {"task_id": task_id}).status_code in (403, 409)
    assert completions(engine, request_id, "plan_moderation") == 0
    assert "Hijacked" not in text(staff.get(f"/requests/{request_id}/answers"))


def test_a_sent_back_task_is_flagged_in_the_inbox(client_for):
    staff = client_for("staff")
    request_id = held(staff)
    send(staff, request_id)
    manager = client_for("manager")
    complete(manager, {"manager_decision": "reject", "rejection_reason": "Name the unit."})
    inbox = text(staff.get("/inbox"))
    assert 'class="status status-sent-back">Sent back<' in inbox
    only = text(staff.get("/inbox?show=sent_back"))
    assert "Describe the account" in only and "1 tasks" in only
    assert "status-sent-back" not in text(manager.get("/inbox"))
