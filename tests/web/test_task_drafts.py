"""Drafts of task forms: save half-filled answers, come back to them, lose them when done."""

from __future__ import annotations

import threading

from sqlalchemy import select

from engine.store import TaskDraft
from tests.web.webtools import (
    ACCOUNT,
    GUIDELINES,
    complete,
    inbox_task_ids,
    post,
    submit_request,
    text,
)


def _at_define_account(staff) -> str:
    """A new request of staff's, at the account step; return that task's id."""
    response = post(staff, "/requests/")
    complete(staff, GUIDELINES, response.headers["Location"].rsplit("/", 1)[1])
    return inbox_task_ids(staff)[0]


def _drafts(engine) -> list[TaskDraft]:
    with engine.uow.read() as session:
        return list(session.scalars(select(TaskDraft)).all())


def test_a_saved_draft_is_back_after_leaving_the_page(client_for):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    response = post_draft(staff, task_id, {"account_name": "Half a name",
                                           "purpose": "Not finished yet"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tasks/{task_id}")
    page = text(staff.get(f"/tasks/{task_id}"))
    assert "Draft saved at" in page
    staff.get("/inbox")  # the page is left
    page = text(staff.get(f"/tasks/{task_id}"))
    assert 'value="Half a name"' in page
    assert "Not finished yet" in page
    assert "There is a problem" not in page  # a half-filled form is not refused


def post_draft(client, task_id, data):
    """Press "Save draft" on the task's form."""
    return post(client, f"/tasks/{task_id}", {**data, "save_draft": "1"})


def test_the_draft_wins_over_stored_answers_and_can_be_discarded(client_for):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    post_draft(staff, task_id, {"account_name": "Draft name"})
    assert 'value="Draft name"' in text(staff.get(f"/tasks/{task_id}"))
    post(staff, f"/tasks/{task_id}", {"discard_draft": "1"})
    page = text(staff.get(f"/tasks/{task_id}"))
    assert "Draft name" not in page and "Draft saved at" not in page


def test_others_cannot_read_or_save_a_draft_of_someones_task(client_for, engine):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    post_draft(staff, task_id, {"account_name": "Secret draft"})
    for username in ("manager", "comms1", "admin"):
        other = client_for(username)
        assert other.get(f"/tasks/{task_id}").status_code in (403, 404)
        response = post_draft(other, task_id, {"account_name": "Overwritten"})
        assert response.status_code in (403, 404)
        assert "Secret draft" not in response.get_data(as_text=True)
    [draft] = _drafts(engine)
    assert draft.data == {"account_name": "Secret draft"}


def test_the_draft_goes_when_the_task_is_submitted(client_for, engine):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    post_draft(staff, task_id, {"account_name": "Soon sent"})
    assert len(_drafts(engine)) == 1
    complete(staff, ACCOUNT, task_id)
    assert _drafts(engine) == []


def test_the_draft_goes_when_an_admin_cancels_the_request(client_for, engine, demo):
    staff = client_for("staff")
    request_id = submit_request(staff)
    manager = client_for("manager")
    [approval] = inbox_task_ids(manager)
    post_draft(manager, approval, {"rejection_reason": "Thinking about it"})
    assert len(_drafts(engine)) == 1
    engine.cancel_request(demo["admin"].id, request_id, "Asked for by mistake")
    assert _drafts(engine) == []


def test_unknown_fields_are_dropped_and_long_text_capped(client_for, engine, demo):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    engine.save_draft(demo["staff"].id, task_id, {
        "account_name": "x" * 50_000, "not_a_field": "sneaky", "purpose": {"nested": "no"},
        "target_audiences": ["a"] * 500 + [{"bad": 1}],
    })
    [draft] = _drafts(engine)
    assert set(draft.data) == {"account_name", "target_audiences"}
    assert len(draft.data["account_name"]) == 10_000
    assert draft.data["target_audiences"] == ["a"] * 50


def test_two_saves_at_once_both_land_and_the_later_one_is_kept(client_for, engine, demo):
    staff = client_for("staff")
    task_id = _at_define_account(staff)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def save(name: str) -> None:
        start.wait()
        try:
            engine.save_draft(demo["staff"].id, task_id, {"account_name": name})
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=save, args=(name,)) for name in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    [draft] = _drafts(engine)
    assert draft.data["account_name"] in {"First", "Second"}
    engine.save_draft(demo["staff"].id, task_id, {"account_name": "Third"})
    [draft] = _drafts(engine)
    assert draft.data == {"account_name": "Third"}
