"""Holiday cover from the browser: a manager names a substitute, who approves in their place."""

from __future__ import annotations

import pytest

from tests.conftest import START
from tests.web.webtools import APPROVE, complete, inbox_task_ids, post, submit_request, text

TODAY = START.date().isoformat()
LATER = START.date().replace(day=START.day + 4).isoformat()


def _cover(client, url, substitute="director", first=TODAY, last=LATER):
    return post(client, url, {"substitute": substitute, "starts_on": first, "ends_on": last})


def test_a_manager_away_names_a_substitute_who_approves_for_them(client_for):
    manager = client_for("manager")
    response = _cover(manager, "/me/cover")
    assert response.status_code == 303
    page = text(manager.get("/me/cover"))
    assert "The substitute was named and recorded." in page and "Dan Director" in page
    request_id = submit_request(client_for("staff"))
    director = client_for("director")
    [approval] = inbox_task_ids(director)
    complete(director, APPROVE, approval)
    history = text(director.get(f"/requests/{request_id}"))
    assert "Dan Director for Maja Manager completed" in history


def test_while_cover_holds_the_request_says_who_acts_for_the_manager(client_for):
    manager = client_for("manager")
    staff = client_for("staff")
    request_id = submit_request(staff)
    assert "waiting on: Maja Manager" in text(staff.get(f"/requests/{request_id}"))
    _cover(manager, "/me/cover")
    page = text(staff.get(f"/requests/{request_id}"))
    assert "waiting on: Dan Director, covering for Maja Manager" in page


def test_a_refused_cover_keeps_what_was_typed_and_says_why(client_for, engine, demo):
    manager = client_for("manager")
    response = _cover(manager, "/me/cover", first="not a day")
    assert response.status_code == 422
    page = text(response)
    assert "Enter a date as YYYY-MM-DD." in page and 'value="not a day"' in page
    assert 'value="director"' in page
    response = _cover(manager, "/me/cover", substitute="manager")
    assert response.status_code == 422 and "You cannot be your own substitute." in text(response)
    response = _cover(manager, "/me/cover", first=LATER, last=TODAY)
    assert "The last day must not be before the first day." in text(response)
    assert engine.cover_periods(demo["manager"].id, demo["manager"].id) == []


@pytest.mark.parametrize("username", ["staff", "comms1", "auditor", "director"])
def test_only_admins_set_someone_elses_cover(client_for, engine, demo, username):
    other = client_for(username)
    url = f"/admin/people/{demo['manager'].id}/cover"
    assert other.get(url).status_code == 403
    assert _cover(other, url, substitute="comms2").status_code == 403
    assert engine.cover_periods(demo["admin"].id, demo["manager"].id) == []


def test_an_admin_sets_and_ends_a_persons_cover(client_for, engine, demo):
    admin = client_for("admin")
    url = f"/admin/people/{demo['manager'].id}/cover"
    assert _cover(admin, url).status_code == 303
    [period] = engine.cover_periods(demo["admin"].id, demo["manager"].id)
    assert period.substitute_name == "Dan Director"
    response = post(admin, f"/cover/{period.id}/end", {"back": "admin",
                                                       "user": str(demo["manager"].id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    [period] = engine.cover_periods(demo["admin"].id, demo["manager"].id)
    assert period.ended_at is not None
    person = text(admin.get(f"/admin/people/{demo['manager'].id}"))
    assert "Cover set, by Adam Admin." in person and "Cover ended, by Adam Admin." in person


def test_someone_else_cannot_end_my_cover(client_for, engine, demo):
    manager = client_for("manager")
    _cover(manager, "/me/cover")
    [period] = engine.cover_periods(demo["manager"].id, demo["manager"].id)
    response = post(client_for("staff"), f"/cover/{period.id}/end")
    assert response.status_code == 403
    [period] = engine.cover_periods(demo["manager"].id, demo["manager"].id)
    assert period.ended_at is None


def test_the_substitute_saves_a_draft_of_the_approval_they_cover(client_for, engine, demo):
    _cover(client_for("manager"), "/me/cover")
    submit_request(client_for("staff"))
    director = client_for("director")
    [approval] = inbox_task_ids(director)
    response = post(director, f"/tasks/{approval}", {"save_draft": "1",
                                                     "rejection_reason": "Not yet sure"})
    assert response.status_code == 303
    assert engine.load_draft(demo["director"].id, approval).data == {
        "rejection_reason": "Not yet sure"}
