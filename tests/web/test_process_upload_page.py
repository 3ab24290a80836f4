"""The upload page: a draft or the problems in words, never a 500 or a traceback."""

from __future__ import annotations

import io

import pytest

from tests.integration.test_process_uploads import BILLION_LAUGHS, CAMUNDA, DIAGRAM
from tests.web.webtools import post, text

SMA = "social_media_account"


def upload(client, data: bytes, filename: str, **fields):
    return post(client, "/processes/upload", {"file": (io.BytesIO(data), filename), **fields},
                content_type="multipart/form-data")


@pytest.mark.parametrize(("data", "filename", "words"), [
    (BILLION_LAUGHS, "p.bpmn", "DOCTYPE and entity declarations are not allowed"),
    (b"<a>" * 50_000 + b"</a>" * 50_000, "p.bpmn", "The XML is not well-formed"),
    (b"PK\x03\x04 not a zip", "p.zip", "not a readable zip archive"),
    (b"MZ", "p.exe", "neither a .bpmn diagram nor a .zip"),
])
def test_hostile_uploads_get_problems_in_words(client_for, data, filename, words):
    response = upload(client_for("owner"), data, filename)
    assert response.status_code == 422
    page = text(response)
    assert words in page and "Traceback" not in page


def test_a_20_mb_upload_is_refused_with_a_page(client_for):
    response = upload(client_for("owner"), b"x" * (20 * 1024 * 1024), "p.bpmn")
    assert response.status_code == 413
    assert "larger than the limit" in text(response)


def test_a_camunda_diagram_becomes_a_draft_whose_check_lists_problems(client_for):
    owner = client_for("owner")
    response = upload(owner, CAMUNDA, "diagram_1.bpmn")
    assert response.status_code == 303
    page = text(owner.get(response.headers["Location"]))
    assert "is now the draft of Process_0abc123" in page
    assert "Activity_0gg5h3v" in page and "line" in page


def test_uploading_onto_an_open_draft_offers_to_replace_it(client_for, engine, demo):
    engine.processes.open_draft(demo["owner"].id, SMA)
    owner = client_for("owner")
    response = upload(owner, DIAGRAM, f"{SMA}.bpmn")
    assert response.status_code == 409
    assert 'name="replace_revision"' in text(response)
    replaced = upload(owner, DIAGRAM.replace(b"Approve the account", b"Approve it"),
                      f"{SMA}.bpmn", replace_revision="1")
    assert replaced.status_code == 303
    assert engine.processes.draft(demo["owner"].id, SMA).revision == 2


def test_an_auditor_sees_no_upload_form_and_cannot_post_one(client_for, engine, demo):
    auditor = client_for("auditor")
    assert 'type="file"' not in text(auditor.get("/processes/upload"))
    assert upload(auditor, DIAGRAM, f"{SMA}.bpmn").status_code == 403
