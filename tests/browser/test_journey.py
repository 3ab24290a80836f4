"""The journey a real team takes, in Chromium, through the UI only.

Sara Staff asks for an account, her manager Maja sends it back once and then approves it,
Cecilia in communications registers it, and a year later Sara keeps it at the periodic review.
Every person has their own browser context (their own session), every page is photographed
into test-output/browser/, and any console error or CSP violation fails the test.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PURPOSE = "Share our research with the public and students"
REVISED_PURPOSE = ("Share the lab's research on synapses with the public, prospective students "
                   "and funders")
REASON = "Please name the funders among the target audiences and say so in the purpose."
REQUEST = "KI Neuro Lab on Instagram"
HOLIDAY_PLAN = "Bo covers July, Sara covers December and Easter"


def one_year_after(day: date) -> date:
    """The same day a year on (the review interval is twelve months)."""
    return day.replace(year=day.year + 1)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit", exact=True).click()


def expect_done(page: Page, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"'{title}' is done")


def expect_next(page: Page, step: str, who: str) -> None:
    """The done page names the next step and who it waits on."""
    expect(page.locator(".next-steps li")).to_have_text(f"{step} — waiting on {who}")


def open_task_from_inbox(page: Page, task: str, request: str, requester: str) -> None:
    """Find the task's row in the inbox (task, request, requester) and open the task."""
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=task, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(1)).to_have_text(request)
    expect(row.get_by_role("cell").nth(2)).to_have_text(requester)
    row.get_by_role("link", name=task, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task)


def test_a_team_opens_an_account_and_keeps_it_a_year_later(people, server, shot, problems):
    # --- Sara signs in and starts a request ---------------------------------------------------
    sara = people.open("staff")
    sara.goto("/")
    expect(sara).to_have_url(re.compile(r"/login$"))
    expect(sara.get_by_role("heading", level=1)).to_have_text("Sign in")
    shot(sara, "login")
    people.sign_in("staff", page=sara)
    expect(sara.get_by_role("heading", level=1)).to_have_text("Inbox")
    expect(sara.get_by_role("heading", name="Nothing is waiting for you")).to_be_visible()
    shot(sara, "staff-inbox-empty")
    main_nav(sara).get_by_role("link", name="Start a request").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Open a social media account")
    shot(sara, "staff-start")
    sara.get_by_role("button", name="Start the request").click()

    # Step 1: the guidelines.
    expect(sara.get_by_role("heading", level=1)).to_have_text("Confirm the social media guidelines")
    for box in ("I have read KI's guidelines for social media",
                "I understand that the account falls under KI's responsibility",
                "The account will be kept under supervision",
                "The account will have a clear sender"):
        sara.get_by_label(box).check()
    shot(sara, "staff-guidelines")
    submit(sara)
    expect_done(sara, "Confirm the social media guidelines")
    expect_next(sara, "Describe the account", "you")
    shot(sara, "staff-guidelines-done")
    sara.get_by_role("link", name="Continue with the next step").click()

    # Step 2: the account.
    expect(sara.get_by_role("heading", level=1)).to_have_text("Describe the account")
    sara.get_by_label("Channel").select_option("Instagram")
    sara.get_by_label("Proposed account name or handle").fill("KI Neuro Lab")
    sara.get_by_role("group", name="Type of unit").get_by_label("Research group").check()
    sara.get_by_role("textbox", name="Unit", exact=True).fill("Neuro lab")
    sara.get_by_label("Purpose").fill(PURPOSE)
    sara.get_by_label("Goals").fill("More reach and engagement")
    sara.get_by_label("Needs").fill("Outreach to the public")
    sara.get_by_label("Target audience 1").fill("Students")
    sara.get_by_role("button", name="Add another target audience").click()
    second = sara.get_by_label("Target audience 2")
    expect(second).to_be_focused()  # the script moves focus into the new row
    second.fill("Researchers")
    shot(sara, "staff-describe")
    submit(sara)
    expect_done(sara, "Describe the account")
    sara.get_by_role("link", name="Continue with the next step").click()

    # Step 3: moderation. The form starts with the two rows the minimum asks for; Sara fills
    # in herself, removes the empty second row, and adds Bo with "Add another moderator".
    expect(sara.get_by_role("heading", level=1)).to_have_text("Plan daily moderation")
    first = sara.get_by_role("group", name="Moderator 1", exact=True)
    first.get_by_label("Name").fill("Sara Staff")
    first.get_by_label("Email").fill("sara@example.ki.se")
    first.get_by_label("Covers holidays").check()
    sara.get_by_role("button", name="Remove moderator 2").click()
    expect(sara.get_by_role("group", name="Moderator 2", exact=True)).to_have_count(0)
    sara.get_by_role("button", name="Add another moderator").click()
    bo = sara.get_by_role("group", name="Moderator 2", exact=True)
    expect(bo.get_by_label("Name")).to_be_focused()
    bo.get_by_label("Name").fill("Bo Berg")
    bo.get_by_label("Email").fill("bo@example.ki.se")
    sara.get_by_label("Moderation during holidays").fill(HOLIDAY_PLAN)
    sara.get_by_label("The account will be watched every day, also during holidays").check()
    shot(sara, "staff-moderation")
    submit(sara)
    # Nothing goes to the manager before Sara has seen every answer on one page.
    expect(sara.get_by_role("heading", level=1)).to_have_text("Check your answers")
    for step in ("Confirm the social media guidelines", "Describe the account",
                 "Plan daily moderation"):
        expect(sara.get_by_role("heading", level=2, name=step)).to_be_visible()
    expect(sara.locator("main")).to_contain_text("Bo Berg")
    shot(sara, "staff-check-answers")
    sara.get_by_role("button", name="Send to manager").click()
    expect_done(sara, "Plan daily moderation")
    expect_next(sara, "Approve the account", "Maja Manager")
    expect(sara.get_by_role("link", name="Continue with the next step")).to_have_count(0)
    shot(sara, "staff-moderation-done")

    # The request page: where it stands, and the progress diagram drawn by bpmn-js.
    sara.get_by_role("link", name="See the request").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text(REQUEST)
    expect(sara.locator(".open-tasks")).to_contain_text("Approve the account")
    expect(sara.locator(".open-tasks")).to_contain_text("waiting on: Maja Manager")
    expect_diagram(sara, done=("confirm_guidelines", "define_account", "plan_moderation"),
                   current="manager_approval")
    shot(sara, "staff-request-waiting-on-manager")

    # --- Maja, the manager, rejects without a reason, then with one ---------------------------
    maja = people.sign_in("manager")
    expect(main_nav(maja).get_by_role("link", name=re.compile("Inbox"))).to_contain_text("1")
    shot(maja, "manager-inbox")
    open_task_from_inbox(maja, "Approve the account", REQUEST, "Sara Staff")
    expect(maja.get_by_text("Requester: Sara Staff")).to_be_visible()
    so_far = maja.locator("details.earlier")
    expect(so_far).to_have_attribute("open", "")  # a decider sees everything, unfolded
    for answer in (PURPOSE, "More reach and engagement", "Outreach to the public", "Students",
                   "Researchers", "Sara Staff", "bo@example.ki.se", HOLIDAY_PLAN):
        expect(so_far).to_contain_text(answer)
    shot(maja, "manager-approval")

    decision = maja.get_by_role("group", name="Decision")
    decision.get_by_label("Reject").check()
    submit(maja)
    summary = maja.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem: nothing was saved yet")
    expect(summary.get_by_role("link", name=re.compile("Reason for rejection"))).to_be_visible()
    expect(summary).to_be_focused()  # read out first
    reason = maja.get_by_label("Reason for rejection")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(maja.locator("#f-rejection_reason-error")).to_be_visible()
    expect(decision.get_by_label("Reject")).to_be_checked()  # the choice is kept
    expect(maja).to_have_title(re.compile(r"^Error: Approve the account"))
    shot(maja, "manager-reject-without-reason")
    summary.get_by_role("link", name=re.compile("Reason for rejection")).click()
    expect(reason).to_be_focused()
    reason.fill(REASON)
    submit(maja)
    expect_done(maja, "Approve the account")
    expect_next(maja, "Describe the account", "Sara Staff")
    shot(maja, "manager-rejected")

    # --- Sara revises the description and resubmits both steps --------------------------------
    sara.goto("/inbox")
    open_task_from_inbox(sara, "Describe the account", REQUEST, "Sara Staff")
    sent_back = sara.get_by_role("region", name="Sent back to you from 'Approve the account'")
    expect(sent_back).to_contain_text(REASON)
    expect(sara.get_by_label("Proposed account name or handle")).to_have_value("KI Neuro Lab")
    expect(sara.get_by_label("Purpose")).to_have_value(PURPOSE)
    sara.get_by_label("Purpose").fill(REVISED_PURPOSE)
    sara.get_by_role("button", name="Add another target audience").click()
    sara.get_by_label("Target audience 3").fill("Funders")
    shot(sara, "staff-revise")
    submit(sara)
    expect_done(sara, "Describe the account")
    sara.get_by_role("link", name="Continue with the next step").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Plan daily moderation")
    expect(sara.get_by_role("group", name="Moderator 2", exact=True).get_by_label("Name")) \
        .to_have_value("Bo Berg")
    expect(sara.get_by_label("Moderation during holidays")).to_have_value(HOLIDAY_PLAN)
    shot(sara, "staff-moderation-again")
    submit(sara)
    expect(sara.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(sara.locator("main")).to_contain_text(REVISED_PURPOSE)
    sara.get_by_role("button", name="Send to manager").click()
    expect_done(sara, "Plan daily moderation")

    # --- Maja approves ----------------------------------------------------------------------
    maja.goto("/inbox")
    open_task_from_inbox(maja, "Approve the account", REQUEST, "Sara Staff")
    expect(maja.locator("details.earlier")).to_contain_text(REVISED_PURPOSE)
    expect(maja.locator("details.earlier")).to_contain_text("Funders")
    maja.get_by_role("group", name="Decision").get_by_label("Approve").check()
    shot(maja, "manager-approval-again")
    submit(maja)
    expect_done(maja, "Approve the account")
    shot(maja, "manager-approved")

    # --- Sara fills in the communications department's form ----------------------------------
    sara.goto("/inbox")
    open_task_from_inbox(sara, "Register with the communications department",
                         REQUEST, "Sara Staff")
    sara.get_by_label("Contact email").fill("neuro@example.ki.se")
    sara.get_by_label("Planned start").fill("2026-02-01")
    sara.get_by_label("I would like advice from the communications department").check()
    shot(sara, "staff-registration")
    submit(sara)
    expect_done(sara, "Register with the communications department")
    expect_next(sara, "Register the account", "anyone in Communications department")

    # --- Cecilia in communications registers the account -------------------------------------
    cecilia = people.sign_in("comms1")
    shot(cecilia, "comms-inbox")
    open_task_from_inbox(cecilia, "Register the account", REQUEST,
                         "Sara Staff")
    expect(cecilia.locator("details.earlier")).to_contain_text("neuro@example.ki.se")
    cecilia.get_by_role("group", name="Decision").get_by_label("Register").check()
    cecilia.get_by_label("Registered handle").fill("@kineurolab")
    cecilia.get_by_label("Registered address").fill("https://instagram.com/kineurolab")
    registered_on = server.clock.now().date()
    cecilia.get_by_label("Registered on").fill(registered_on.isoformat())
    shot(cecilia, "comms-register-task")
    submit(cecilia)
    expect_done(cecilia, "Register the account")
    expect(cecilia.get_by_text("This was the last step: the request is complete.")) \
        .to_be_visible()
    shot(cecilia, "comms-registered")

    # The register: channel, handle, owner, status and the next review, twelve months on.
    main_nav(cecilia).get_by_role("link", name="Account register").click()
    first_review = one_year_after(registered_on)
    row = register_row(cecilia, "KI Neuro Lab")
    expect(row).to_contain_text("Instagram")
    expect(row.get_by_role("link", name="@kineurolab")).to_have_attribute(
        "href", "https://instagram.com/kineurolab")
    expect(row).to_contain_text("Sara Staff")
    expect(row).to_contain_text("Maja Manager")  # approved by
    expect(row.locator(".status")).to_have_text("Active")
    expect(row.locator('td[data-label="Next review"]')).to_have_text(first_review.isoformat())
    shot(cecilia, "comms-register")

    # The finished request, seen by Sara: every step done on the diagram.
    sara.goto("/requests/")
    expect(sara.get_by_role("row").filter(has_text="KI Neuro Lab")).to_contain_text("Completed")
    shot(sara, "staff-my-requests")
    sara.get_by_role("link", name=REQUEST).click()
    expect(sara.get_by_text("The request is complete.")).to_be_visible()
    expect_diagram(sara, done=("confirm_guidelines", "manager_approval", "register_account"),
                   current=None)
    shot(sara, "staff-request-complete")

    # --- Twelve months and a few days later, the timer worker fires the review ---------------
    sara.goto("/inbox")
    expect(sara.get_by_role("heading", name="Nothing is waiting for you")).to_be_visible()
    server.clock.advance(timedelta(days=370))
    assert server.engine.fire_due_timers().fired == 1  # what the timer worker does
    cecilia.reload()  # communications sees the review is due
    expect(register_row(cecilia, "KI Neuro Lab").locator(".status")).to_have_text("Review due")
    shot(cecilia, "comms-register-review-due")
    sara.reload()  # the account owner's inbox now holds the review
    expect(main_nav(sara).get_by_role("link", name=re.compile("Inbox"))).to_contain_text("1")
    shot(sara, "owner-inbox-review-due")
    open_task_from_inbox(sara, "Review the account",
                         f"Review {first_review.year} of KI Neuro Lab on Instagram",
                         "Sara Staff")
    expect(sara.get_by_role("region", name="What to do")).to_contain_text("periodic review")
    sara.get_by_label("The account is still watched every day, also during holidays").check()
    sara.get_by_label("The account's purpose still holds").check()
    sara.get_by_label("The list of moderators is still right").check()
    # The update's moderators and purpose show only when "update" is chosen, prefilled.
    update_fields = sara.locator("[data-shown-when]")
    expect(update_fields.first).to_be_hidden()
    sara.get_by_role("group", name="Decision").get_by_label(
        "Update the register and keep the account").check()
    expect(update_fields.first).to_be_visible()
    expect(sara.get_by_role("group", name="Moderators")).to_be_visible()
    expect(sara.locator("#f-moderators-1-email")).to_have_value("bo@example.ki.se")
    sara.get_by_role("group", name="Decision").get_by_label("Keep the account", exact=True).check()
    expect(update_fields.first).to_be_hidden()
    shot(sara, "owner-review")
    submit(sara)
    expect_done(sara, "Review the account")
    shot(sara, "owner-review-done")

    # The register's next review has moved a year on: a year after the one just done was due.
    cecilia.reload()
    row = register_row(cecilia, "KI Neuro Lab")
    expect(row.locator(".status")).to_have_text("Active")
    second_review = one_year_after(first_review)
    expect(row.locator('td[data-label="Next review"]')).to_have_text(second_review.isoformat())
    shot(cecilia, "comms-register-after-review")

    problems.assert_none()


def register_row(page: Page, account: str):
    """The register's row for an account (exactly one)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Account register")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=account, exact=True))
    expect(row).to_have_count(1)
    return row


def expect_diagram(page: Page, done: tuple[str, ...], current: str | None) -> None:
    """bpmn-js drew the diagram, with the app's markers on done and current steps."""
    canvas = page.locator("#diagram .diagram-canvas")
    expect(canvas.locator("svg").first).to_be_visible()
    for step in done:
        expect(canvas.locator(f'g.djs-element[data-element-id="{step}"]')) \
            .to_have_class(re.compile(r"\bstep-done\b"))
    current_steps = canvas.locator("g.djs-element.step-current")
    if current is None:
        expect(current_steps).to_have_count(0)
    else:
        expect(current_steps).to_have_count(1)
        expect(current_steps).to_have_attribute("data-element-id", current)
    expect(page.locator("#diagram.diagram-failed")).to_have_count(0)


def test_the_watch_catches_console_errors_and_csp_violations(people, problems):
    """The journey's "no problems" check is not vacuous: a blocked inline script is caught."""
    page = people.open()
    page.goto("/login")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true";
        document.body.appendChild(script);
        console.error("a deliberate console error");
    }""")
    assert page.evaluate("() => window.ranInline === undefined")  # CSP blocked it
    for _ in range(50):  # the violation event is dispatched asynchronously
        found = "\n".join(problems.all())
        if "CSP violation" in found:
            break
        page.wait_for_timeout(100)
    assert "CSP violation: script-src" in found, found
    assert "a deliberate console error" in found, found
