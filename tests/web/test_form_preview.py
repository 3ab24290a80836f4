"""The draft editor's live form preview: the staff form's HTML from a schema, for process owners."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, select

from tests.web.webtools import token

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "processes").glob("*/forms/*.json"))
URL = "/processes/social_media_account/draft/form-preview"
SCHEMA = {
    "title": "Approve the account",
    "type": "object",
    "properties": {
        "manager_decision": {"title": "Decision", "type": "string", "enum": ["approve", "reject"],
                             "enumNames": ["Approve it", "Reject it"]},
        "rejection_reason": {"title": "Why not", "type": "string", "maxLength": 2000},
    },
    "required": ["manager_decision"],
}


def preview(client, body, *, raw: bool = False, csrf: str | None = None):
    """POST a schema (or raw bytes) to the preview the way the editor's script does."""
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json",
                       headers={"X-CSRFToken": csrf if csrf is not None else token(client)})


@pytest.fixture
def owner(client_for):
    """A signed-in process owner."""
    return client_for("owner")


def test_a_process_owner_sees_the_form_as_staff_would(owner):
    response = preview(owner, SCHEMA)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is True
    html = answer["html"]
    assert "Approve the account" in html
    assert "Decision" in html and "Approve it" in html and "Reject it" in html
    assert 'type="radio"' in html  # two choices are radio buttons, as on the task page
    assert "<textarea" in html and "Why not" in html  # long text
    assert "style=" not in html and "<script" not in html


def test_changing_a_title_changes_the_preview(owner):
    changed = json.loads(json.dumps(SCHEMA))
    changed["properties"]["manager_decision"]["title"] = "Your verdict"
    before = preview(owner, SCHEMA).get_json()["html"]
    after = preview(owner, changed).get_json()["html"]
    assert "Your verdict" in after and "Your verdict" not in before


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_real_form_previews(owner, path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    answer = preview(owner, schema).get_json()
    assert answer["ok"] is True, answer
    for prop in schema["properties"].values():
        assert prop["title"] in answer["html"] or prop["title"].replace("'", "&#39;") in answer[
            "html"]


@pytest.mark.parametrize("username", ["staff", "manager", "comms1", "auditor", "admin"])
def test_nobody_but_process_owners_may_preview(client_for, username):
    response = preview(client_for(username), SCHEMA)
    assert response.status_code == 403
    assert response.get_json()["ok"] is False
    assert "html" not in response.get_json()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.post(URL, data=json.dumps(SCHEMA), content_type="application/json")
    # Without a session there is no CSRF token either: refused before the view runs.
    assert response.status_code in (302, 400)
    assert "html" not in (response.get_json(silent=True) or {})


def test_without_the_csrf_token_the_preview_is_refused(owner):
    response = preview(owner, SCHEMA, csrf="")
    assert response.status_code == 400


HOSTILE = {
    "not an object": [1, 2, 3],
    "a string": "hello",
    "null": None,
    "unknown keyword": {"type": "object", "properties": {}, "$ref": "#/x"},
    "a field that is not an object": {"type": "object", "properties": {"a": 5}},
    "a bad type": {"type": "object", "properties": {"a": {"type": "file"}}},
    "lists of lists": {"type": "object", "properties": {"a": {"type": "array", "items": {
        "type": "array", "items": {"type": "string"}}}}},
    "a deeply nested default": {"type": "object", "properties": {"a": {
        "type": "string", "default": json.loads("[" * 900 + "]" * 900)}}},
    "a deep if": {"type": "object", "properties": {}, "if": json.loads(
        '{"a":' * 900 + "1" + "}" * 900)},
    "enum names without enum": {"type": "object", "properties": {"a": {
        "type": "string", "enumNames": ["x"]}}},
    "a bad field name": {"type": "object", "properties": {"1; drop": {"type": "string"}}},
    "an impossible condition": {"type": "object", "properties": {"a": {"type": "boolean"}},
                                "if": {"properties": {"a": {"const": "yes"}}},
                                "then": {"required": ["a"]}},
}


@pytest.mark.parametrize("schema", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_schemas_get_problems_in_words(owner, schema):
    response = preview(owner, schema)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is False and "html" not in answer
    assert answer["problems"] and all(isinstance(p, str) and p for p in answer["problems"])
    assert not any("Problem(" in p or "Traceback" in p for p in answer["problems"])


RAW = {
    "not JSON": b"{not json",
    "JSON nested past the parser": b"[" * 200_000 + b"]" * 200_000,
    "not UTF-8": b'{"title": "\xff"}',
    "too large": json.dumps({"type": "object", "title": "x" * 300_000}).encode(),
}


@pytest.mark.parametrize("body", RAW.values(), ids=RAW.keys())
def test_bodies_that_are_no_schema_get_a_problem(owner, body):
    response = preview(owner, body, raw=True)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is False and len(answer["problems"]) == 1


def test_what_a_schema_says_is_escaped(owner):
    schema = {"type": "object", "title": "<script>alert(1)</script>", "properties": {
        "a": {"type": "string", "title": '"><img src=x onerror=alert(1)>'}}}
    html = preview(owner, schema).get_json()["html"]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_the_preview_stores_nothing(owner, engine):
    def counts():
        tables = MetaData()
        tables.reflect(engine.db)
        with engine.db.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table)).scalar()
                    for name, table in tables.tables.items()}

    before = counts()
    for schema in (SCHEMA, *HOSTILE.values()):
        preview(owner, schema)
    assert counts() == before
