"""Error pages that say what happened without internals; security headers on every answer."""

from __future__ import annotations

import re

import pytest

from engine import Conflict, ProcessFailed
from tests.web.webtools import register_account, submit_request, text, token
from web.security import CSP

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def raiser(error: Exception):
    def view():
        raise error
    return view


def check_headers(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_csp_is_the_strict_one():
    assert CSP == ("default-src 'self'; script-src 'self'; style-src 'self'; "
                   "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                   "frame-ancestors 'none'; form-action 'self'")


@pytest.mark.parametrize("path", ["/login", "/nope", "/inbox"])
def test_security_headers_on_pages_and_errors(client, path):
    response = client.get(path)
    check_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_never_stored(client_for):
    staff = client_for("staff")
    request_id = submit_request(staff)
    for path in ("/inbox", "/requests/", f"/requests/{request_id}",
                 f"/requests/{request_id}/diagram.bpmn"):
        response = staff.get(path)
        check_headers(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_static_files_may_be_cached_and_have_the_headers_too(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    check_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_not_found_page_says_so_without_internals(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = text(response)
    assert "Page not found" in page and "Traceback" not in page


def test_an_unexpected_error_shows_a_500_page_without_a_trace(app, client, login_as):
    app.add_url_rule("/test-boom", "test_boom", raiser(RuntimeError("secret detail /etc/x")))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    login_as("staff")
    response = client.get("/test-boom")
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong on our side" in page
    assert "secret detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    check_headers(response)


def test_a_conflict_asks_to_reload(app, client, login_as):
    app.add_url_rule("/test-conflict", "test_conflict", raiser(Conflict("instance.changed")))
    login_as("staff")
    response = client.get("/test-conflict")
    assert response.status_code == 409
    page = text(response)
    assert "Someone else changed this" in page and "Reload the page" in page


def test_a_failing_process_is_reported_with_its_message(app, client, login_as):
    app.add_url_rule("/test-failed", "test_failed",
                     raiser(ProcessFailed("process.failed",
                                          detail="the condition on 'approved' failed")))
    login_as("staff")
    response = client.get("/test-failed")
    assert response.status_code == 422
    assert ("The process could not continue: the condition on &#39;approved&#39; failed."
            in text(response))


def test_a_failing_condition_is_reported_with_its_reason_in_words(app, client, login_as):
    app.add_url_rule("/test-condition", "test_condition", raiser(ProcessFailed(
        "process.expression_failed", expression="amount / count", task="Approved?",
        reason="division_by_zero", reason_params={}, line=None)))
    login_as("staff")
    response = client.get("/test-condition")
    assert response.status_code == 422
    assert ("The process could not continue: the expression &#39;amount / count&#39; in "
            "&#39;Approved?&#39; failed: division by zero." in text(response))


def test_too_large_a_post_is_refused_with_a_page(client):
    response = client.post("/login", data={"csrf_token": token(client, "/login"),
                                           "username": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "larger than the limit of 1 MB" in text(response)


def test_wrong_method_has_a_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "not possible here" in text(response)


def test_pages_have_no_inline_scripts_or_styles(client_for):
    staff, manager, comms = client_for("staff"), client_for("manager"), client_for("comms1")
    request_id = register_account(staff, manager, comms)
    pages = [staff.get(p) for p in ("/inbox", "/requests/", "/requests/new",
                                    f"/requests/{request_id}")]
    pages += [comms.get("/register/"), staff.get("/login", follow_redirects=True)]
    for response in pages:
        page = text(response)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert " style=" not in page and "<style" not in page
        assert not re.search(r"\son[a-z]+=", page)  # no onclick= and friends


def test_bpmn_js_is_served_from_node_modules_only(make_app, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets" / "bpmn-font" / "css").mkdir(parents=True)
    (dist / "bpmn-navigated-viewer.production.min.js").write_text("window.BpmnJS = 1;")
    (dist / "assets" / "bpmn-js.css").write_text(".bjs-container {}")
    (dist / "assets" / "bpmn-font" / "css" / "bpmn.css").write_text("")
    (dist / "bpmn-modeler.production.min.js").write_text("modeler")
    (tmp_path / "secret.txt").write_text("secret")
    client = make_app(BPMN_JS_DIST=dist).test_client()
    viewer = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert viewer.status_code == 200 and b"BpmnJS" in viewer.data
    assert viewer.headers["Cache-Control"] != "no-store"
    assert client.get("/vendor/bpmn-js/assets/bpmn-js.css").status_code == 200
    assert client.get("/vendor/bpmn-js/assets/bpmn-font/css/bpmn.css").status_code == 200
    for path in ("bpmn-modeler.production.min.js", "../secret.txt",
                 "assets/bpmn-font/../../../secret.txt", "assets/missing.css"):
        assert client.get(f"/vendor/bpmn-js/{path}").status_code == 404, path


def test_the_request_page_loads_the_viewer_and_its_own_script(client_for):
    staff = client_for("staff")
    request_id = submit_request(staff)
    page = text(staff.get(f"/requests/{request_id}"))
    if "bpmn-navigated-viewer" not in page:
        pytest.skip("bpmn-js is not installed (npm ci)")
    assert 'src="/static/diagram.js"' in page
    assert f'data-xml-url="/requests/{request_id}/diagram.bpmn"' in page
    assert 'data-completed="confirm_guidelines define_account plan_moderation"' in page
    assert 'data-current="manager_approval"' in page
    assert 'href="/vendor/bpmn-js/assets/diagram-js.css"' in page


def test_without_node_modules_the_page_says_the_diagram_is_unavailable(make_app, tmp_path,
                                                                        login_as):
    app = make_app(BPMN_JS_DIST=tmp_path / "missing")
    client = login_as("staff", app.test_client())
    request_id = submit_request(client)
    page = text(client.get(f"/requests/{request_id}"))
    assert "The diagram is unavailable" in page and "bpmn-navigated-viewer" not in page
    assert "Confirm the social media guidelines" in page  # the rest of the page is there


def test_the_diagram_endpoint_returns_the_versions_xml(client_for):
    staff = client_for("staff")
    request_id = submit_request(staff)
    response = staff.get(f"/requests/{request_id}/diagram.bpmn")
    assert response.mimetype == "application/xml"
    assert b"<bpmn:process id=\"social_media_account\"" in response.data
    assert response.headers["Content-Disposition"].startswith("attachment")
