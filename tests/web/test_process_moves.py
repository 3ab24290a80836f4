"""The moves pages: a preview for process owners, one move or all, a reason always."""

from __future__ import annotations

import pytest

from tests.support.versions import renamed_approval, without_guidelines
from tests.web.webtools import post, submit_request, text

PROCESS = "social_media_account"


@pytest.fixture
def app(make_app, engine, tmp_path):
    """The app with a diagram viewer in place, so pages link each version's diagram."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "bpmn-navigated-viewer.production.min.js").write_text("// viewer\n")
    return make_app(engine=engine, BPMN_JS_DIST=dist)


@pytest.fixture
def moved_setup(engine, client_for):
    """A request waiting for approval on version 1, and version 2 deployed: (request, v2)."""
    request_id = submit_request(client_for("staff"))
    v2 = engine.catalog.deploy(renamed_approval(engine)).version_id
    return request_id, v2


def test_the_preview_shows_what_maps_to_what_and_one_request_moves(engine, client_for,
                                                                   moved_setup):
    request_id, v2 = moved_setup
    owner = client_for("owner")
    page = owner.get(f"/processes/{PROCESS}/moves?to={v2}")
    assert page.status_code == 200
    body = text(page)
    assert "Approve the account → Approve the new account" in body
    assert f'value="{request_id}"' in body and "Move this request" in body

    moved = post(owner, f"/processes/{PROCESS}/moves",
                 {"to": str(v2), "instance_id": request_id, "reason": "Clearer title"})
    assert moved.status_code == 303
    after = text(owner.get(moved.headers["Location"]))
    assert "The request was moved" in after
    assert "No running request is on an older version." in after
    history = text(client_for("staff").get(f"/requests/{request_id}"))
    assert "moved the request from version 1 to version 2. Reason: Clearer title" in history

    again = post(owner, f"/processes/{PROCESS}/moves",
                 {"to": str(v2), "instance_id": request_id, "reason": "Clearer title"})
    assert again.status_code == 409
    assert "on that version already" in text(again)


def test_an_empty_reason_re_renders_with_a_field_message(engine, client_for, moved_setup):
    request_id, v2 = moved_setup
    owner = client_for("owner")
    for data in ({"instance_id": request_id}, {"all": "1"}):
        refused = post(owner, f"/processes/{PROCESS}/moves", {"to": str(v2), "reason": " ",
                                                              **data})
        assert refused.status_code == 422
        body = text(refused)
        assert 'class="error-message"' in body and "every move is recorded with one" in body
    check = engine.moves.preview(engine.users.find("owner").id, PROCESS, v2)
    assert [c.from_version_id for c in check] != [v2]


def test_a_request_that_cannot_move_says_why_and_move_all_reports_it(engine, client_for):
    staff = client_for("staff")
    post(staff, "/requests/")  # waits at the guidelines, which the new version removes
    v2 = engine.catalog.deploy(without_guidelines(engine)).version_id
    owner = client_for("owner")
    body = text(owner.get(f"/processes/{PROCESS}/moves?to={v2}"))
    assert "which the new version no longer has" in body
    assert "Move this request" not in body
    report = post(owner, f"/processes/{PROCESS}/moves",
                  {"to": str(v2), "all": "1", "reason": "New start"})
    assert report.status_code == 200
    assert "Moved: 0. Not moved: 1." in text(report)


@pytest.mark.parametrize("who", ["staff", "manager", "comms1", "auditor", "admin"])
def test_only_process_owners_see_or_use_the_moves_pages(engine, client_for, moved_setup, who):
    request_id, v2 = moved_setup
    browser = client_for(who)
    assert browser.get(f"/processes/{PROCESS}/moves?to={v2}").status_code == 403
    refused = post(browser, f"/processes/{PROCESS}/moves",
                   {"to": str(v2), "instance_id": request_id, "reason": "Because"})
    assert refused.status_code == 403
    assert post(browser, f"/processes/{PROCESS}/moves",
                {"to": str(v2), "all": "1", "reason": "Because"}).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, moved_setup):
    _request_id, v2 = moved_setup
    assert client.get(f"/processes/{PROCESS}/moves?to={v2}").status_code in (302, 401)


@pytest.mark.parametrize("query", ["", "?to=", "?to=abc", "?to=99999", "?to=1&page=0",
                                   "?to=1234567890123"])
def test_bad_versions_are_not_found_never_a_500(client_for, moved_setup, query):
    assert client_for("owner").get(f"/processes/{PROCESS}/moves{query}").status_code == 404


def test_a_version_of_another_process_is_refused_with_words(engine, client_for, moved_setup):
    request_id, _v2 = moved_setup
    review = engine.catalog.current("account_review")[0]
    refused = post(client_for("owner"), f"/processes/{PROCESS}/moves",
                   {"to": str(review), "instance_id": request_id, "reason": "x"})
    assert refused.status_code == 400
    assert "belongs to another process" in text(refused)
    assert client_for("owner").get(f"/processes/{PROCESS}/moves?to={review}").status_code == 400


def test_a_post_without_csrf_is_refused(client_for, moved_setup):
    request_id, v2 = moved_setup
    refused = client_for("owner").post(f"/processes/{PROCESS}/moves", data={
        "to": str(v2), "instance_id": request_id, "reason": "x"})
    assert refused.status_code == 400


def test_the_history_page_shows_each_steps_own_version(engine, client_for, moved_setup):
    request_id, v2 = moved_setup
    v1 = engine.moves.preview(engine.users.find("owner").id, PROCESS, v2)[0].from_version_id
    post(client_for("owner"), f"/processes/{PROCESS}/moves",
         {"to": str(v2), "instance_id": request_id, "reason": "Clearer title"})
    staff = client_for("staff")
    before = text(staff.get(f"/requests/{request_id}/history?step=4"))
    after = text(staff.get(f"/requests/{request_id}/history?step=5"))
    assert "Process version 1 of" in before and f"diagram.bpmn?version={v1}" in before
    assert "Process version 2 of" in after and f"diagram.bpmn?version={v2}" in after
    old = staff.get(f"/requests/{request_id}/diagram.bpmn?version={v1}").get_data(as_text=True)
    new = staff.get(f"/requests/{request_id}/diagram.bpmn?version={v2}").get_data(as_text=True)
    assert 'name="Approve the account"' in old and 'name="Approve the new account"' in new
    review = engine.catalog.current("account_review")[0]
    assert staff.get(f"/requests/{request_id}/diagram.bpmn?version={review}").status_code == 404
