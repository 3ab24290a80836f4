"""The draft editor's page: process owners only, its bundle served, a note when it is missing."""

from __future__ import annotations

import re

import pytest

from tests.web.webtools import text

PROCESS = "social_media_account"
EDIT = f"/processes/{PROCESS}/draft/edit"


@pytest.fixture
def draft(engine, demo):
    """A draft of the account process, opened by the demo process owner."""
    if not hasattr(engine, "processes"):
        pytest.skip("the draft API (engine.processes) is not on this branch yet")
    return engine.processes.open_draft(demo["owner"].id, PROCESS)


@pytest.fixture
def built(tmp_path, app):
    """A built editor bundle in a folder of the test's own."""
    folder = tmp_path / "editor-build"
    folder.mkdir()
    (folder / "modeler.js").write_text("/* the editor */", encoding="utf-8")
    (folder / "secret.txt").write_text("not for the web", encoding="utf-8")
    app.config["EDITOR_BUILD"] = folder
    return folder


def test_an_owner_gets_the_modeler_page(client_for, draft, built):
    response = client_for("owner").get(EDIT)
    assert response.status_code == 200
    html = text(response)
    root = re.search(r'<div id="process-editor"[^>]*>', html).group(0)
    assert f'data-files-url="/processes/{PROCESS}/draft/files.json"' in root
    assert f'data-check-url="/processes/{PROCESS}/draft/check.json"' in root
    assert f'data-preview-url="/processes/{PROCESS}/draft/form-preview"' in root
    assert 'data-csrf="' in root
    assert re.search(r'<script src="/vendor/editor/modeler\.js\?v=\d+" defer></script>', html)
    assert "/vendor/bpmn-js/assets/diagram-js.css" in html
    assert "/vendor/bpmn-js/assets/bpmn-js.css" in html
    assert "/vendor/bpmn-js/assets/bpmn-font/css/bpmn.css" in html
    # The strict CSP: no inline script, no style attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html


def test_the_words_for_the_script_are_escaped_data(client_for, draft, built):
    html = text(client_for("owner").get(EDIT))
    words = re.search(r'data-words="([^"]*)"', html).group(1)
    assert "&#34;" in words or "&quot;" in words  # JSON quotes, escaped inside the attribute
    assert "<" not in words


@pytest.mark.parametrize("username", ["staff", "manager", "comms1", "auditor", "admin"])
def test_nobody_else_gets_the_modeler(client_for, draft, built, username):
    response = client_for(username).get(EDIT)
    assert response.status_code == 403
    assert "process-editor" not in response.get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client, draft, built):
    response = client.get(EDIT)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_without_a_draft_there_is_nothing_to_edit(client_for, engine, built):
    if not hasattr(engine, "processes"):
        pytest.skip("the draft API (engine.processes) is not on this branch yet")
    response = client_for("owner").get("/processes/no_such_process/draft/edit")
    assert response.status_code == 404


def test_a_missing_bundle_leaves_a_note_and_no_script(client_for, draft, tmp_path, app):
    app.config["EDITOR_BUILD"] = tmp_path / "never-built"
    response = client_for("owner").get(EDIT)
    assert response.status_code == 200
    html = text(response)
    assert 'id="editor-missing"' in html and "make setup" in html
    assert "modeler.js" not in html and 'id="process-editor"' not in html


def test_the_bundle_is_served_and_nothing_else_of_its_folder(client, built):
    response = client.get("/vendor/editor/modeler.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "/* the editor */"
    assert "javascript" in response.headers["Content-Type"]
    assert "Content-Security-Policy" in response.headers
    for path in ("/vendor/editor/secret.txt", "/vendor/editor/../editor-build/secret.txt",
                 "/vendor/editor/%2e%2e/secret.txt"):
        assert client.get(path).status_code == 404


def test_an_unbuilt_bundle_is_a_404(client, tmp_path, app):
    app.config["EDITOR_BUILD"] = tmp_path / "never-built"
    assert client.get("/vendor/editor/modeler.js").status_code == 404
