"""A process owner changes the procedure in Chromium, from the catalogue to moving a request.

Olle, the process owner, opens the account procedure from the catalogue, opens a draft and edits
it: he renames the manager's step in the properties panel, retitles a form field in the form
editor, breaks the approval condition and sees Check mark it on the flow and list it, fixes it,
dry-runs a rejection, and deploys with a reason. The process page shows version 2 with his name
and reason; the compare page colours and lists the change. A request Sara started before the
deploy stays on version 1 while her new one runs on version 2, until Olle moves the older one;
then Alva the auditor finds its record sound.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SHOTS
from tests.browser.test_modeler import BUNDLE, FLOW, TYPO, refused
from tests.browser.test_trials import GUIDELINES, MODERATION, REJECT, counts, fill, marked
from tests.support import people as answers

pytestmark = pytest.mark.browser

PROCESS = "social_media_account"
PROCESS_NAME = "Open a social media account"
STEP = "manager_approval"
OLD_NAME, NEW_NAME = "Approve the account", "Approve the new account"
OLD_TITLE, NEW_TITLE = "Decision", "Your verdict"
APPROVE = 'manager_decision == "approve"'
DEPLOY_REASON = "The manager's step says what is approved; the decision reads more plainly."
MOVE_REASON = "Sara's request waits on the manager: let it show the new step's words."
# The dry run's description of the account: the form's inputs by name.
ACCOUNT = {"channel": "Instagram", "account_name": "KI Neuro Lab",
           "owning_unit_type": "Research group", "owning_unit": "Neuro lab",
           "purpose": "Share our research with the public and students",
           "goals": "More reach and engagement", "needs": "Outreach to the public",
           "target_audiences-0": "Students"}


def older_request(server) -> str:
    """Sara's request, started before the deploy and waiting on her manager; its id."""
    engine, clock = server.engine, server.clock
    sara = engine.users.find("staff")
    request_id = engine.start_request(sara.id).instance_id
    for data in (answers.GUIDELINES, answers.ACCOUNT, answers.MODERATION):
        clock.advance(timedelta(minutes=11))
        [task] = [t for t in engine.inbox(sara.id) if t.instance_id == request_id]
        engine.complete_task(sara.id, task.id, data)
    clock.advance(timedelta(hours=1))
    return request_id


def version_line(page: Page, request_id: str) -> str:
    """The version line of a request's history page (its latest step)."""
    page.goto(f"/requests/{request_id}/history")
    line = page.locator(".version-line")
    expect(line).to_be_visible()
    return line.inner_text()


def test_an_owner_changes_deploys_compares_and_moves_a_request(people, server, shot, problems,
                                                                 tmp_path):
    if not BUNDLE.exists():
        pytest.skip("the editor bundle is not built: run make setup")
    engine = server.engine
    # The typo that used to turn every approval into a rejection: the flow checks refuse it.
    assert refused(TYPO, tmp_path)
    old_version = engine.catalog.current(PROCESS)[0]
    old_request = older_request(server)

    # --- Olle opens the procedure from the catalogue and opens a draft --------------------------
    olle = people.sign_in("owner")
    olle.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text("Processes")
    olle.get_by_role("link", name=PROCESS_NAME).click()
    expect(olle.get_by_role("heading", level=1)).to_have_text(PROCESS_NAME)
    olle.get_by_role("button", name="Open a draft from version 1").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text(f"Draft of {PROCESS}")
    olle.get_by_role("link", name="Edit in the browser").click()
    step = olle.locator(f".djs-element[data-element-id={STEP}]")
    expect(step).to_be_visible()
    expect(olle.locator("#editor-status")).to_contain_text("Saved: revision")
    panel = olle.locator("#editor-properties")

    # Rename the manager's step through the properties panel.
    step.click()
    expect(panel.get_by_test_id("element-id")).to_have_text(STEP)
    expect(panel.get_by_label("Name")).to_have_value(OLD_NAME)
    panel.get_by_label("Name").fill(NEW_NAME)
    panel.get_by_label("Name").press("Tab")
    expect(step).to_contain_text(NEW_NAME)

    # Retitle the decision field in the form editor; the staff form's preview follows.
    panel.get_by_role("button", name="Edit the form").click()
    preview = olle.get_by_test_id("form-preview")
    expect(preview).to_contain_text(OLD_TITLE)
    olle.locator("[data-field=manager_decision]").get_by_label("Title").fill(NEW_TITLE)
    expect(preview).to_contain_text(NEW_TITLE)

    # Break the approval condition: Check marks the flow and lists the message with its line.
    olle.click(f".djs-element[data-element-id={FLOW}_label]")
    condition = panel.get_by_label("Condition")
    expect(condition).to_have_value(APPROVE)
    condition.fill(TYPO)
    condition.press("Tab")
    olle.get_by_role("button", name="Check").click()
    listed = olle.get_by_test_id("problems").locator(f"li[data-element={FLOW}]")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(re.compile(r"line \d+"))
    expect(listed).to_contain_text(f"{FLOW}")
    expect(listed).to_contain_text("(Approved)")  # the flow's name
    expect(listed).to_contain_text("'manager_decision'")  # the field, the typo, the values
    expect(listed).to_contain_text('with "approved", which its form never gives')
    expect(listed).to_contain_text('it can only be "approve", "reject"')
    expect(olle.locator(f".djs-element.has-problem[data-element-id={FLOW}]")).to_have_count(1)
    expect(olle.locator(".problem-badge")).not_to_have_count(0)
    olle.locator(".page-head").evaluate("head => head.scrollIntoView()")
    olle.locator(".editor-properties").evaluate("aside => { aside.scrollTop = 0; }")
    olle.screenshot(path=str(SHOTS / "journey-modeler.png"))  # the README's modeler picture

    # Fix it from the problem list; Check is clean; save.
    olle.click("body")  # away from the canvas, so the click below is what selects
    listed.get_by_role("button").click()
    expect(panel.get_by_label("Condition")).to_have_value(TYPO)
    panel.get_by_label("Condition").fill(APPROVE)
    panel.get_by_label("Condition").press("Tab")
    olle.get_by_role("button", name="Check").click()
    expect(olle.get_by_test_id("check-ok")).to_be_visible()
    expect(olle.locator(".djs-element.has-problem")).to_have_count(0)
    olle.get_by_role("button", name="Save").click()
    expect(olle.locator("#editor-status")).to_contain_text("Saved: revision")

    # --- The dry run of the draft: a rejection goes back to the description ---------------------
    before = counts(engine)
    olle.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    olle.get_by_role("link", name=PROCESS_NAME).click()
    olle.get_by_role("link", name="Open the draft").click()
    olle.get_by_role("link", name="Try the draft").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text(f"Try the draft of {PROCESS}")
    heading = olle.locator("form[data-trial-form] h2")
    expect(heading).to_have_text("Confirm the social media guidelines")
    fill(olle, GUIDELINES)
    expect(heading).to_have_text("Describe the account")
    fill(olle, ACCOUNT)
    expect(heading).to_have_text("Plan daily moderation")
    fill(olle, MODERATION)
    expect(heading).to_have_text(NEW_NAME)  # the draft's words, not version 1's
    expect(olle.locator("form[data-trial-form]")).to_contain_text(NEW_TITLE)
    fill(olle, REJECT)
    expect(heading).to_have_text("Describe the account")
    olle.wait_for_selector("#diagram .djs-element.step-current")
    assert marked(olle, "step-current") == ["define_account"]
    assert {"confirm_guidelines", "plan_moderation", STEP} <= set(marked(olle, "step-done"))
    assert "flow_rejected_to_define_account" in marked(olle, "flow-taken")
    assert FLOW not in marked(olle, "flow-taken")
    shot(olle, "owner-dry-run-rejection")
    assert counts(engine) == before  # no request, no event, no message

    # --- Deploy with a reason: the process page shows version 2, who and why --------------------
    olle.locator("nav.breadcrumbs").get_by_role("link", name="Draft").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text(f"Draft of {PROCESS}")
    olle.get_by_role("button", name="Deploy as a new version").click()
    expect(olle.locator("#reason-error")).to_be_visible()  # a reason is required
    olle.get_by_label("Why this new version? (recorded with it)").fill(DEPLOY_REASON)
    olle.get_by_role("button", name="Deploy as a new version").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text(PROCESS_NAME)
    expect(olle.get_by_text("Version 2 is deployed: new requests start on it.")).to_be_visible()
    expect(olle.get_by_text("New requests start on version 2.")).to_be_visible()
    rows = olle.locator("table.table-versions tbody tr")
    newest = rows.filter(has=olle.get_by_role("link", name="version 2", exact=True))
    expect(newest).to_have_count(1)
    expect(newest).to_contain_text("current")
    expect(newest).to_contain_text("Olle Process Owner")
    expect(newest).to_contain_text(DEPLOY_REASON)
    first = rows.filter(has=olle.get_by_role("link", name="version 1", exact=True))
    expect(first.locator("td").nth(5)).to_have_text("1")  # Sara's older request runs on it
    activity = olle.get_by_role("region", name="What happened")
    expect(activity.locator("li").first).to_contain_text(
        f"Olle Process Owner: Version 2 deployed: {DEPLOY_REASON}")  # an event of the process
    shot(olle, "owner-deployed")
    new_version = engine.catalog.current(PROCESS)[0]
    assert new_version != old_version

    olle.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    row = olle.get_by_role("row").filter(has=olle.get_by_role("link", name=PROCESS_NAME))
    expect(row.get_by_role("cell").nth(1)).to_have_text("version 2")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")

    # --- The compare page: the renamed step coloured on both sides and listed, the form too -----
    olle.set_viewport_size({"width": 1400, "height": 900})
    olle.get_by_role("link", name=PROCESS_NAME).click()
    olle.get_by_role("link", name="version 2", exact=True).click()
    olle.get_by_role("link", name="Compare with the version before").click()
    expect(olle.get_by_role("heading", level=1)).to_have_text("Version 2 compared with Version 1")
    assert f"b={new_version}" in olle.url
    olle.wait_for_selector("#compare[data-diff-ready='true']")
    for side in "ab":
        expect(olle.locator(f"#compare [data-side='{side}'] .djs-element.diff-changed"
                            f"[data-element-id='{STEP}']")).to_have_count(1)
    changed = olle.locator(f"[data-changed] li[data-element='{STEP}']")
    expect(changed).to_contain_text(OLD_NAME)
    expect(changed).to_contain_text(NEW_NAME)
    field = olle.locator("li[data-field='manager_decision']")
    expect(field).to_contain_text(OLD_TITLE)
    expect(field).to_contain_text(NEW_TITLE)
    olle.screenshot(path=str(SHOTS / "journey-diff.png"), full_page=True)

    # --- A new request runs on version 2; the older one stays on version 1 ----------------------
    sara = people.sign_in("staff")
    sara.get_by_role("navigation", name="Main").get_by_role("link", name="Start a request").click()
    sara.get_by_role("button", name="Start the request").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Confirm the social media guidelines")
    for box in ("I have read KI's guidelines for social media",
                "I understand that the account falls under KI's responsibility",
                "The account will be kept under supervision",
                "The account will have a clear sender"):
        sara.get_by_label(box).check()
    sara.get_by_role("button", name="Submit", exact=True).click()
    expect(sara.get_by_role("heading", level=1)).to_have_text(
        "'Confirm the social media guidelines' is done")
    sara.get_by_role("link", name="See the request").click()
    new_request = sara.url.rstrip("/").rsplit("/", 1)[-1]
    assert new_request != old_request
    sara.get_by_role("link", name="Step through the history").click()
    expect(sara.locator(".version-line")).to_contain_text(f"Process version 2 of {PROCESS}")

    alva = people.sign_in("auditor")
    assert f"Process version 1 of {PROCESS}" in version_line(alva, old_request)
    maja = people.sign_in("manager")
    waiting = maja.get_by_role("row").filter(has=maja.get_by_role("link", name=OLD_NAME,
                                                                   exact=True))
    expect(waiting).to_have_count(1)  # the older request still asks in version 1's words

    # --- Olle moves the older request; Alva's record check finds it sound -----------------------
    olle.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    olle.get_by_role("link", name=PROCESS_NAME).click()
    olle.get_by_role("link", name="Move running requests to version 2").click()
    assert olle.url.endswith(f"/processes/{PROCESS}/moves?to={new_version}")
    expect(olle.get_by_role("heading", level=1)).to_have_text(
        "Move running requests to version 2")
    candidate = olle.locator("tbody tr").filter(
        has=olle.locator(f"input[name=instance_id][value='{old_request}']"))
    expect(candidate).to_have_count(1)
    expect(candidate.get_by_role("cell").nth(1)).to_have_text("1")
    expect(candidate.get_by_role("cell").nth(3)).to_have_text("Yes")
    expect(candidate.locator(".move-mapping")).to_contain_text(f"{OLD_NAME} → {NEW_NAME}")
    shot(olle, "owner-moves-preview")
    candidate.get_by_label("Reason").fill(MOVE_REASON)
    candidate.get_by_role("button", name="Move this request").click()
    expect(olle.get_by_text(
        "The request was moved; its history records the move and your reason.")).to_be_visible()
    expect(olle.locator(f"input[name=instance_id][value='{old_request}']")).to_have_count(0)

    assert f"Process version 2 of {PROCESS}" in version_line(alva, old_request)
    expect(alva.locator(".step-now h2")).to_contain_text(
        f"Olle Process Owner moved the request from version 1 to version 2. "
        f"Reason: {MOVE_REASON}")
    maja.goto("/inbox")
    moved = maja.get_by_role("row").filter(has=maja.get_by_role("link", name=NEW_NAME,
                                                                 exact=True))
    expect(moved).to_have_count(1)  # the same task, now in version 2's words
    alva.goto(f"/requests/{old_request}/check")
    expect(alva.get_by_role("heading", level=2, name="The record is sound")).to_be_visible()
    shot(alva, "auditor-check-after-move")
    problems.assert_none()
