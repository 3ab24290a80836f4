"""Right data through the web: addresses on the chosen channel, "Other" named, communications'
earlier questions, whom to contact on an escalation, a neutral approval comment, and answers
under the person who gave them."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from tests.web.webtools import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    REGISTER,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    register_account,
    submit_request,
    text,
)


@pytest.fixture
def people(client_for):
    """The requester, her manager and communications, each in their own browser."""
    return client_for("staff"), client_for("manager"), client_for("comms1")


def page_of(client, path):
    """A page as text, entities resolved."""
    return html.unescape(text(client.get(path)))


def at_registration(staff, manager, account=None):
    """A request (for `account`'s channel) waiting on the requester's registration form."""
    request_id = submit_request(staff, account)
    complete(manager, APPROVE)
    return request_id


def field_error(page, name):
    """The per-field message shown for one field."""
    found = re.search(rf'id="f-{name}-error"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no message on {name}"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").split())


# ---- an address on the chosen channel ----------------------------------------------------------

def test_an_address_of_another_site_is_refused_naming_the_channel(people):
    staff, manager, _comms = people
    at_registration(staff, manager)  # an Instagram account
    task_id = inbox_task_ids(staff)[0]
    response = post(staff, f"/tasks/{task_id}",
                    {**REGISTRATION, "account_url": "https://www.facebook.com/kineurolab",
                     "message": "Hello there"})
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert "This is not an Instagram address" in field_error(page, "account_url")
    assert 'value="https://www.facebook.com/kineurolab"' in page and "Hello there" in page
    complete(staff, {**REGISTRATION, "account_url": "https://www.instagram.com/kineurolab"},
             task_id)


def test_communications_cannot_register_an_instagram_address_for_a_facebook_account(people):
    staff, manager, comms = people
    at_registration(staff, manager, {"channel": "Facebook"})
    complete(staff, REGISTRATION)
    task_id = inbox_task_ids(comms)[0]
    response = post(comms, f"/tasks/{task_id}", REGISTER)  # an Instagram address
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert "This is not a Facebook address" in field_error(page, "registered_url")
    assert 'value="@kineurolab"' in page, "what was typed is kept"
    complete(comms, {**REGISTER, "registered_url": "https://m.facebook.com/kineurolab"}, task_id)
    assert "https://m.facebook.com/kineurolab" in page_of(comms, "/register/")


def test_a_plain_http_address_is_refused(people):
    staff, manager, _comms = people
    at_registration(staff, manager)
    task_id = inbox_task_ids(staff)[0]
    response = post(staff, f"/tasks/{task_id}",
                    {**REGISTRATION, "account_url": "http://instagram.com/kineurolab"})
    assert response.status_code == 422
    assert "https://" in field_error(html.unescape(text(response)), "account_url")


def test_the_address_form_needs_its_csrf_token(people):
    staff, manager, _comms = people
    at_registration(staff, manager)
    task_id = inbox_task_ids(staff)[0]
    response = staff.post(f"/tasks/{task_id}",
                          data={**REGISTRATION, "account_url": "https://instagram.com/k"})
    assert response.status_code == 400
    assert inbox_task_ids(staff) == [task_id], "nothing moved on"


# ---- "Other" is named --------------------------------------------------------------------------

def test_other_asks_for_the_channels_name(people):
    staff, _manager, _comms = people
    response = post(staff, "/requests/")
    first = response.headers["Location"].rsplit("/", 1)[1]
    complete(staff, GUIDELINES, first)
    task_id = inbox_task_ids(staff)[0]
    assert 'name="channel_name"' in page_of(staff, f"/tasks/{task_id}")
    refused = post(staff, f"/tasks/{task_id}", {**ACCOUNT, "channel": "Other"})
    assert refused.status_code == 422
    assert field_error(html.unescape(text(refused)), "channel_name") == (
        "This field is required.")


def test_a_named_channel_is_said_everywhere_never_on_other(people):
    staff, manager, comms = people
    request_id = register_account(staff, manager, comms,
                                  {"channel": "Other", "channel_name": "Vimeo"},
                                  {"registered_url": "https://vimeo.com/kineurolab"})
    for page in (page_of(staff, f"/requests/{request_id}"), page_of(comms, "/register/"),
                 page_of(staff, "/requests/")):
        assert "Vimeo" in page and "on Other" not in page
    assert "KI Neuro Lab on Vimeo" in page_of(staff, f"/requests/{request_id}")
    exported = comms.get("/register/accounts.csv").get_data(as_text=True).lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(exported.splitlines()[0], delimiters=",;")
    [row] = list(csv.DictReader(io.StringIO(exported), dialect=dialect))
    assert "Vimeo" in row.values() and "Other" not in row.values()


# ---- communications sees its own earlier questions --------------------------------------------

def test_a_returning_registration_shows_the_earlier_questions_and_the_reply(people):
    staff, manager, comms = people
    at_registration(staff, manager)
    complete(staff, REGISTRATION)
    complete(comms, {"communications_decision": "send_back",
                     "questions": "Which weeks does Bo cover?"})
    complete(staff, {**REGISTRATION, "message": "Bo covers weeks 27-31."})
    task_id = inbox_task_ids(comms)[0]
    page = page_of(comms, f"/tasks/{task_id}")
    earlier = page.split('id="earlier-rounds"')[1].split('class="task-form')[0]
    assert "Your earlier questions" in page
    assert "Which weeks does Bo cover?" in earlier and "Bo covers weeks 27-31." in earlier
    assert "Answered by Cecilia Communications" in earlier and "Answered by Sara Staff" in earlier
    assert page.index("Your earlier questions") < page.index('class="task-form')


def test_a_first_registration_shows_no_earlier_questions(people):
    staff, manager, comms = people
    at_registration(staff, manager)
    complete(staff, REGISTRATION)
    assert "Your earlier questions" not in page_of(comms, f"/tasks/{inbox_task_ids(comms)[0]}")


# ---- an escalated review shows whom to contact ------------------------------------------------

def test_an_escalated_review_links_the_owner_and_the_moderators(people, engine, clock):
    staff, manager, comms = people
    register_account(staff, manager, comms)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    clock.advance(timedelta(days=31))
    engine.fire_due_timers()
    task_id = inbox_task_ids(comms)[0]
    page = page_of(comms, f"/tasks/{task_id}")
    assert "Follow up an unanswered review" in page
    owner_email = engine.users.find("staff").email
    assert f'<a href="mailto:{owner_email}">{owner_email}</a>' in page
    assert "Sara Staff" in page and "Neuro lab" in page
    for email in ("sara@example.ki.se", "bo@example.ki.se"):
        assert f'<a href="mailto:{email}">{email}</a>' in page
    assert staff.get(f"/tasks/{task_id}").status_code in (403, 404), "not the owner's task"


# ---- a neutral comment on approval -------------------------------------------------------------

def test_the_manager_can_approve_with_a_comment_the_requester_sees(people):
    staff, manager, _comms = people
    request_id = submit_request(staff)
    task_id = inbox_task_ids(manager)[0]
    form = page_of(manager, f"/tasks/{task_id}")
    assert "Comment for the requester" in form
    complete(manager, {**APPROVE, "approval_comment": "Good plan: join the channel network."},
             task_id)
    page = page_of(staff, f"/requests/{request_id}")
    conversation = page.split('id="conversation"')[1]
    assert "approved it with a comment" in conversation
    assert "Good plan: join the channel network." in conversation
    assert "Reason for rejection" not in page and "sent it back" not in conversation


def test_a_rejection_without_a_reason_rerenders_with_the_comment_kept(people):
    staff, manager, _comms = people
    submit_request(staff)
    task_id = inbox_task_ids(manager)[0]
    response = post(manager, f"/tasks/{task_id}",
                    {"manager_decision": "reject", "approval_comment": "Almost there"})
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert "This field is required." in field_error(page, "rejection_reason")
    assert "Almost there" in page
    assert staff.post(f"/tasks/{task_id}", data=APPROVE).status_code in (400, 403, 404)


# ---- answers under the step and person that gave them -----------------------------------------

def test_the_answers_panel_names_who_decided_each_step(people):
    staff, manager, comms = people
    request_id = register_account(staff, manager, comms)
    page = page_of(staff, f"/requests/{request_id}")
    panel = page.split('id="answers-title"')[1]
    approval = panel.split(">Approve the account</h3>")[1].split("</section>")[0]
    assert "Answered by Maja Manager" in approval and "Approve the account</p>" in approval
    register = panel.split(">Register the account</h3>")[1].split("</section>")[0]
    assert "Answered by Cecilia Communications" in register
    described = panel.split(">Describe the account</h3>")[1].split("</section>")[0]
    assert "Answered by Sara Staff" in described
