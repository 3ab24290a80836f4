"""The editor's JSON routes: the draft's files, saves with revision conflicts, Check."""

from __future__ import annotations

import re

import pytest

from engine import DEMO_PASSWORD

SMA = "social_media_account"
FILES = f"/processes/{SMA}/draft/files.json"
META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf(client) -> str:
    """The token the draft page hands its scripts."""
    return META.search(client.get(f"/processes/{SMA}/draft").get_data(as_text=True)).group(1)


@pytest.fixture
def owner(client_for, engine, demo):
    """The demo process owner, with the draft open."""
    engine.processes.open_draft(demo["owner"].id, SMA)
    return client_for("owner")


@pytest.fixture
def second_owner(engine, app, login_as):
    """Another process owner in a browser of their own."""
    engine.users.create("owner2", "Pia Owner", "pia@example.ki.se", DEMO_PASSWORD,
                        ["process_owner"])
    return login_as("owner2", app.test_client())


def save(client, body, token=None):
    return client.post(FILES, json=body, headers={"X-CSRFToken": token or csrf(client)})


def test_files_json_has_what_the_editor_needs(owner):
    files = owner.get(FILES).get_json()
    assert files["revision"] == 1 and files["bpmn"].startswith("<?xml")
    assert "manager_approval.json" in files["forms"] and "lane_manager" in files["lanes"]
    assert files["updated_by"] == "Olle Process Owner" and files["updated_at"]
    assert files["lane_rule_kinds"] == ["initiator", "manager_of_initiator", "role"]
    assert "communications" in files["roles"]


def test_a_save_returns_the_next_revision_and_a_stale_one_gets_409(owner, second_owner):
    files = owner.get(FILES).get_json()
    renamed = files["bpmn"].replace("Approve the account", "Approve the new account")
    first = save(owner, {"revision": 1, "bpmn": renamed})
    assert first.status_code == 200 and first.get_json()["revision"] == 2
    late = save(second_owner, {"revision": 1, "lanes": {}})
    assert late.status_code == 409
    body = late.get_json()
    assert body["by"] == "Olle Process Owner" and body["at"] and body["revision"] == 2
    assert "Olle Process Owner saved the draft" in body["error"]
    assert owner.get(FILES).get_json()["lanes"] == files["lanes"]  # nothing overwritten


def test_a_broken_diagram_saves_and_check_names_element_and_line(owner):
    files = owner.get(FILES).get_json()
    broken = files["bpmn"].replace('manager_decision == "approve"', "__import__('os')")
    assert save(owner, {"revision": 1, "bpmn": broken}).status_code == 200
    checked = owner.post(f"/processes/{SMA}/draft/check.json",
                         headers={"X-CSRFToken": csrf(owner)}).get_json()
    assert checked["ok"] is False
    problem = next(p for p in checked["problems"] if p["code"] == "bpmn.condition_refused")
    assert problem["element_id"] and problem["line"] and problem["file"] == f"{SMA}.bpmn"
    assert problem["text"].startswith(f"{SMA}.bpmn, line")


def test_check_of_a_sound_draft_is_ok(owner):
    checked = owner.post(f"/processes/{SMA}/draft/check.json",
                         headers={"X-CSRFToken": csrf(owner)})
    assert checked.get_json() == {"ok": True, "problems": []}


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"bpmn": "x"}', b'{"revision": true}',
                                 b"[" * 100_000 + b"]" * 100_000])
def test_malformed_json_is_422_with_words(owner, raw):
    response = owner.post(FILES, data=raw, content_type="application/json",
                          headers={"X-CSRFToken": csrf(owner)})
    assert response.status_code == 422 and response.get_json()["error"]


def test_shape_and_size_refusals_are_422_with_words(owner, engine):
    too_big = "x" * (engine.settings.max_diagram_bytes + 1)
    for body in ({"revision": 1, "bpmn": too_big}, {"revision": 1, "forms": []},
                 {"revision": 1, "forms": {"../x.json": {}}}):
        response = save(owner, body)
        assert response.status_code == 422, body.keys()
        assert response.get_json()["error"]


def test_a_save_without_the_csrf_header_is_refused(owner):
    response = owner.post(FILES, json={"revision": 1, "lanes": {}})
    assert response.status_code == 400
    assert owner.get(FILES).get_json()["revision"] == 1


def test_an_auditor_reads_the_files_but_cannot_save_or_check(owner, client_for):
    auditor = client_for("auditor")
    assert auditor.get(FILES).status_code == 200
    token = META.search(auditor.get(f"/processes/{SMA}/draft").get_data(as_text=True)).group(1)
    assert save(auditor, {"revision": 1, "lanes": {}}, token).status_code == 403
    check = auditor.post(f"/processes/{SMA}/draft/check.json", headers={"X-CSRFToken": token})
    assert check.status_code == 403
    assert owner.get(FILES).get_json()["revision"] == 1
