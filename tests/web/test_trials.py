"""The dry-run page: a path tried with answers, nothing saved; every role; hostile answers."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from engine.store import Event, Instance, OutboxMessage, ReadyTask, Timer
from tests.support.people import ACCOUNT as ACCOUNT_DATA
from tests.web.webtools import ACCOUNT, APPROVE, GUIDELINES, MODERATION, post, text

ANSWERS = re.compile(r'name="answers" value="([^"]*)"')
REJECT = {"manager_decision": "reject", "rejection_reason": "Name the second moderator's unit."}


def version_id(engine, process_id="social_media_account") -> int:
    return engine.catalog.current(process_id)[0]


def try_url(engine) -> str:
    return f"/processes/social_media_account/versions/{version_id(engine)}/try"


def hidden_answers(response) -> str | None:
    found = ANSWERS.search(response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None  # None: nothing more to answer


def answer(client, url, task, data, answers="[]"):
    return post(client, url, {**data, "task": task, "answers": answers})


def walk(client, url, steps):
    """Answer each (task, form fields) in turn, as a person on the page does."""
    answers = "[]"
    response = None
    for task, data in steps:
        response = answer(client, url, task, data, answers)
        assert response.status_code == 200, text(response)[:3000]
        answers = hidden_answers(response)
    return response, answers


def counts(engine) -> tuple[int, ...]:
    with engine.uow.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(table))
                     for table in (Instance, Event, OutboxMessage, ReadyTask, Timer))


def diagram_attribute(response, name) -> list[str]:
    found = re.search(rf'{name}="([^"]*)"', response.get_data(as_text=True))
    return found.group(1).split() if found else []


REJECTION_PATH = [("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
                  ("plan_moderation", MODERATION), ("manager_approval", REJECT)]


def test_a_rejection_path_is_shown_and_nothing_is_stored(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    before = counts(engine)
    first = client.get(url)
    page = text(first)
    assert first.status_code == 200
    assert "Nothing is saved." in page and "Confirm the social media guidelines" in page
    response, answers = walk(client, url, REJECTION_PATH)
    page = text(response)
    assert diagram_attribute(response, "data-completed") == [
        "request_started", "confirm_guidelines", "define_account", "plan_moderation",
        "manager_approval", "manager_decided"]
    assert diagram_attribute(response, "data-current") == ["define_account"]
    assert "flow_rejected_to_define_account" in diagram_attribute(response, "data-flows")
    assert "flow_approved_to_registration_form" not in diagram_attribute(response, "data-flows")
    assert [a[0] for a in json.loads(answers)] == [t for t, _ in REJECTION_PATH]
    # The description is asked again, filled in with what was answered the first time.
    assert 'name="task" value="define_account"' in page
    assert 'value="KI Neuro Lab"' in page
    assert counts(engine) == before  # no request, event, outbox row, inbox row or timer


def test_an_approval_runs_to_the_end(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    registration = {"contact_email": "sara@ki.se", "planned_start": "2026-02-01"}
    register = {"communications_decision": "register", "registered_handle": "@kineurolab",
                "registered_url": "https://www.instagram.com/kineurolab",
                "registered_on": "2026-01-05"}
    response, _ = walk(client, url, [*REJECTION_PATH[:3], ("manager_approval", APPROVE),
                                     ("registration_form", registration),
                                     ("register_account", register)])
    page = text(response)
    assert "The run reached the end:" in page and "Account registered" in page
    assert 'data-trial-form' not in page


def test_an_invalid_answer_comes_back_with_messages_and_what_was_typed(engine, client,
                                                                       login_as):
    login_as("owner")
    url = try_url(engine)
    _, answers = walk(client, url, REJECTION_PATH[:1])
    response = answer(client, url, "define_account", dict(ACCOUNT, purpose="x" * 3,
                                                          channel="Not a channel"), answers)
    page = text(response)
    assert response.status_code == 422
    assert "There is a problem with this answer" in page
    assert 'value="KI Neuro Lab"' in page  # kept
    assert hidden_answers(response) == answers  # the refused answer is not carried on


def test_the_hidden_answers_are_checked_again_on_every_post(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    forged = json.dumps([["confirm_guidelines", {"read_guidelines": False}]])
    response = answer(client, url, "define_account", ACCOUNT, forged)
    page = text(response)
    assert response.status_code == 422
    assert "The answer to &#39;confirm_guidelines&#39; was not accepted" in page
    assert 'name="task" value="confirm_guidelines"' in page
    assert hidden_answers(response) == "[]"


@pytest.mark.parametrize("forged", [
    "not json", "{}", "[1, 2]", '[["confirm_guidelines"]]', '[[1, {}]]',
    '[["confirm_guidelines", []]]', "[" * 100_000 + "]" * 100_000, json.dumps([["x", {}]] * 500),
    json.dumps([["define_account", {"purpose": "y" * 300_000}]]),
])
def test_unreadable_answers_start_over_with_a_message(engine, client, login_as, forged):
    login_as("owner")
    response = answer(client, try_url(engine), "confirm_guidelines", GUIDELINES, forged)
    page = text(response)
    assert response.status_code == 400
    assert "could not be read, so the run starts over" in page
    assert 'name="task" value="confirm_guidelines"' in page


@pytest.mark.parametrize("forged", [
    [["manager_approval", APPROVE]],  # not waiting yet
    [["no_such_task", {}]],
    [["confirm_guidelines", {"read_guidelines": [[[True]]], "unknown": {"a": 1}}]],
    [["confirm_guidelines", {"read_guidelines": 10 ** 400}]],
])
def test_answers_that_do_not_fit_the_run_are_refused_in_words(engine, client, login_as,
                                                              forged):
    login_as("owner")
    response = answer(client, try_url(engine), "define_account", ACCOUNT, json.dumps(forged))
    page = text(response)
    assert response.status_code == 422
    assert 'data-refused' in page
    assert 'name="task" value="confirm_guidelines"' in page


def test_text_that_cannot_be_stored_is_refused_field_by_field(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    _, answers = walk(client, url, REJECTION_PATH[:1])
    response = answer(client, url, "define_account", dict(ACCOUNT, account_name="KI\x00Lab"),
                      answers)
    page = text(response)
    assert response.status_code == 422
    assert 'value="Neuro lab"' in page and "There is a problem with this answer" in page
    # The same in the hidden answers, escaped as JSON: refused by the form when run again.
    escaped = json.dumps([*json.loads(answers),
                          ["define_account", {**ACCOUNT_DATA, "account_name": "KI\x00Lab"}]])
    again = answer(client, url, "plan_moderation", MODERATION, escaped)
    assert again.status_code == 422 and 'name="task" value="define_account"' in text(again)
    raw = '[["confirm_guidelines", {"read_guidelines": "\x00"}]]'
    assert answer(client, url, "define_account", ACCOUNT, raw).status_code == 400


def test_an_answer_for_a_step_that_does_not_wait_is_not_used(engine, client, login_as):
    login_as("owner")
    response = answer(client, try_url(engine), "manager_approval", APPROVE)
    assert response.status_code == 409
    assert "That step is not waiting any more" in text(response)


def test_a_long_made_up_name_is_shown_shortened(engine, client, login_as):
    login_as("owner")
    response = post(client, try_url(engine), {"fire": "x" * 50_000, "answers": "[]"})
    assert response.status_code == 422
    assert "x" * 79 + "…" in text(response) and "x" * 81 not in text(response)


def test_start_over_forgets_the_answers(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    _, answers = walk(client, url, REJECTION_PATH[:2])
    response = post(client, url, {"start_over": "1", "answers": answers})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)


def test_rows_can_be_added_without_javascript(engine, client, login_as):
    login_as("owner")
    url = try_url(engine)
    _, answers = walk(client, url, REJECTION_PATH[:2])
    response = post(client, url, {**MODERATION, "task": "plan_moderation", "answers": answers,
                                  "add_row": "moderators"})
    assert response.status_code == 200
    assert 'name="moderators-2-name"' in text(response)


def test_a_condition_that_fails_is_shown_in_words(engine, client, login_as):
    source = engine.catalog.current("social_media_account")[1].source
    xml = source.bpmn_xml.replace('manager_decision == "approve"',
                                  'moderators[9]["name"] == "Bo"')
    deployed = engine.catalog.deploy(replace(source, bpmn_xml=xml))
    login_as("owner")
    url = f"/processes/social_media_account/versions/{deployed.version_id}/try"
    response, _ = walk(client, url, [*REJECTION_PATH[:3], ("manager_approval", APPROVE)])
    page = text(response)
    assert "The run stopped: the diagram failed" in page
    assert ("The expression &#39;moderators[9][&#34;name&#34;] == &#34;Bo&#34;&#39; in "
            "&#39;Approved?&#39; failed: index 9 is out of range.") in page
    assert diagram_attribute(response, "data-failed-steps") == ["manager_decided"]


def test_a_review_path_is_tried_by_firing_its_timers(engine, client, login_as):
    login_as("owner")
    url = f"/processes/account_review/versions/{version_id(engine, 'account_review')}/try"
    before = counts(engine)
    first = client.get(url)
    page = text(first)
    # A cycle starts as a real one would for an account registered now: due in 12 months.
    assert 'data-current="review_due"' in page and "Review due" in page
    assert "due 2027-01-05" in page and 'name="fire" value="review_due"' in page
    due = post(client, url, {"fire": "review_due", "answers": "[]"})
    assert due.status_code == 200
    assert 'name="task" value="periodic_review"' in text(due)
    overdue = post(client, url, {"fire": "review_overdue", "answers": hidden_answers(due)})
    page = text(overdue)
    assert overdue.status_code == 200
    assert 'name="task" value="escalated_review"' in page
    assert "ended by a timer" in page  # the owner's own review, cancelled by the escalation
    assert "flow_review_overdue_to_escalated_review" in diagram_attribute(overdue, "data-flows")
    assert counts(engine) == before


def test_firing_a_timer_that_does_not_wait_is_refused(engine, client, login_as):
    login_as("owner")
    url = f"/processes/account_review/versions/{version_id(engine, 'account_review')}/try"
    response = post(client, url, {"fire": "review_overdue", "answers": "[]"})
    assert response.status_code == 422
    assert "is not waiting at this point" in text(response)


@pytest.mark.parametrize(("who", "sees", "answers"), [
    ("owner", 200, 200), ("auditor", 200, 403), ("admin", 200, 403), ("staff", 403, 403),
    ("manager", 403, 403), ("comms1", 403, 403),
])
def test_who_may_dry_run_a_version(engine, client, login_as, who, sees, answers):
    login_as(who)
    url = try_url(engine)
    assert client.get(url).status_code == sees
    # the page's viewer reads the version's own diagram route
    assert client.get(url.removesuffix("/try") + "/diagram.bpmn").status_code == sees
    assert answer(client, url, "confirm_guidelines", GUIDELINES).status_code == answers
    assert post(client, url, {"start_over": "1"}).status_code == (303 if answers == 200
                                                                   else 403)


def test_signed_out_people_are_sent_to_sign_in(engine, client):
    response = client.get(try_url(engine))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_version_of_another_process_or_none_is_not_found(engine, client, login_as):
    login_as("owner")
    other = version_id(engine, "account_review")
    assert client.get(f"/processes/social_media_account/versions/{other}/try").status_code == 404
    assert client.get("/processes/social_media_account/versions/99999/try").status_code == 404
    assert client.get("/processes/nothing/versions/1/try").status_code == 404


@pytest.mark.parametrize(("who", "sees", "answers"), [
    ("owner", 404, 404), ("auditor", 404, 403), ("admin", 404, 403), ("staff", 403, 403),
])
def test_the_draft_says_when_there_is_none(engine, client, login_as, who, sees, answers):
    login_as(who)
    url = "/processes/social_media_account/draft/try"
    response = client.get(url)
    assert response.status_code == sees
    if sees == 404:
        assert "has no open draft" in text(response)
    assert answer(client, url, "confirm_guidelines", GUIDELINES).status_code == answers
    assert client.get(url.removesuffix("/try") + "/diagram.bpmn").status_code == sees


def test_the_draft_is_tried_and_a_broken_one_shows_its_problems(engine, client, login_as,
                                                                demo):
    owner = demo["owner"]
    source = engine.catalog.current("social_media_account")[1].source
    draft = engine.processes.open_draft(owner.id, "social_media_account")
    renamed = source.bpmn_xml.replace('name="Plan daily moderation"', 'name="Plan moderation"')
    draft = engine.processes.save_draft(owner.id, "social_media_account", draft.revision,
                                        bpmn_xml=renamed)
    login_as("owner")
    url = "/processes/social_media_account/draft/try"
    before = counts(engine)
    response, _ = walk(client, url, REJECTION_PATH)
    page = text(response)
    assert diagram_attribute(response, "data-current") == ["define_account"]
    assert "Try the draft" in page and "Plan moderation" in page  # the draft's own names
    assert counts(engine) == before
    engine.processes.save_draft(owner.id, "social_media_account", draft.revision,
                                bpmn_xml=source.bpmn_xml.replace(
                                    'manager_decision == "approve"', '__import__("os")'))
    response = client.get(url)
    page = text(response)
    assert response.status_code == 422
    assert "The draft cannot be tried yet" in page and "flow_approved_to_registration_form" in page
