"""A process owner dry-runs a rejection path and compares two versions, in Chromium.

The dry run goes through the page's own forms; the comparison is between the deployed procedure
and a changed copy (a renamed step, a changed form field title) deployed like any version.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine.store import Event, Instance, OutboxMessage

pytestmark = pytest.mark.browser

GUIDELINES = {"read_guidelines": True, "accepts_authority_responsibility": True,
              "keeps_account_under_supervision": True, "uses_clear_sender": True}
ACCOUNT = {"channel": "Instagram", "account_name": "KI Neuro Lab",
           "owning_unit_type": "Research group", "owning_unit": "Neuro lab",
           "purpose": "Share our research with the public and students",
           "goals": "More reach and engagement", "needs": "Outreach to the public",
           "target_audiences-0": "Students"}
MODERATION = {"moderators-0-name": "Sara Staff", "moderators-0-email": "sara@example.ki.se",
              "moderators-0-covers_holidays": True, "moderators-1-name": "Bo Berg",
              "moderators-1-email": "bo@example.ki.se",
              "holiday_plan": "Bo covers July, Sara covers December and Easter",
              "daily_moderation_confirmed": True}
REJECT = {"manager_decision": "reject", "rejection_reason": "Name the second moderator's unit."}


def fill(page: Page, answers: dict) -> None:
    """Fill the dry-run form by its inputs' names, as a person would with the mouse."""
    form = page.locator("form[data-trial-form]")
    for name, value in answers.items():
        inputs = form.locator(f'[name="{name}"]')
        kind = inputs.first.get_attribute("type")
        tag = inputs.first.evaluate("node => node.tagName")
        if kind == "checkbox":
            inputs.first.check() if value else inputs.first.uncheck()
        elif kind == "radio":
            form.locator(f'[name="{name}"][value="{value}"]').check()
        elif tag == "SELECT":
            inputs.first.select_option(str(value))
        else:
            inputs.first.fill(str(value))
    form.get_by_role("button", name="Answer and go on").click()
    page.wait_for_load_state()


def counts(engine) -> tuple[int, int, int]:
    with engine.uow.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(t))
                     for t in (Instance, Event, OutboxMessage))


def marked(page: Page, marker: str) -> list[str]:
    """The ids of the diagram elements the viewer drew with a marker class."""
    return page.eval_on_selector_all(
        f"#diagram .djs-element.{marker}, #compare .djs-element.{marker}",
        "nodes => nodes.map(n => n.getAttribute('data-element-id'))")


def test_an_owner_dry_runs_a_rejection_and_sees_the_path(people, server, shot, problems):
    engine = server.engine
    version_id = engine.catalog.current("social_media_account")[0]
    before = counts(engine)
    owner = people.sign_in("owner")
    owner.goto(f"/processes/social_media_account/versions/{version_id}/try")
    expect(owner.get_by_text("Nothing is saved.").first).to_be_visible()
    expect(owner.locator("form[data-trial-form] h2")).to_have_text(
        "Confirm the social media guidelines")
    fill(owner, GUIDELINES)
    expect(owner.locator("form[data-trial-form] h2")).to_have_text("Describe the account")
    fill(owner, ACCOUNT)
    fill(owner, MODERATION)
    expect(owner.locator("form[data-trial-form] h2")).to_have_text("Approve the account")
    fill(owner, REJECT)
    # Sent back: the description is asked again, and the diagram shows how it got there.
    expect(owner.locator("form[data-trial-form] h2")).to_have_text("Describe the account")
    expect(owner.locator('[name="account_name"]')).to_have_value("KI Neuro Lab")
    owner.wait_for_selector("#diagram .djs-element.step-current")
    # The description was passed once and waits again: it is drawn as waiting.
    assert set(marked(owner, "step-done")) == {
        "request_started", "confirm_guidelines", "plan_moderation", "manager_approval",
        "manager_decided"}
    assert marked(owner, "step-current") == ["define_account"]
    assert "flow_rejected_to_define_account" in marked(owner, "flow-taken")
    assert "flow_approved_to_registration_form" not in marked(owner, "flow-taken")
    expect(owner.locator("[data-path] li")).to_have_count(7)
    shot(owner, "dry-run-rejection")
    assert counts(engine) == before  # no request, no event, no message
    problems.assert_none()


def deploy_changed(engine) -> tuple[int, int]:
    old_id, old = engine.catalog.current("social_media_account")
    forms = copy.deepcopy(old.source.forms)
    forms["define_account.json"]["properties"]["account_name"]["title"] = "Name of the account"
    xml = old.source.bpmn_xml.replace('name="Plan daily moderation"',
                                      'name="Plan the daily moderation"')
    new = engine.catalog.deploy(replace(old.source, bpmn_xml=xml, forms=forms))
    return old_id, new.version_id


def test_the_compare_page_colours_and_lists_a_renamed_step(people, server, shot, problems):
    a, b = deploy_changed(server.engine)
    auditor = people.sign_in("auditor", viewport={"width": 1400, "height": 900})
    auditor.goto(f"/processes/social_media_account/compare?a={a}&b={b}")
    auditor.wait_for_selector("#compare[data-diff-ready='true']")
    assert "plan_moderation" in marked(auditor, "diff-changed")
    assert auditor.locator("#compare [data-side='b'] .djs-element.diff-changed"
                           "[data-element-id='plan_moderation']").count() == 1
    changed = auditor.locator("[data-changed] li[data-element='plan_moderation']")
    expect(changed).to_contain_text("Plan the daily moderation")
    expect(changed).to_contain_text("Plan daily moderation")
    field = auditor.locator("li[data-field='account_name']")
    expect(field).to_contain_text("Name of the account")
    expect(auditor.get_by_text("Changed: amber, on both")).to_be_visible()
    shot(auditor, "compare")  # docs/screenshots/diff.png is this page
    problems.assert_none()
    assert re.search(r"/compare\?a=\d+&b=\d+$", auditor.url)
