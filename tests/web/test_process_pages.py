"""Process owners' pages: deploy with a reason, four eyes, downloads, the command line."""

from __future__ import annotations

import io
import shutil
import zipfile

from engine import DEMO_PASSWORD
from tests.web.test_cli import run
from tests.web.webtools import post, text

SMA = "social_media_account"
BASE = f"/processes/{SMA}"


def open_renamed_draft(engine, demo, approval_name="Approve the new account"):
    """A draft with the manager's step renamed (a change that deploys); its revision."""
    owner = demo["owner"].id
    draft = engine.processes.open_draft(owner, SMA)
    xml = draft.source.bpmn_xml.replace('name="Approve the account"', f'name="{approval_name}"')
    return engine.processes.save_draft(owner, SMA, draft.revision, bpmn_xml=xml).revision


def test_the_catalogue_and_process_page_show_versions_and_counts(client_for):
    owner = client_for("owner")
    page = text(owner.get("/processes/"))
    assert "Open a social media account" in page and "version 1" in page
    process = text(owner.get(BASE))
    assert "Deployed from the command line" in process
    assert "Open a draft from version 1" in process


def test_deploy_without_a_reason_keeps_the_draft_and_says_why(client_for, engine, demo):
    revision = open_renamed_draft(engine, demo)
    owner = client_for("owner")
    response = post(owner, f"{BASE}/draft/deploy", {"revision": revision, "reason": "  "})
    assert response.status_code == 422
    assert "Give a reason for the new version" in text(response)
    assert engine.processes.process(demo["owner"].id, SMA).current.number == 1


def test_deploy_with_a_reason_makes_version_2_current(client_for, engine, demo):
    revision = open_renamed_draft(engine, demo)
    owner = client_for("owner")
    response = post(owner, f"{BASE}/draft/deploy",
                    {"revision": revision, "reason": "Clearer name for the approval"})
    assert response.status_code == 303 and response.headers["Location"].endswith(BASE)
    page = text(owner.get(BASE))
    assert "Version 2 is deployed" in page and "Clearer name for the approval" in page
    assert "Olle Process Owner" in page


def test_a_broken_draft_shows_its_problems_and_keeps_the_reason(client_for, engine, demo):
    owner_id = demo["owner"].id
    draft = engine.processes.open_draft(owner_id, SMA)
    broken = draft.source.bpmn_xml.replace('manager_decision == "approve"', "open('x')")
    engine.processes.save_draft(owner_id, SMA, 1, bpmn_xml=broken)
    owner = client_for("owner")
    response = post(owner, f"{BASE}/draft/deploy", {"revision": 2, "reason": "My reason"})
    page = text(response)
    assert response.status_code == 422 and "My reason</textarea>" in page
    assert "fix the problems" in page and "line" in page
    checked = text(post(owner, f"{BASE}/draft/check"))
    assert "Check found 1 problem" in checked


def test_an_unchanged_draft_cannot_be_deployed(client_for, engine, demo):
    engine.processes.open_draft(demo["owner"].id, SMA)
    response = post(client_for("owner"), f"{BASE}/draft/deploy",
                    {"revision": 1, "reason": "Nothing"})
    assert response.status_code == 422
    assert "Nothing changed: the draft is the same as version 1" in text(response)


def test_four_eyes_in_the_browser(make_app, make_engine, login_as):
    from dataclasses import replace

    from engine import Engine, seed_demo
    base = make_engine()
    strict = Engine(replace(base.settings, deploy_approval=True), clock=base.clock)
    app = make_app(engine=strict)
    demo = {name: user for name, (user, _n) in seed_demo(strict).items()}
    strict.users.create("owner2", "Pia Owner", "pia@example.ki.se", DEMO_PASSWORD,
                        ["process_owner"])
    revision = open_renamed_draft(strict, demo)
    asker = login_as("owner", app.test_client())
    response = post(asker, f"{BASE}/draft/deploy", {"revision": revision, "reason": "Rename"})
    assert response.status_code == 303
    page = text(asker.get(BASE))
    assert "waits for another process owner" in page and "Approve and deploy" not in page
    pending = strict.processes.process(demo["owner"].id, SMA).pending[0].pending_id
    refused = post(asker, f"/processes/deploys/{pending}/approve")
    assert refused.status_code == 403 and "another process owner must approve" in text(refused)
    second = login_as("owner2", app.test_client())
    assert "Approve and deploy" in text(second.get(BASE))
    approved = post(second, f"/processes/deploys/{pending}/approve")
    assert approved.status_code == 303
    assert "Version 2 is deployed" in text(second.get(BASE))
    assert strict.processes.process(demo["owner"].id, SMA).current.number == 2
    strict.dispose()


def test_downloads_are_deterministic_zips_of_the_folder(client_for, engine, demo):
    owner = client_for("owner")
    version_id = engine.processes.process(demo["owner"].id, SMA).current.version_id
    url = f"{BASE}/versions/{version_id}/download.zip"
    first, second = owner.get(url), owner.get(url)
    assert first.data == second.data and "attachment" in first.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    assert names[0] == f"{SMA}/{SMA}.bpmn" and names[-1] == f"{SMA}/lanes.json"
    assert f"{SMA}/forms/manager_approval.json" in names
    diagram = owner.get(f"{BASE}/versions/{version_id}/diagram.bpmn")
    assert diagram.data.startswith(b"<?xml")
    page = text(owner.get(f"{BASE}/versions/{version_id}"))
    assert "manager_approval.json" in page and "lane_manager" in page
    assert 'data-xml-url="' in page


def test_a_downloaded_zip_uploads_back_as_the_same_content(client_for, engine, demo):
    owner = client_for("owner")
    current = engine.processes.process(demo["owner"].id, SMA).current
    data = owner.get(f"{BASE}/versions/{current.version_id}/download.zip").data
    response = post(owner, "/processes/upload",
                    {"file": (io.BytesIO(data), f"{SMA}.zip")},
                    content_type="multipart/form-data")
    assert response.status_code == 303, text(response)
    draft = engine.processes.draft(demo["owner"].id, SMA)
    assert draft.content_hash == current.content_hash
    assert "Check found no problems" in text(owner.get(response.headers["Location"]))


def test_the_command_line_deploys_with_a_reason_and_shows_the_number(app, engine, demo,
                                                                    tmp_path):
    folder = tmp_path / SMA
    shutil.copytree(engine.settings.processes_dir / SMA, folder)
    diagram = folder / f"{SMA}.bpmn"
    diagram.write_text(diagram.read_text().replace('name="Approve the account"',
                                                   'name="Approve it"'))
    result = run(app, "deploy", str(folder), "--reason", "Shorter step name")
    assert result.exit_code == 0 and f"{SMA}: version 2" in result.output
    newest = engine.processes.process(demo["owner"].id, SMA).versions[0]
    assert (newest.number, newest.reason) == (2, "Shorter step name")


def test_every_kind_of_process_event_has_words():
    from engine import PROCESS_EVENT_KINDS
    from web import wording
    for kind, params in PROCESS_EVENT_KINDS.items():
        assert kind in wording.PROCESS_EVENTS, kind
        words = wording.process_event_text(kind, {name: "Sample" for name in params})
        assert words and "{" not in words, kind
