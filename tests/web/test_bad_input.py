"""Text the database cannot store and dates no schedule can hold: input errors, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from engine import DEMO_PASSWORD, InvalidInput
from tests.web.webtools import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    REGISTER,
    REGISTRATION,
    complete,
    inbox_task_ids,
    post,
    submit_request,
    text,
    token,
)


def test_a_nul_in_the_username_is_wrong_credentials_not_a_crash(client):
    response = client.post("/login", data={"username": "staff\x00", "password": DEMO_PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 400
    assert "cannot be saved" in text(response)
    assert client.get("/inbox").status_code == 302, "nobody was signed in"


def test_a_nul_in_the_password_signs_nobody_in(client):
    response = client.post("/login", data={"username": "staff", "password": "x\x00y",
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 400
    assert client.get("/inbox").status_code == 302


def test_a_nul_in_a_form_answer_is_a_message_on_that_field(client, login_as):
    login_as("staff")
    assert post(client, "/requests/").status_code == 303
    complete(client, GUIDELINES)
    task_id = inbox_task_ids(client)[0]
    response = post(client, f"/tasks/{task_id}", {**ACCOUNT, "purpose": "Share our\x00 research"
                                                  " with the public"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="f-purpose-error"' in page and "cannot be saved" in page
    assert 'value="KI Neuro Lab"' in page, "the other answers are kept"
    assert "Share our" in page and "research with the public</textarea>" in page
    # Put right, the same form goes through.
    complete(client, ACCOUNT, task_id)


def test_a_nul_in_a_list_entry_is_a_message_on_that_entry(client, login_as):
    login_as("staff")
    post(client, "/requests/")
    complete(client, GUIDELINES)
    task_id = inbox_task_ids(client)[0]
    response = post(client, f"/tasks/{task_id}", {**ACCOUNT, "target_audiences-1": "Re\x00"})
    assert response.status_code == 422
    assert 'id="f-target_audiences-1-error"' in text(response)


@pytest.mark.parametrize("url", [
    "/register/?q=neuro%00", "/register/?channel=Instagram%00", "/register/?status=%00",
    "/register/accounts.csv?q=%00", "/requests/all?q=%00", "/requests/all?status=open%00",
])
def test_a_nul_in_a_filter_is_a_400_page(client, login_as, url):
    login_as("comms1")
    response = client.get(url)
    assert response.status_code == 400
    assert "cannot be saved" in text(response)


@pytest.mark.parametrize("url", ["/tasks/abc%00def", "/requests/abc%00def"])
def test_a_nul_in_an_address_is_a_400_page(client, login_as, url):
    login_as("staff")
    assert client.get(url).status_code == 400


def _to_registration(client_for):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    submit_request(staff)
    complete(manager, APPROVE)
    complete(staff, REGISTRATION)
    return comms, inbox_task_ids(comms)[0]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_a_registration_date_no_schedule_can_hold_is_refused_on_the_form(client_for, day):
    comms, task_id = _to_registration(client_for)
    response = post(comms, f"/tasks/{task_id}", {**REGISTER, "registered_on": day})
    assert response.status_code == 422
    page = text(response)
    assert "Enter a date between 1900-01-01 and 2200-12-31." in page
    assert f'value="{day}"' in page, "what was typed is kept"
    complete(comms, REGISTER, task_id)  # a sane date goes through


def test_the_first_day_of_the_date_range_is_accepted(client_for):
    comms, task_id = _to_registration(client_for)
    response = post(comms, f"/tasks/{task_id}", {**REGISTER, "registered_on": "1900-01-01"})
    assert response.status_code == 303, text(response)[:2000]


def test_the_last_day_of_the_date_range_is_accepted_where_the_future_is_allowed(client_for):
    # A registration can't be in the future; a planned start can, up to the range's last day.
    staff, manager = client_for("staff"), client_for("manager")
    submit_request(staff)
    complete(manager, APPROVE)
    _task, response = complete(staff, {**REGISTRATION, "planned_start": "2200-12-31"})
    assert response.status_code == 303, text(response)[:2000]


def test_the_engine_asks_the_database_nothing_about_a_name_it_cannot_store(engine, demo):
    statements = []
    event.listen(engine.db, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert engine.authenticate("staff\x00", DEMO_PASSWORD) is None
    assert statements == []
    assert engine.authenticate("staff", DEMO_PASSWORD) is not None


@pytest.mark.parametrize("filters", [{"text": "a\x00"}, {"channel": "\x00"}, {"status": "\x00"}])
def test_the_engine_refuses_a_search_it_cannot_store(engine, demo, filters):
    with pytest.raises(InvalidInput) as refused:
        engine.accounts(demo["comms1"].id, **filters)
    assert refused.value.code == "search.not_storable"
    with pytest.raises(InvalidInput):
        engine.all_requests(demo["comms1"].id, text=filters.get("text"),
                            status=filters.get("status") or filters.get("channel"))
