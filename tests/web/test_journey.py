"""The whole procedure through HTTP, with every person in their own browser."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.web.webtools import (
    ACCOUNT,
    APPROVE,
    REGISTER,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    register_account,
    send_answers,
    submit_request,
    text,
)


def test_request_to_register_to_review(client_for, engine, clock):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    request_id = submit_request(staff)
    page = text(staff.get(f"/requests/{request_id}"))
    assert "KI Neuro Lab on Instagram" in page
    assert "Approve the account" in page and "Manager" in page  # who it waits on

    # The manager sees the answers in full, then rejects with a reason.
    task_id = inbox_task_ids(manager)[0]
    decision = text(manager.get(f"/tasks/{task_id}"))
    assert "Share our research with the public and students" in decision
    assert "Bo covers July" in decision
    refused = post(manager, f"/tasks/{task_id}", {"manager_decision": "reject"})
    assert refused.status_code == 422
    assert "This field is required." in text(refused)
    complete(manager, {"manager_decision": "reject",
                       "rejection_reason": "Please describe the target audiences better."}, task_id)

    # The requester sees the reason on the revision task, with the answers prefilled.
    revision = text(staff.get(f"/tasks/{inbox_task_ids(staff)[0]}"))
    assert "Sent back to you" in revision
    assert "Please describe the target audiences better." in revision
    assert 'value="KI Neuro Lab"' in revision
    complete(staff, {**ACCOUNT, "target_audiences-2": "Funders"})
    send_answers(staff, request_id)  # checked on one page, then sent
    complete(manager, APPROVE)
    complete(staff, REGISTRATION)

    # Communications sends it back with questions; the requester answers and resubmits.
    complete(comms, {"communications_decision": "send_back",
                     "questions": "Which weeks does Bo cover?"})
    answer = text(staff.get(f"/tasks/{inbox_task_ids(staff)[0]}"))
    assert "Which weeks does Bo cover?" in answer
    complete(staff, {**REGISTRATION, "message": "Bo covers weeks 27-31."})
    _task, done = complete(comms, REGISTER)
    assert "is done" in text(comms.get(done.headers["Location"]))

    register = text(comms.get("/register/"))
    assert "KI Neuro Lab" in register and "@kineurolab" in register
    assert "Maja Manager" in register  # approved by
    assert "2027-01-0" in register  # next review, twelve months on
    assert "completed" in text(staff.get("/requests/")).lower()

    # Twelve months later the timer fires and the owner reviews the account.
    clock.advance(timedelta(days=366))
    assert engine.fire_due_timers().fired == 1
    review_id = inbox_task_ids(staff)[0]
    assert "Review the account" in text(staff.get(f"/tasks/{review_id}"))
    assert "Review due" in text(comms.get("/register/"))
    complete(staff, {"still_moderated_daily": "true", "purpose_still_holds": "true",
                     "moderators_current": "true", "review_decision": "keep"}, review_id)
    assert engine.accounts(engine.users.find("comms1").id)[0].next_review_on.year == 2028
    assert "2028-" in text(comms.get("/register/"))


def test_unanswered_review_escalates_to_communications(client_for, engine, clock):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    register_account(staff, manager, comms)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    assert inbox_task_ids(comms) == []
    due = (clock.now() + timedelta(days=30)).astimezone(ZoneInfo("Europe/Stockholm"))
    assert f"Due by {due:%Y-%m-%d %H:%M}" in text(staff.get("/inbox")), "its deadline shows"
    clock.advance(timedelta(days=31))
    engine.fire_due_timers()
    assert inbox_task_ids(staff) == []
    task_id = inbox_task_ids(comms)[0]
    assert "Follow up an unanswered review" in text(comms.get(f"/tasks/{task_id}"))
    assert "Review overdue" in text(comms.get("/register/"))
    assert inbox_task_ids(client_for("comms2")) == [task_id]  # anyone in the role may act


def test_closing_an_account_shows_closed_in_the_register(client_for, engine, clock):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    register_account(staff, manager, comms)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    complete(staff, {"still_moderated_daily": "true", "purpose_still_holds": "true",
                     "moderators_current": "true", "review_decision": "close",
                     "comment": "The project has ended."})
    page = text(comms.get("/register/?status=closed"))
    assert "KI Neuro Lab" in page and "Closed" in page
    assert "KI Neuro Lab" not in text(comms.get("/register/?status=active"))


def test_the_review_shows_the_account_and_the_history_shows_decisions(client_for, engine, clock):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    request_id = submit_request(staff)
    complete(manager, {"manager_decision": "reject", "rejection_reason": "Name a deputy."})
    complete(staff, ACCOUNT)
    send_answers(staff, request_id)  # checked on one page, then sent
    history = text(staff.get(f"/requests/{request_id}"))
    assert "completed &#39;Approve the account&#39;: Reject and send back" in history
    assert "Name a deputy." in history, "the rejection's reason stays in the record"
    complete(manager, APPROVE)
    complete(staff, REGISTRATION)
    complete(comms, REGISTER)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    review = text(staff.get(f"/tasks/{inbox_task_ids(staff)[0]}"))
    assert "Account owner: <strong>Sara Staff</strong>" in review
    for detail in ("The account", ACCOUNT["purpose"], "Bo Berg", "@kineurolab"):
        assert detail in review, detail
