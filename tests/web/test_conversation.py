"""The conversation on the web: the section on request and task pages, and its form."""

from __future__ import annotations

import pytest

from tests.web.webtools import (
    APPROVE,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    submit_request,
    text,
)

SEND_BACK = {"communications_decision": "send_back",
             "questions": "Is the name approved by the department?"}


@pytest.fixture
def people(client_for):
    """Signed-in browsers of the demo people."""
    return {name: client_for(name)
            for name in ("staff", "manager", "comms1", "comms2", "owner", "auditor", "admin")}


def comment(client, request_id: str, words: str, **extra):
    return post(client, f"/requests/{request_id}/comments", {"text": words, **extra})


def conversation_of(page: str) -> str:
    """The conversation section of a page."""
    start = page.index('id="conversation"')
    return page[start:page.index("</section>", start)]


@pytest.mark.parametrize("who", ["staff", "manager", "comms1", "admin"])
def test_a_comment_posted_with_the_form_is_shown_to_everyone_on_the_request(people, who):
    request_id = submit_request(people["staff"])
    response = comment(people[who], request_id, "  Is Bo in the same lab?  ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/requests/{request_id}#conversation")
    for reader in ("staff", "manager", "comms2", "auditor", "admin"):
        section = conversation_of(text(people[reader].get(f"/requests/{request_id}")))
        assert "Is Bo in the same lab?" in section, reader
    history = text(people["auditor"].get(f"/requests/{request_id}"))
    assert "commented: \u201cIs Bo in the same lab?\u201d" in history


def test_the_form_needs_its_csrf_token(people):
    request_id = submit_request(people["staff"])
    response = people["staff"].post(f"/requests/{request_id}/comments", data={"text": "Hi"})
    assert response.status_code == 400
    page = text(people["staff"].get(f"/requests/{request_id}"))
    assert "Nothing has been said here yet." in conversation_of(page)


def test_an_auditor_sees_the_conversation_without_a_form_and_is_refused(people):
    request_id = submit_request(people["staff"])
    comment(people["staff"], request_id, "Hello")
    section = conversation_of(text(people["auditor"].get(f"/requests/{request_id}")))
    assert "Hello" in section and 'name="text"' not in section
    assert comment(people["auditor"], request_id, "A remark").status_code == 403
    assert "A remark" not in text(people["staff"].get(f"/requests/{request_id}"))


def test_someone_not_involved_neither_sees_nor_comments(people):
    request_id = submit_request(people["staff"])
    assert people["owner"].get(f"/requests/{request_id}").status_code == 403
    assert comment(people["owner"], request_id, "Me too").status_code == 403


@pytest.mark.parametrize("typed, message", [
    ("   ", "This field is required."),
    ("y" * 4001, "4000"),
])
def test_a_refused_comment_re_renders_with_the_message_and_the_text(people, typed, message):
    request_id = submit_request(people["staff"])
    response = comment(people["staff"], request_id, typed)
    assert response.status_code == 422
    section = conversation_of(text(response))
    assert message in section and 'aria-invalid="true"' in section
    assert f">{typed}</textarea>" in section


def test_on_the_task_page_the_conversation_is_shown_and_a_comment_returns_there(people):
    request_id = submit_request(people["staff"])
    comment(people["staff"], request_id, "Bo is in my lab")
    [task_id] = inbox_task_ids(people["manager"])
    page = text(people["manager"].get(f"/tasks/{task_id}"))
    assert "Bo is in my lab" in conversation_of(page)
    assert f'name="back" value="task:{task_id}"' in page
    response = comment(people["manager"], request_id, "Thanks", back=f"task:{task_id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tasks/{task_id}#conversation")
    assert "Thanks" in conversation_of(text(people["manager"].get(f"/tasks/{task_id}")))


def test_a_refused_comment_on_the_task_page_keeps_the_task_page(people):
    request_id = submit_request(people["staff"])
    [task_id] = inbox_task_ids(people["manager"])
    response = comment(people["manager"], request_id, "", back=f"task:{task_id}")
    assert response.status_code == 422
    page = text(response)
    assert 'name="manager_decision"' in page and "This field is required." in page


def test_questions_from_communications_appear_where_the_requester_answers(people):
    request_id = submit_request(people["staff"])
    complete(people["manager"], APPROVE)
    complete(people["staff"], REGISTRATION)
    complete(people["comms1"], SEND_BACK)
    [task_id] = inbox_task_ids(people["staff"])
    section = conversation_of(text(people["staff"].get(f"/tasks/{task_id}")))
    assert SEND_BACK["questions"] in section and "sent it back with questions" in section
    comment(people["staff"], request_id, "Yes, it is approved", back=f"task:{task_id}")
    section = conversation_of(text(people["comms1"].get(f"/requests/{request_id}")))
    assert section.index(SEND_BACK["questions"]) < section.index("Yes, it is approved")


def test_an_ended_request_has_no_form_and_refuses_a_comment(people):
    request_id = submit_request(people["staff"])
    post(people["admin"], f"/requests/{request_id}/corrections/cancel", {"reason": "Duplicate"})
    section = conversation_of(text(people["staff"].get(f"/requests/{request_id}")))
    assert 'name="text"' not in section and "conversation is closed" in section
    response = comment(people["staff"], request_id, "Wait!")
    assert response.status_code == 409
    section = conversation_of(text(response))
    assert "its conversation is closed and nothing was added" in section
