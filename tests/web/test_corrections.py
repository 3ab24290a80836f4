"""An admin corrects a request from its page: reassign a task, correct an answer, cancel it."""

from __future__ import annotations

import re

from tests.web.webtools import inbox_task_ids, post, register_account, submit_request, text


def _at_approval(client_for) -> tuple[str, str]:
    """A request waiting on the manager's approval: (request id, approval task id)."""
    request_id = submit_request(client_for("staff"))
    [approval] = inbox_task_ids(client_for("manager"))
    return request_id, approval


def _sound(engine, demo, request_id) -> None:
    check = engine.check_record(demo["auditor"].id, request_id)
    assert check.sound, (check.replay.differences, check.projections)


def test_only_admins_see_the_corrections_section(client_for):
    request_id, _approval = _at_approval(client_for)
    assert "Corrections" in text(client_for("admin").get(f"/requests/{request_id}"))
    for username in ("auditor", "comms1", "staff"):
        assert "Reassign a waiting task" not in text(
            client_for(username).get(f"/requests/{request_id}"))


def test_an_admin_reassigns_the_approval(client_for, engine, demo):
    request_id, approval = _at_approval(client_for)
    admin = client_for("admin")
    response = post(admin, f"/requests/{request_id}/corrections/reassign",
                    {"task_id": approval, "to": "director", "reason": "Manager on long leave"})
    assert response.status_code == 303
    page = text(admin.get(f"/requests/{request_id}"))
    assert "The correction was recorded" in page
    assert ("Adam Admin reassigned &#39;Approve the account&#39; from Maja Manager to "
            "Dan Director. Reason: Manager on long leave") in page
    assert inbox_task_ids(client_for("director")) == [approval]
    assert inbox_task_ids(client_for("manager")) == []
    _sound(engine, demo, request_id)


def test_a_refused_correction_rerenders_with_its_message(client_for, engine, demo):
    request_id, approval = _at_approval(client_for)
    admin = client_for("admin")
    no_reason = post(admin, f"/requests/{request_id}/corrections/reassign",
                     {"task_id": approval, "to": "director", "reason": "  "})
    assert no_reason.status_code == 422
    assert "Give a reason" in text(no_reason)
    to_requester = post(admin, f"/requests/{request_id}/corrections/reassign",
                        {"task_id": approval, "to": "staff", "reason": "Why not"})
    assert to_requester.status_code == 422
    assert "The requester cannot take a task" in text(to_requester)
    assert inbox_task_ids(client_for("manager")) == [approval]


def test_an_admin_corrects_an_answer_and_its_validation_applies(client_for, engine, demo):
    request_id, _approval = _at_approval(client_for)
    admin = client_for("admin")
    page = text(admin.get(f"/requests/{request_id}"))
    [name] = re.findall(r'<option value="([0-9a-f-]{36} account_name)"', page)
    [channel] = re.findall(r'<option value="([0-9a-f-]{36} channel)"', page)
    wrong = post(admin, f"/requests/{request_id}/corrections/answer",
                 {"answer": channel, "value": "MySpace", "reason": "Typo"})
    assert wrong.status_code == 422 and "Choose one of" in text(wrong)
    done = post(admin, f"/requests/{request_id}/corrections/answer",
                {"answer": name, "value": "KI Neuro Labs", "reason": "Misspelled"})
    assert done.status_code == 303
    page = text(admin.get(f"/requests/{request_id}"))
    assert "KI Neuro Labs on Instagram" in page
    assert "from &#39;KI Neuro Lab&#39; to &#39;KI Neuro Labs&#39;" in page
    _sound(engine, demo, request_id)


def test_a_registered_accounts_row_follows_a_corrected_answer(client_for, engine, demo):
    request_id = register_account(client_for("staff"), client_for("manager"),
                                  client_for("comms1"))
    admin = client_for("admin")
    page = text(admin.get(f"/requests/{request_id}"))
    [name] = re.findall(r'<option value="([0-9a-f-]{36} account_name)"', page)
    assert post(admin, f"/requests/{request_id}/corrections/answer",
                {"answer": name, "value": "KI Neuro Labs", "reason": "Misspelled"}
                ).status_code == 303
    assert "KI Neuro Labs" in text(admin.get("/register/"))
    _sound(engine, demo, request_id)


def test_an_admin_cancels_a_request(client_for, engine, demo):
    request_id, _approval = _at_approval(client_for)
    admin = client_for("admin")
    assert post(admin, f"/requests/{request_id}/corrections/cancel",
                {"reason": "Asked twice by mistake"}).status_code == 303
    page = text(admin.get(f"/requests/{request_id}"))
    assert "Cancelled" in page and "Reason: Asked twice by mistake" in page
    assert "Cancel the request" not in page
    assert inbox_task_ids(client_for("manager")) == []
    _sound(engine, demo, request_id)


def test_others_are_refused_and_the_form_needs_its_token(client_for, engine, demo):
    request_id, _approval = _at_approval(client_for)
    for username in ("comms1", "auditor", "staff"):
        refused = post(client_for(username), f"/requests/{request_id}/corrections/cancel",
                       {"reason": "Mine now"})
        assert refused.status_code == 403
    tokenless = client_for("admin").post(f"/requests/{request_id}/corrections/cancel",
                                         data={"reason": "No token"})
    assert tokenless.status_code == 400
    assert engine.get_request(demo["admin"].id, request_id).status == "running"
