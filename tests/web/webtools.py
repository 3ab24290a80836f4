"""Helpers for driving the web UI through HTTP in tests: tokens, links, form answers."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/([0-9a-f-]{36})"')
REQUEST_LINK = re.compile(r'href="/requests/([0-9a-f-]{36})"')


def token(client, path: str = "/inbox") -> str:
    """A CSRF token from a page of the site (any page with a form has one)."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return CSRF.search(html).group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does: with the page's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": token(client)}, **kwargs)


def inbox_task_ids(client) -> list[str]:
    """The task ids linked from the inbox, in the order shown."""
    html = client.get("/inbox").get_data(as_text=True)
    return list(dict.fromkeys(TASK_LINK.findall(html)))


def complete(client, data: dict, task_id: str | None = None):
    """Submit the first task of the inbox (or `task_id`) with these HTML form fields."""
    task_id = task_id or inbox_task_ids(client)[0]
    response = post(client, f"/tasks/{task_id}", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return task_id, response


def text(response) -> str:
    """A response's body as text; engine data shown raw instead of in words fails the test."""
    body = response.get_data(as_text=True)
    for raw in ("Title(code=", "CurrentStep(code=", "WaitingOn(", "Message(code="):
        assert raw not in body, f"{raw} rendered without words"
    return body


GUIDELINES = {"read_guidelines": "true", "accepts_authority_responsibility": "true",
              "keeps_account_under_supervision": "true", "uses_clear_sender": "true"}
ACCOUNT = {
    "channel": "Instagram", "account_name": "KI Neuro Lab", "owning_unit_type": "Research group",
    "owning_unit": "Neuro lab", "purpose": "Share our research with the public and students",
    "goals": "More reach and engagement", "needs": "Outreach to the public",
    "target_audiences-0": "Students", "target_audiences-1": "Researchers",
}
MODERATION = {
    "moderators-0-name": "Sara Staff", "moderators-0-email": "sara@example.ki.se",
    "moderators-0-covers_holidays": "true",
    "moderators-1-name": "Bo Berg", "moderators-1-email": "bo@example.ki.se",
    "holiday_plan": "Bo covers July, Sara covers December and Easter",
    "daily_moderation_confirmed": "true",
}
APPROVE = {"manager_decision": "approve"}
REGISTRATION = {"contact_email": "neuro@example.ki.se", "planned_start": "2026-02-01"}
REGISTER = {"communications_decision": "register", "registered_handle": "@kineurolab",
            "registered_url": "https://instagram.com/kineurolab", "registered_on": "2026-01-05"}


def submit_request(client, account: dict | None = None, moderation: dict | None = None) -> str:
    """Start a request and fill in the requester's first three steps; return the request id."""
    response = post(client, "/requests/")
    assert response.status_code == 303
    first = response.headers["Location"].rsplit("/", 1)[1]
    complete(client, GUIDELINES, first)
    _task, done = complete(client, {**ACCOUNT, **(account or {})})
    request_id = REQUEST_LINK.search(text(client.get(done.headers["Location"]))).group(1)
    send_answers(client, request_id, moderation)
    return request_id


HELD_TASK = re.compile(r'name="task_id" value="([0-9a-f-]{36})"')


def send_answers(client, request_id: str, data: dict | None = None):
    """Submit the last requester step (held for checking), then press Send to manager."""
    _task, held = complete(client, data or MODERATION)
    assert held.headers["Location"].endswith(f"/requests/{request_id}/answers")
    page = text(client.get(f"/requests/{request_id}/answers"))
    response = post(client, f"/requests/{request_id}/answers",
                    {"task_id": HELD_TASK.search(page).group(1)})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response


def register_account(staff, manager, comms, account: dict | None = None,
                     register: dict | None = None, moderation: dict | None = None) -> str:
    """Take a request from start to the register through HTTP; return the request id."""
    request_id = submit_request(staff, account, moderation)
    complete(manager, APPROVE)
    complete(staff, REGISTRATION)
    complete(comms, {**REGISTER, **(register or {})})
    return request_id
