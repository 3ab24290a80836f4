"""Admins' stuck tasks page: who sees it, why rows are there, and reassigning from it."""

from __future__ import annotations

from datetime import timedelta

from tests.web.webtools import inbox_task_ids, post, submit_request, text


def _waiting_on_inactive_manager(client_for, engine) -> tuple[str, str]:
    """A request whose approval waits on a manager who may no longer sign in."""
    request_id = submit_request(client_for("staff"))
    [approval] = inbox_task_ids(client_for("manager"))
    engine.users.update("manager", active=False)
    return request_id, approval


def test_only_admins_see_the_stuck_tasks(client_for):
    assert client_for("admin").get("/admin/tasks").status_code == 200
    for username in ("auditor", "comms1", "staff", "owner"):
        response = client_for(username).get("/admin/tasks")
        assert response.status_code == 403
        assert "Only administrators can see the tasks that are stuck." in text(response)


def test_the_admin_index_links_to_it(client_for):
    assert 'href="/admin/tasks"' in text(client_for("admin").get("/admin/"))


def test_nothing_stuck_says_so(client_for):
    submit_request(client_for("staff"))
    page = text(client_for("admin").get("/admin/tasks"))
    assert "Nothing is stuck" in page


def test_a_task_waiting_on_an_inactive_person_is_listed_with_why(client_for, engine):
    _request_id, approval = _waiting_on_inactive_manager(client_for, engine)
    page = text(client_for("admin").get("/admin/tasks"))
    assert f'action="/admin/tasks/{approval}/reassign"' in page
    assert "KI Neuro Lab on Instagram" in page
    assert "Approve the account" in page and "Maja Manager" in page
    assert "The person it waits on may not sign in" in page
    assert "Waiting longer than" not in page.split("</caption>", 1)[1]


def test_a_long_wait_is_listed_and_the_threshold_can_be_changed(client_for, clock):
    submit_request(client_for("staff"))
    [approval] = inbox_task_ids(client_for("manager"))
    admin = client_for("admin")
    assert approval not in text(admin.get("/admin/tasks"))
    clock.advance(timedelta(days=8))
    page = text(admin.get("/admin/tasks"))
    assert approval in page and "Waiting longer than 7 days" in page
    assert approval not in text(admin.get("/admin/tasks?older=10"))
    assert approval in text(admin.get("/admin/tasks?older=nonsense"))  # falls back to 7


def test_reassigning_from_the_page_moves_the_task_with_history(client_for, engine):
    request_id, approval = _waiting_on_inactive_manager(client_for, engine)
    admin = client_for("admin")
    response = post(admin, f"/admin/tasks/{approval}/reassign",
                    {"to": "director", "reason": "Maja has left", "older": "7", "page": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/admin/tasks")
    page = text(admin.get(response.headers["Location"]))
    assert "The task was given to director" in page
    assert "Nothing is stuck" in page
    assert inbox_task_ids(client_for("director")) == [approval]
    history = text(admin.get(f"/requests/{request_id}"))
    assert ("Adam Admin reassigned &#39;Approve the account&#39; from Maja Manager to "
            "Dan Director. Reason: Maja has left") in history


def test_a_refused_reassignment_rerenders_with_the_message_and_what_was_typed(client_for,
                                                                              engine):
    _request_id, approval = _waiting_on_inactive_manager(client_for, engine)
    admin = client_for("admin")
    no_reason = post(admin, f"/admin/tasks/{approval}/reassign",
                     {"to": "director", "reason": " "})
    assert no_reason.status_code == 422
    page = text(no_reason)
    assert "Give a reason" in page and 'value="director"' in page
    assert f'aria-describedby="reason-{approval}-error"' in page
    nobody = post(admin, f"/admin/tasks/{approval}/reassign",
                  {"to": "nobody-here", "reason": "Maja has left"})
    assert nobody.status_code == 422
    page = text(nobody)
    assert 'value="nobody-here"' in page and 'value="Maja has left"' in page
    assert f'aria-describedby="to-{approval}-error"' in page
    assert inbox_task_ids(client_for("director")) == []


def test_others_cannot_reassign_through_the_form(client_for, engine):
    _request_id, approval = _waiting_on_inactive_manager(client_for, engine)
    for username in ("auditor", "comms1", "director"):
        response = post(client_for(username), f"/admin/tasks/{approval}/reassign",
                        {"to": "director", "reason": "Taking it"})
        assert response.status_code == 403
    assert inbox_task_ids(client_for("director")) == []


def test_the_form_needs_its_csrf_token(client_for, engine):
    _request_id, approval = _waiting_on_inactive_manager(client_for, engine)
    response = client_for("admin").post(f"/admin/tasks/{approval}/reassign",
                                        data={"to": "director", "reason": "Maja has left"})
    assert response.status_code == 400
    assert inbox_task_ids(client_for("director")) == []
