"""Signing in and out: credentials, sessions, redirects, rate limits and CSRF."""

from __future__ import annotations

import os
import stat

import pytest

from engine import DEMO_PASSWORD
from tests.web.webtools import post, text, token
from web import create_app


def sign_in(client, username="staff", password=DEMO_PASSWORD, next_url=None):
    data = {"username": username, "password": password, "csrf_token": token(client, "/login")}
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def test_login_page_has_a_labelled_form_with_a_csrf_token(client):
    page = text(client.get("/login"))
    assert '<label for="username">' in page and '<label for="password">' in page
    assert 'name="csrf_token"' in page


def test_right_password_signs_in_and_shows_the_name(client, demo):
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/inbox"
    page = text(client.get("/inbox"))
    assert "Sara Staff" in page and "Sign out" in page


@pytest.mark.parametrize(("username", "password"), [("staff", "wrong password"),
                                                    ("nobody", DEMO_PASSWORD), ("", "")])
def test_wrong_credentials_are_refused_without_saying_which(client, demo, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 401
    assert "The username or password is not right." in text(response)
    assert client.get("/inbox").status_code == 302


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", data={"username": "staff", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in text(response)
    assert client.get("/inbox").status_code == 302


def test_a_signed_in_post_without_csrf_token_is_refused(client, login_as):
    login_as("staff")
    response = client.post("/requests/", data={})
    assert response.status_code == 400
    assert "Reload the page" in text(response)
    assert "You have no requests yet" in text(client.get("/requests/"))


def test_next_goes_to_a_page_of_this_site(client, demo):
    response = sign_in(client, next_url="/requests/")
    assert response.headers["Location"] == "/requests/"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)", "/\n//evil.example",
                                    "http:/evil.example"])
def test_next_never_leads_off_site(client, demo, target):
    from urllib.parse import quote
    response = sign_in(client, next_url=quote(target, safe=""))
    assert response.status_code == 303
    assert response.headers["Location"] == "/inbox"


def test_login_page_does_not_echo_an_unsafe_next(client):
    page = text(client.get("/login?next=//evil.example"))
    assert "evil.example" not in page


def test_logout_needs_post_and_a_token(client, login_as):
    login_as("staff")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/inbox").status_code == 200
    response = post(client, "/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/inbox").status_code == 302


def test_login_is_rate_limited_per_address(make_app, demo):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(10):
        assert sign_in(client, "nobody", "wrong").status_code == 401
    refused = sign_in(client, "nobody", "wrong")
    assert refused.status_code == 429
    assert "Too many attempts" in text(refused)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(other, "nobody", "wrong").status_code == 401
    assert client.get("/login").status_code == 200  # only POST is limited


def test_session_cookie_is_http_only_and_lax(client, demo):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_outside_debug_and_tests(engine, monkeypatch):
    for name in ("SESSION_COOKIE_SECURE", "KONTOFLODE_INSECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    config = {"SECRET_KEY": "x"}
    assert create_app(config, engine=engine).config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("KONTOFLODE_INSECURE_COOKIES", "1")
    assert create_app(config, engine=engine).config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert create_app(config, engine=engine).config["SESSION_COOKIE_SECURE"] is True


def test_session_protection_is_strong(app):
    assert app.login_manager.session_protection == "strong"


def test_a_session_from_another_browser_is_dropped(app, client, login_as):
    login_as("staff")
    assert client.get("/inbox", headers={"User-Agent": "another browser"}).status_code == 302


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    from web.config import instance_secret_key
    first = instance_secret_key(tmp_path / "instance")
    assert len(first) == 64 and first == instance_secret_key(tmp_path / "instance")
    mode = stat.S_IMODE(os.stat(tmp_path / "instance" / "secret_key").st_mode)
    assert mode == 0o600
