"""A review that can fail, through the web: "keep" refused with a message on each unticked check,
the update form prefilled from the register and held to the moderation rules, the communications
follow-up, and the review's Answers panel showing each decision under the step that gave it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.store import Instance
from tests.web.webtools import complete, inbox_task_ids, post, register_account, text

KEEP = {"still_moderated_daily": "true", "purpose_still_holds": "true",
        "moderators_current": "true", "review_decision": "keep"}
UPDATE = {
    "still_moderated_daily": "true", "purpose_still_holds": "true",
    "review_decision": "update",
    "moderators-0-name": "Sara Staff", "moderators-0-email": "sara@example.ki.se",
    "moderators-0-covers_holidays": "true",
    "moderators-1-name": "Ulla Ung", "moderators-1-email": "ulla@example.ki.se",
    "purpose": "Share our research with the public and recruit PhD students",
    "comment": "Bo has left; Ulla took over.",
}
FOLLOW_UP = {"follow_up_actions": "Called Sara: Ulla covers weekends now.",
             "follow_up_decision": "keep", "follow_up_comment": "Daily moderation arranged."}


def without(answers: dict, *names: str) -> dict:
    """The answers with these boxes left unticked (a browser sends nothing for them)."""
    return {k: v for k, v in answers.items() if k not in names}


def review_due(client_for, engine, clock):
    """Register an account through the web and let its review fall due; the owner's task id."""
    staff, comms = client_for("staff"), client_for("comms1")
    register_account(staff, client_for("manager"), comms)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    [task_id] = inbox_task_ids(staff)
    return staff, comms, task_id


def review_instance(engine) -> str:
    with engine.uow.read() as session:
        return session.scalar(select(Instance.id).where(Instance.process_id == "account_review")
                              .order_by(Instance.created_at).limit(1))


def sections(page: str) -> dict[str, str]:
    """The Answers panel's sections by their heading."""
    panel = page.split('id="answers-title"', 1)[1].split('id="history-title"', 1)[0]
    found = {}
    for part in panel.split('<section class="answers"')[1:]:
        heading = part.split(">", 2)[2].split("</h3>", 1)[0]
        found[heading] = part
    return found


def test_keep_with_an_unticked_check_re_renders_with_its_message(client_for, engine, clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    typed = {**without(KEEP, "moderators_current"), "comment": "All fine, I think."}
    response = post(staff, f"/tasks/{task_id}", typed)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem: nothing was saved yet" in page
    # The message sits on the unticked check, and only there.
    error = page.split('id="f-moderators_current-error">', 1)[1].split("</p>", 1)[0]
    assert "Keep the account only when this holds." in error
    assert 'id="f-purpose_still_holds-error"' not in page
    assert "All fine, I think." in page  # what was typed is kept
    assert 'id="f-purpose_still_holds" name="purpose_still_holds" ' in page
    assert inbox_task_ids(staff) == [task_id]
    assert "Review due" in text(client_for("comms1").get("/register/"))


def test_the_form_starts_from_the_register(client_for, engine, clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    page = text(staff.get(f"/tasks/{task_id}"))
    assert 'value="bo@example.ki.se"' in page and 'value="Bo Berg"' in page
    assert "Share our research with the public and students" in page
    assert "Update the register and keep the account" in page
    # The update's fields are marked to be shown only once "update" is chosen.
    marked = page.count('data-shown-when="[[&#34;review_decision&#34;, &#34;update&#34;]]"')
    assert marked == 2  # the moderators and the purpose


def test_an_update_without_holiday_cover_re_renders_with_what_was_typed(client_for, engine,
                                                                        clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    typed = without(UPDATE, "moderators-0-covers_holidays")
    response = post(staff, f"/tasks/{task_id}", typed)
    assert response.status_code == 422
    page = text(response)
    assert "Tick \"Covers holidays\" for at least one moderator" in page.replace("&#34;", '"')
    assert 'value="ulla@example.ki.se"' in page and "recruit PhD students" in page


def test_an_unknown_new_owner_is_a_field_error(client_for, engine, clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    response = post(staff, f"/tasks/{task_id}", {**UPDATE, "new_owner_email": "nobody@ki.se"})
    assert response.status_code == 422
    page = text(response)
    assert "Nobody who uses the system has this email address." in page
    assert 'value="nobody@ki.se"' in page


def test_an_update_shows_in_the_register(client_for, engine, clock):
    staff, comms, task_id = review_due(client_for, engine, clock)
    complete(staff, UPDATE, task_id)
    register = text(comms.get("/register/"))
    assert "Ulla Ung" in register and "Bo Berg" not in register


def test_a_review_without_the_page_token_is_refused(client_for, engine, clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    response = staff.post(f"/tasks/{task_id}", data=UPDATE)
    assert response.status_code == 400
    assert inbox_task_ids(staff) == [task_id]


def test_not_watched_goes_to_communications_and_the_answers_show_who_said_what(
        client_for, engine, clock):
    staff, comms, task_id = review_due(client_for, engine, clock)
    complete(staff, without(UPDATE, "still_moderated_daily"), task_id)
    assert inbox_task_ids(staff) == []
    assert "Moderation follow-up" in text(comms.get("/register/"))
    [follow_up] = inbox_task_ids(comms)
    page = text(comms.get(f"/tasks/{follow_up}"))
    assert "Follow up the account&#39;s moderation" in page
    assert "Answered by Sara Staff" in page  # the owner's answers, as the owner gave them
    # The owner cannot take communications' step.
    assert staff.get(f"/tasks/{follow_up}").status_code in (403, 404)
    assert post(staff, f"/tasks/{follow_up}", FOLLOW_UP).status_code in (403, 404)

    complete(comms, FOLLOW_UP, follow_up)
    assert "Ulla Ung" in text(comms.get("/register/"))
    shown = sections(text(staff.get(f"/requests/{review_instance(engine)}")))
    assert list(shown) == ["Review the account", "Follow up the account&#39;s moderation"]
    owner, department = shown.values()
    assert "Answered by Sara Staff" in owner and "Update the register and keep" in owner
    assert "Daily moderation arranged." not in owner
    assert "Answered by Cecilia Communications" in department
    assert "Keep the account" in department and "Daily moderation arranged." in department


def test_a_kept_review_shows_no_follow_up_that_never_happened(client_for, engine, clock):
    staff, _comms, task_id = review_due(client_for, engine, clock)
    complete(staff, {**KEEP, "comment": "Still going strong."}, task_id)
    shown = sections(text(staff.get(f"/requests/{review_instance(engine)}")))
    assert list(shown) == ["Review the account"]
    [owner] = shown.values()
    assert "Still going strong." in owner and "Bo Berg" not in owner  # no update was given
