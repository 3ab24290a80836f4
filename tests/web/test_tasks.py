"""Task pages: forms drawn from the engine's fields, validation, rows, and what comes next."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.web.webtools import (
    ACCOUNT,
    GUIDELINES,
    MODERATION,
    complete,
    inbox_task_ids,
    post,
    submit_request,
    text,
)

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture
def staff(client, login_as):
    """Sara, signed in, with a request started (her first task is open)."""
    login_as("staff")
    assert post(client, "/requests/").status_code == 303
    return client


def open_task(client) -> tuple[str, str]:
    task_id = inbox_task_ids(client)[0]
    return task_id, text(client.get(f"/tasks/{task_id}"))


def test_starting_a_request_opens_its_first_step(client, login_as):
    login_as("staff")
    response = post(client, "/requests/")
    assert response.status_code == 303
    assert re.fullmatch(r"/tasks/[0-9a-f-]{36}", response.headers["Location"])
    assert "Confirm the social media guidelines" in text(client.get(response.headers["Location"]))


def test_confirm_boxes_instructions_and_required_marks(staff):
    _task, page = open_task(staff)
    assert 'type="checkbox" value="true"' in page
    assert '<label for="f-read_guidelines">I have read KI&#39;s guidelines' in page
    assert 'aria-describedby="f-read_guidelines-help"' in page
    assert 'class="required"' in page and " required" in page
    assert "What to do" in page and "read Karolinska Institutet&#39;s guidelines" in page
    assert 'name="csrf_token"' in page


def test_an_unticked_confirmation_is_refused_next_to_the_box(staff):
    task_id, _page = open_task(staff)
    unticked = {k: v for k, v in GUIDELINES.items() if k != "uses_clear_sender"}
    response = post(staff, f"/tasks/{task_id}", unticked)
    assert response.status_code == 422
    page = text(response)
    assert 'id="f-uses_clear_sender-error"' in page and "Must be checked to continue." in page
    assert re.search(r'id="f-uses_clear_sender"[^>]*aria-invalid="true"', page)
    assert 'href="#f-uses_clear_sender"' in page and 'role="alert"' in page
    assert re.search(r'checked[^>]*id="f-read_guidelines"', page)  # the ticked ones stay ticked


def test_every_kind_of_input_is_drawn(staff):
    complete(staff, GUIDELINES)
    _task, page = open_task(staff)
    assert '<select id="f-channel" name="channel"' in page  # ten choices: a list box
    assert 'type="radio" id="f-owning_unit_type--0" name="owning_unit_type"' in page  # four
    assert '<textarea id="f-purpose" name="purpose"' in page
    assert 'id="f-account_name" name="account_name"' in page and 'maxlength="80"' in page
    assert 'name="target_audiences-0"' in page and "Add another target audience" in page
    assert "<template data-row-template>" in page and 'name="target_audiences-__i__"' in page


def test_invalid_answers_keep_everything_typed_with_messages_per_field(staff):
    complete(staff, GUIDELINES)
    task_id, _page = open_task(staff)
    typed = {**ACCOUNT, "purpose": "Too short", "account_name": "",
             "target_audiences-1": "X"}
    response = post(staff, f"/tasks/{task_id}", typed)
    assert response.status_code == 422
    page = text(response)
    assert "Must be at least 20 characters." in page and ">Too short</textarea>" in page
    assert 'id="f-account_name-error"' in page and "This field is required." in page
    # A message about one entry of a list sits next to that entry.
    assert 'id="f-target_audiences-1-error"' in page and "Must be at least 2 characters." in page
    assert 'value="Students"' in page and 'value="X"' in page
    assert 'href="#f-target_audiences-1"' in page
    assert re.search(r'<option value="Instagram" selected>', page)
    assert 'value="Research group" checked' in page


def test_group_rows_keep_their_values_and_messages(staff):
    complete(staff, GUIDELINES)
    complete(staff, ACCOUNT)
    task_id, page = open_task(staff)
    assert 'name="moderators-1-email"' in page  # two rows: the form asks for at least two
    typed = {**MODERATION, "moderators-1-email": "not an email", "holiday_plan": "short"}
    response = post(staff, f"/tasks/{task_id}", typed)
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="f-moderators-1-email"[^>]*aria-invalid="true"', page)
    assert 'id="f-moderators-1-email-error"' in page and "Enter a valid email address." in page
    assert 'href="#f-moderators-1-email"' in page and "Moderators, entry 2: Email" in page
    assert 'value="not an email"' in page and 'value="Bo Berg"' in page
    assert re.search(r'checked[^>]*id="f-moderators-0-covers_holidays"', page)
    assert not re.search(r'checked[^>]*id="f-moderators-1-covers_holidays"', page)


def test_too_few_group_rows_is_a_message_on_the_group(staff):
    complete(staff, GUIDELINES)
    complete(staff, ACCOUNT)
    task_id, _page = open_task(staff)
    one_row = {k: v for k, v in MODERATION.items() if not k.startswith("moderators-1")}
    page = text(post(staff, f"/tasks/{task_id}", one_row))
    assert 'id="f-moderators-error"' in page and "Add at least 2." in page


def test_empty_extra_rows_are_ignored(staff):
    complete(staff, GUIDELINES)
    complete(staff, ACCOUNT)
    task_id, _page = open_task(staff)
    response = post(staff, f"/tasks/{task_id}", {**MODERATION, "moderators-2-name": "",
                                                 "moderators-2-email": " "})
    assert response.status_code == 303


def test_add_and_remove_rows_without_javascript(staff):
    complete(staff, GUIDELINES)
    complete(staff, ACCOUNT)
    task_id, _page = open_task(staff)
    added = post(staff, f"/tasks/{task_id}", {**MODERATION, "add_row": "moderators"})
    assert added.status_code == 200
    page = text(added)
    assert 'name="moderators-2-name"' in page and 'value="Bo Berg"' in page
    assert "There is a problem" not in page
    assert inbox_task_ids(staff) == [task_id]  # nothing was submitted
    again = text(post(staff, f"/tasks/{task_id}", {**MODERATION, "moderators-2-name": "",
                                                   "add_row": "moderators"}))
    assert 'name="moderators-3-name"' in again  # an empty row is kept while editing
    removed = text(post(staff, f"/tasks/{task_id}", {**MODERATION, "remove_row": "moderators-0"}))
    assert re.search(r'id="f-moderators-0-name"[^>]*value="Bo Berg"', removed)
    assert "Sara Staff" not in removed.split('id="f-moderators-0-name"')[1].split("</fieldset>")[0]


@pytest.mark.parametrize("button", [{"add_row": "holiday_plan"}, {"add_row": "nope"},
                                    {"remove_row": "nope-1"}])
def test_row_buttons_for_other_fields_are_refused(staff, button):
    complete(staff, GUIDELINES)
    complete(staff, ACCOUNT)
    task_id, _page = open_task(staff)
    assert post(staff, f"/tasks/{task_id}", {**MODERATION, **button}).status_code == 400


def test_completion_says_what_happens_next(staff):
    task_id, response = complete(staff, GUIDELINES)
    assert response.headers["Location"] == f"/tasks/{task_id}/done"
    page = text(staff.get(response.headers["Location"]))
    assert "is done" in page and "Describe the account" in page and "waiting on you" in page
    next_id = inbox_task_ids(staff)[0]
    assert f'href="/tasks/{next_id}"' in page  # "continue with the next step"


def test_approval_says_who_is_waited_on(client_for):
    staff = client_for("staff")
    submit_request(staff)
    manager = client_for("manager")
    _task, response = complete(manager, {"manager_decision": "approve"})
    page = text(manager.get(response.headers["Location"]))
    assert "Register with the communications department" in page
    assert "waiting on Sara Staff" in page
    assert "Continue with the next step" not in page


def test_a_task_completed_already_says_by_whom_and_when(staff):
    task_id, _response = complete(staff, GUIDELINES)
    response = staff.get(f"/tasks/{task_id}")
    assert response.status_code == 409
    assert "already completed by Sara Staff on 2026-01-05 10:00" in text(response)  # Stockholm


def test_submitting_twice_shows_what_the_first_submission_did(staff):
    task_id, first = complete(staff, GUIDELINES)
    again = post(staff, f"/tasks/{task_id}", GUIDELINES)
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == f"/tasks/{task_id}/done"
    assert "is done" in text(staff.get(again.headers["Location"]))


def test_a_double_click_whose_second_click_missed_the_first_answer_is_told_it_was_saved(staff):
    task_id, _first = complete(staff, GUIDELINES)
    with staff.session_transaction() as session:  # the second click left before the first
        session.pop("completed_task")  # answer came back, with the cookie from before it
    again = post(staff, f"/tasks/{task_id}", GUIDELINES)
    assert again.status_code == 200
    page = text(again)
    assert "You already submitted" in page and "2026-01-05 10:00" in page
    assert "Nothing you submitted was saved" not in page
    assert re.search(r'href="/requests/[0-9a-f-]{36}"', page)


def test_two_officers_on_one_registration_the_second_is_told(client_for):
    staff, manager = client_for("staff"), client_for("manager")
    submit_request(staff)
    complete(manager, {"manager_decision": "approve"})
    complete(staff, {"contact_email": "a@example.ki.se", "planned_start": "2026-02-01"})
    first, second = client_for("comms1"), client_for("comms2")
    task_id = inbox_task_ids(first)[0]
    assert second.get(f"/tasks/{task_id}").status_code == 200  # both have it open
    complete(first, {"communications_decision": "send_back", "questions": "Which weeks?"},
             task_id)
    response = post(second, f"/tasks/{task_id}", {"communications_decision": "register"})
    assert response.status_code == 409
    assert "already completed by Cecilia Communications" in text(response)


def test_text_from_a_diagram_is_escaped(tmp_path, engine, client, login_as):
    hostile = tmp_path / "social_media_account"
    shutil.copytree(PROCESSES / "social_media_account", hostile)
    bpmn = hostile / "social_media_account.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        "Before you open a social media account",
        "&lt;script&gt;alert(1)&lt;/script&gt;\n\n&lt;b&gt;Before&lt;/b&gt; you open an account",
    ), encoding="utf-8")
    engine.deploy_process(hostile)
    login_as("staff")
    response = post(client, "/requests/")
    page = text(client.get(response.headers["Location"]))
    assert "<script>alert(1)" not in page and "<b>Before" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page  # its own paragraph, as text

