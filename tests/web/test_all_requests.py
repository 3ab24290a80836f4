"""Every request in one list, for communications, auditors and admins only."""

from __future__ import annotations

import pytest

from tests.web.webtools import submit_request, text


@pytest.mark.parametrize("username", ["comms1", "auditor", "admin"])
def test_oversight_roles_list_every_request_and_can_open_it(client_for, username):
    request_id = submit_request(client_for("staff"))
    viewer = client_for(username)
    page = text(viewer.get("/requests/all"))
    assert "KI Neuro Lab on Instagram" in page and "Sara Staff" in page
    assert f'href="/requests/{request_id}"' in page
    assert 'href="/requests/all"' in page, "the navigation offers the list"
    assert viewer.get(f"/requests/{request_id}").status_code == 200


@pytest.mark.parametrize("username", ["staff", "manager", "owner"])
def test_everyone_else_is_refused(client_for, username):
    submit_request(client_for("staff"))
    response = client_for(username).get("/requests/all")
    assert response.status_code == 403
    assert "KI Neuro Lab" not in text(response)
    assert 'href="/requests/all"' not in text(client_for(username).get("/inbox"))


def test_filters_by_status_and_title(client_for):
    submit_request(client_for("staff"))
    auditor = client_for("auditor")
    assert "KI Neuro Lab" in text(auditor.get("/requests/all?status=running&q=neuro"))
    assert "No requests match" in text(auditor.get("/requests/all?status=completed"))
    assert "No requests match" in text(auditor.get("/requests/all?q=zzz"))


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/requests/all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
