"""Who may see what: every route for anonymous visitors and for each role."""

from __future__ import annotations

import uuid

import pytest

from tests.web.webtools import APPROVE, inbox_task_ids, post, submit_request, text, token

GUESS = str(uuid.uuid4())
PAGES = ["/", "/inbox", f"/tasks/{GUESS}", f"/tasks/{GUESS}/done", "/requests/", "/requests/new",
         f"/requests/{GUESS}", f"/requests/{GUESS}/diagram.bpmn", "/register/",
         "/register/accounts.csv"]
POSTS = ["/logout", f"/tasks/{GUESS}", "/requests/"]
ROLES = ["staff", "manager", "director", "comms1", "owner", "auditor", "admin"]


@pytest.fixture
def waiting(client_for):
    """Sara's request, waiting on her manager: (request id, approval task id)."""
    staff = client_for("staff")
    request_id = submit_request(staff)
    return request_id, inbox_task_ids(client_for("manager"))[0]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", POSTS)
def test_anonymous_posts_are_refused(client, path):
    assert client.post(path).status_code == 400  # no CSRF token
    response = client.post(path, data={"csrf_token": token(client, "/login")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_in_returns_to_the_page_asked_for(client, demo):
    response = client.get("/requests/")
    assert "next=%2Frequests%2F" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_an_inbox_and_my_requests(client, login_as, role):
    login_as(role)
    for path in ("/inbox", "/requests/", "/requests/new"):
        assert client.get(path).status_code == 200, path
    assert client.get("/").headers["Location"] == "/inbox"


@pytest.mark.parametrize(("role", "allowed"), [
    ("staff", False), ("manager", False), ("director", False), ("owner", False),
    ("comms1", True), ("auditor", True), ("admin", True)])
def test_the_register_is_for_communications_auditors_and_admins(client, login_as, role, allowed):
    login_as(role)
    inbox = text(client.get("/inbox"))
    assert ('href="/register/"' in inbox) is allowed  # no link to a page one cannot use
    for path in ("/register/", "/register/accounts.csv"):
        response = client.get(path)
        assert response.status_code == (200 if allowed else 403), path
    if not allowed:
        assert "The account register is for the communications department." in text(response)


def test_start_is_offered_only_to_people_with_a_manager(client, login_as):
    login_as("comms1")
    assert 'href="/requests/new"' not in text(client.get("/inbox"))
    assert "You have no manager registered" in text(client.get("/requests/new"))
    refused = post(client, "/requests/")
    assert refused.status_code == 400
    assert "a manager must approve every new account" in text(refused)


@pytest.mark.parametrize(("role", "status"), [
    ("staff", 200), ("manager", 200), ("comms1", 200), ("auditor", 200), ("admin", 200),
    ("director", 403), ("owner", 403)])
def test_a_request_page_is_for_the_people_involved(client, login_as, waiting, role, status):
    request_id, _task = waiting
    login_as(role)
    for path in (f"/requests/{request_id}", f"/requests/{request_id}/diagram.bpmn"):
        response = client.get(path)
        assert response.status_code == status, path
        if status == 403:
            assert "KI Neuro Lab" not in text(response)


def test_a_guessed_request_id_is_not_found(client, login_as):
    login_as("comms1")
    response = client.get(f"/requests/{GUESS}")
    assert response.status_code == 404
    assert "There is no such request." in text(response)


@pytest.mark.parametrize("role", ["staff", "director", "comms1", "auditor", "owner"])
def test_someone_elses_task_is_refused_without_its_data(client, login_as, waiting, role):
    _request, task_id = waiting
    login_as(role)
    for response in (client.get(f"/tasks/{task_id}"),
                     post(client, f"/tasks/{task_id}", APPROVE)):
        assert response.status_code == 403
        page = text(response)
        assert "This task is not yours to complete." in page
        assert "KI Neuro Lab" not in page and "Share our research" not in page
    login_as("manager")
    assert client.get(f"/tasks/{task_id}").status_code == 200  # still waiting, untouched


@pytest.mark.parametrize("task_id", [GUESS, "not-a-uuid", "1"])
def test_a_guessed_task_id_is_not_found(client, login_as, task_id):
    login_as("staff")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 404
    assert "There is no such task." in text(response)


def test_a_manager_cannot_decide_on_their_own_request(client_for):
    maja = client_for("manager")
    request_id = submit_request(maja)
    assert inbox_task_ids(maja) == []
    approval = inbox_task_ids(client_for("director"))
    assert len(approval) == 1
    assert maja.get(f"/tasks/{approval[0]}").status_code == 403
    assert post(maja, f"/tasks/{approval[0]}", APPROVE).status_code == 403
    page = text(maja.get(f"/requests/{request_id}"))
    assert "waiting on: Dan Director" in page  # her own manager decides
    assert "Dan Director completed" not in page  # and has not yet


def test_communications_cannot_register_their_own_request(client_for, engine):
    # An officer with a manager may ask for an account, but a colleague must register it.
    engine.users.create("cara", "Cara Comms", "cara@example.ki.se", "kontoflode-demo",
                        ["communications"], "director")
    cara, director = client_for("cara"), client_for("director")
    submit_request(cara)
    from tests.web.webtools import REGISTRATION, complete
    complete(director, APPROVE)
    complete(cara, REGISTRATION)
    assert inbox_task_ids(cara) == []
    assert len(inbox_task_ids(client_for("comms1"))) == 1


def test_the_done_page_without_a_completion_goes_to_the_inbox(client, login_as):
    login_as("staff")
    response = client.get(f"/tasks/{GUESS}/done")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
