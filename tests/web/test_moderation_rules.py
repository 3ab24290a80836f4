"""The moderation rules through the web: the plan's form says what breaks them and keeps what was
typed; the manager's approval page says what the plan lacks, or that it meets the rules."""

from __future__ import annotations

import re

from tests.web.webtools import (
    ACCOUNT,
    GUIDELINES,
    MODERATION,
    REQUEST_LINK,
    complete,
    inbox_task_ids,
    post,
    send_answers,
    text,
)

# Sara twice (her address in capitals the second time), nobody ticking "covers holidays".
TWICE = {
    "moderators-0-name": "Sara Staff", "moderators-0-email": "sara@example.ki.se",
    "moderators-1-name": "Sara  staff", "moderators-1-email": "SARA@example.ki.se",
    "holiday_plan": "Nobody is around in July, we check it in August.",
    "daily_moderation_confirmed": "true",
}
BOTH_COVER = {**MODERATION, "moderators-1-covers_holidays": "true"}


def at_moderation(staff) -> str:
    """Start a request and fill in the first two steps; the moderation task's id."""
    response = post(staff, "/requests/")
    complete(staff, GUIDELINES, response.headers["Location"].rsplit("/", 1)[1])
    complete(staff, ACCOUNT)
    [task_id] = inbox_task_ids(staff)
    return task_id


def test_the_same_person_twice_and_no_holiday_cover_re_render_with_messages(client_for):
    staff = client_for("staff")
    task_id = at_moderation(staff)
    response = post(staff, f"/tasks/{task_id}", TWICE)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem: nothing was saved yet" in page
    assert "This is the same person as moderator 1." in page
    assert "Name at least 2 different people as moderators." in page
    assert "Tick \"Covers holidays\" for at least one moderator" in page.replace("&#34;", '"')
    # What was typed is kept, so the requester fixes one row instead of typing it all again.
    assert 'value="SARA@example.ki.se"' in page and 'value="Sara  staff"' in page
    assert "Nobody is around in July, we check it in August." in page
    # The messages sit next to the second row's inputs.
    assert re.search(r'id="f-moderators-1-email"[^>]*aria-invalid="true"', page) or \
        re.search(r'aria-invalid="true"[^>]*id="f-moderators-1-email"', page)
    assert inbox_task_ids(staff) == [task_id]  # still to do


def test_a_good_plan_goes_on_to_the_check_page(client_for):
    staff = client_for("staff")
    task_id = at_moderation(staff)
    response = post(staff, f"/tasks/{task_id}", BOTH_COVER)
    assert response.status_code == 303 and response.headers["Location"].endswith("/answers")


def to_manager(staff, moderation: dict) -> str:
    """A request sent to the manager with this plan; the request id."""
    at_moderation(staff)
    page = text(staff.get(f"/tasks/{inbox_task_ids(staff)[0]}"))
    request_id = REQUEST_LINK.search(page).group(1)
    send_answers(staff, request_id, moderation)
    return request_id


def test_the_manager_sees_what_the_plan_lacks(client_for):
    to_manager(client_for("staff"), MODERATION)  # only Sara covers holidays
    manager = client_for("manager")
    page = text(manager.get(f"/tasks/{inbox_task_ids(manager)[0]}"))
    assert "What the plan lacks" in page
    assert "Only Sara Staff covers holidays" in page
    assert "The plan meets the rules" not in page


def test_the_manager_is_told_a_sound_plan_meets_the_rules(client_for):
    to_manager(client_for("staff"), BOTH_COVER)
    manager = client_for("manager")
    page = text(manager.get(f"/tasks/{inbox_task_ids(manager)[0]}"))
    assert "The plan meets the rules" in page and "What the plan lacks" not in page


def test_the_requester_gets_no_panel_and_others_cannot_open_the_approval(client_for):
    staff = client_for("staff")
    task_id = at_moderation(staff)
    assert "plan-notes" not in text(staff.get(f"/tasks/{task_id}"))
    request_id = REQUEST_LINK.search(text(staff.get(f"/tasks/{task_id}"))).group(1)
    send_answers(staff, request_id, BOTH_COVER)
    [approval] = inbox_task_ids(client_for("manager"))
    for who in ("staff", "comms1", "auditor"):
        response = client_for(who).get(f"/tasks/{approval}")
        assert response.status_code in (403, 404)
        assert "The plan meets the rules" not in response.get_data(as_text=True)
