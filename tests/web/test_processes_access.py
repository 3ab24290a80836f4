"""Every /processes route as every demo role: readers read, only the process owner changes.

The routes are read from the app's url map, so routes added to /processes later are walked too.
"""

from __future__ import annotations

import re

import pytest

from tests.web.webtools import token

SMA = "social_media_account"
READERS = {"owner", "auditor", "admin"}
ROLES = ("staff", "manager", "comms1", "auditor", "admin", "owner")  # owner last: it changes
CSRF_ERROR = "The form expired"
# Pages that are tools for changing a process: readers who may not change one are refused
# them too (the draft editor, and the preview of moving running requests).
OWNER_PAGES = {"process_editor.edit", "process_moves.preview"}
REFUSALS = ("for process owners", "Only process owners")


def process_rules(app):
    """(rule, methods) of every url rule under /processes."""
    return sorted(((rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
                   for rule in app.url_map.iter_rules() if rule.rule.startswith("/processes")),
                  key=lambda pair: pair[0].rule)


def url_of(rule, version_id: int) -> str:
    """A concrete address for a rule: the demo process, its current version, a deploy id."""
    values = {"process_id": SMA, "version_id": version_id, "pending_id": 999999}
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values.get(name, "x")), url)
    return url


@pytest.fixture
def walk(app, engine, demo):
    """The addresses to try, with a draft open so that draft pages exist."""
    engine.processes.open_draft(demo["owner"].id, SMA)
    version_id = engine.processes.process(demo["owner"].id, SMA).current.version_id
    gets = [(url_of(r, version_id), r.endpoint) for r, methods in process_rules(app)
            if "GET" in methods]
    posts = [url_of(r, version_id) for r, methods in process_rules(app) if "POST" in methods]
    assert len(gets) >= 9 and len(posts) >= 7, (gets, posts)
    return gets, posts


def test_signed_out_every_route_sends_to_the_sign_in_page(client, walk):
    gets, posts = walk
    for url, _endpoint in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    login_token = token(client, "/login")
    for url in posts:
        response = client.post(url, data={"csrf_token": login_token})
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("username", ROLES)
def test_readers_may_read_and_nobody_else(client_for, walk, username):
    gets, _posts = walk
    who = client_for(username)
    for url, endpoint in gets:
        response = who.get(url)
        allowed = READERS if endpoint not in OWNER_PAGES else {"owner"}
        if username in allowed:
            assert response.status_code == 200, (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
            page = response.get_data(as_text=True)
            assert any(words in page for words in REFUSALS) or response.is_json, url


@pytest.mark.parametrize("username", ROLES)
def test_posts_without_a_csrf_token_are_refused_for_everyone(client_for, walk, username):
    _gets, posts = walk
    who = client_for(username)
    for url in posts:
        response = who.post(url, data={"revision": "1", "reason": "x"})
        assert response.status_code == 400, url
        assert CSRF_ERROR in response.get_data(as_text=True), url


@pytest.mark.parametrize("username", ROLES)
def test_only_the_process_owner_may_post(client_for, walk, engine, demo, username):
    _gets, posts = walk
    who = client_for(username)
    form_token = token(who, "/inbox")
    for url in posts:
        response = who.post(url, data={"csrf_token": form_token, "revision": "1",
                                       "reason": "walk"})
        if username == "owner":
            assert response.status_code not in (400, 403, 500), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
    if username != "owner":  # nothing changed
        assert engine.processes.draft(demo["owner"].id, SMA).revision == 1


def test_the_navigation_offers_processes_to_readers_only(client_for):
    for username in ROLES:
        page = client_for(username).get("/inbox").get_data(as_text=True)
        assert ('href="/processes/"' in page) == (username in READERS), username
