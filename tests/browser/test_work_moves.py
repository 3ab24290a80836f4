"""Work moving between people, in Chromium, through the UI only.

Sara saves a draft and comes back to it; her manager Maja is on holiday and Dan, her substitute,
approves; Cecilia in communications claims the registration, asks a question in the request's
conversation, Sara answers there, and Cecilia registers. The outbox is then delivered as the
worker does, and each person's mail in the demo mailbox links to a page that works for them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REQUEST = "KI Pain Lab on LinkedIn"
PURPOSE = "Tell clinicians about the lab's pain research"
QUESTION = "Which unit will pay for the advertising you mention?"
ANSWER = "The Pain Lab's own budget; our head of unit agreed."


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit", exact=True).click()


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def open_from_inbox(page: Page, task: str) -> None:
    """Open the one task of that name in the person's inbox."""
    page.goto("/inbox")
    page.get_by_role("row").filter(has=page.get_by_role("link", name=task, exact=True)) \
        .get_by_role("link", name=task, exact=True).click()
    expect_heading(page, task)


def go_on_holiday(maja: Page, server) -> None:
    """Maja names Dan as her substitute for two weeks from today."""
    today = server.clock.now().date()
    maja.goto("/me/cover")
    maja.get_by_role("textbox", name="Substitute username").fill("director")
    maja.get_by_label("First day").fill(today.isoformat())
    maja.get_by_label("Last day").fill((today + timedelta(days=14)).isoformat())
    maja.get_by_role("button", name="Name the substitute").click()
    expect(maja.get_by_role("row").filter(has_text="Dan Director")).to_have_count(1)


def describe_with_a_draft(sara: Page, shot) -> None:
    """Sara types half the description, saves a draft, leaves, and finds it again."""
    open_from_inbox(sara, "Describe the account")
    sara.get_by_label("Channel").select_option("LinkedIn")
    sara.get_by_label("Proposed account name or handle").fill("KI Pain Lab")
    sara.get_by_label("Purpose").fill(PURPOSE)
    sara.get_by_role("button", name="Save draft").click()
    expect(sara.locator("#draft-saved")).to_contain_text("Draft saved at")
    shot(sara, "moves-draft-saved")
    sara.goto("/inbox")
    open_from_inbox(sara, "Describe the account")
    expect(sara.get_by_label("Proposed account name or handle")).to_have_value("KI Pain Lab")
    expect(sara.get_by_label("Purpose")).to_have_value(PURPOSE)
    sara.get_by_role("group", name="Type of unit").get_by_label("Research group").check()
    sara.get_by_role("textbox", name="Unit", exact=True).fill("Pain lab")
    sara.get_by_label("Goals").fill("Reach clinicians")
    sara.get_by_label("Needs").fill("Outreach to clinicians")
    sara.get_by_label("Target audience 1").fill("Clinicians")
    submit(sara)
    expect_heading(sara, "'Describe the account' is done")


def start_and_send_to_manager(sara: Page, shot) -> None:
    """Sara starts a request and fills in every requester step."""
    sara.goto("/requests/new")
    sara.get_by_role("button", name="Start the request").click()
    for box in ("I have read KI's guidelines for social media",
                "I understand that the account falls under KI's responsibility",
                "The account will be kept under supervision",
                "The account will have a clear sender"):
        sara.get_by_label(box).check()
    submit(sara)
    describe_with_a_draft(sara, shot)
    open_from_inbox(sara, "Plan daily moderation")
    for number, (name, email) in enumerate((("Sara Staff", "staff@example.ki.se"),
                                            ("Bo Berg", "bo@example.ki.se")), start=1):
        row = sara.get_by_role("group", name=f"Moderator {number}", exact=True)
        row.get_by_label("Name").fill(name)
        row.get_by_label("Email").fill(email)
    first = sara.get_by_role("group", name="Moderator 1", exact=True)
    first.get_by_label("Covers holidays").check()
    sara.get_by_label("Moderation during holidays").fill("Bo covers the summer")
    sara.get_by_label("The account will be watched every day, also during holidays").check()
    submit(sara)
    send_from_answers_page(sara)


def send_from_answers_page(sara: Page) -> None:
    """The check-your-answers page lists every step; Sara sends them to her manager."""
    expect_heading(sara, "Check your answers")
    expect(sara.locator("main")).to_contain_text(PURPOSE)
    sara.get_by_role("button", name="Send to manager").click()
    expect_heading(sara, "'Plan daily moderation' is done")


def substitute_approves(dan: Page, shot) -> None:
    """Dan, on the approval his mail linked to, approves it for Maja."""
    expect_heading(dan, "Approve the account")
    expect(dan.locator("details.earlier")).to_contain_text(PURPOSE)
    dan.get_by_role("group", name="Decision").get_by_label("Approve").check()
    shot(dan, "moves-substitute-approves")
    submit(dan)
    expect_heading(dan, "'Approve the account' is done")


def registration_form(sara: Page) -> None:
    open_from_inbox(sara, "Register with the communications department")
    sara.get_by_label("Contact email").fill("pain@example.ki.se")
    sara.get_by_label("Planned start").fill("2026-02-01")
    submit(sara)
    expect_heading(sara, "'Register with the communications department' is done")


def claim_and_ask(cecilia: Page, colleague: Page, shot) -> str:
    """Cecilia claims the task; her colleague sees it is hers; she asks in the conversation."""
    expect_heading(cecilia, "Register the account")
    task_url = cecilia.url
    expect(cecilia.get_by_role("heading", name="Nobody is working on this yet")).to_be_visible()
    cecilia.get_by_role("button", name="Claim").click()
    expect(cecilia.get_by_role("heading", name="You are working on this")).to_be_visible()
    colleague.goto(task_url)
    expect(colleague.get_by_role("heading", name="Cecilia Communications is working on this")) \
        .to_be_visible()
    expect(colleague.get_by_role("button", name="Submit", exact=True)).to_have_count(0)
    shot(colleague, "moves-colleague-sees-claim")
    conversation = cecilia.locator("#conversation")
    conversation.get_by_label("Add to the conversation").fill(QUESTION)
    conversation.get_by_role("button", name="Add comment").click()
    expect(cecilia.locator("#conversation")).to_contain_text(QUESTION)
    shot(cecilia, "moves-comms-asks")
    return task_url


def requester_answers(sara: Page, shot) -> None:
    """Sara reads the question on the request page her mail linked to, and answers there."""
    expect_heading(sara, REQUEST)
    conversation = sara.locator("#conversation")
    expect(conversation).to_contain_text(QUESTION)
    expect(conversation).to_contain_text("Cecilia Communications")
    conversation.get_by_label("Add to the conversation").fill(ANSWER)
    conversation.get_by_role("button", name="Add comment").click()
    expect(sara.locator("#conversation")).to_contain_text(ANSWER)
    shot(sara, "moves-requester-answers")


def comms_registers(cecilia: Page, task_url: str, server) -> None:
    cecilia.goto(task_url)
    expect(cecilia.locator("#conversation")).to_contain_text(ANSWER)
    cecilia.get_by_role("group", name="Decision").get_by_label("Register").check()
    cecilia.get_by_label("Registered handle").fill("@kipainlab")
    cecilia.get_by_label("Registered address").fill("https://linkedin.com/company/kipainlab")
    cecilia.get_by_label("Registered on").fill(server.clock.now().date().isoformat())
    submit(cecilia)
    expect_heading(cecilia, "'Register the account' is done")


def follow_mail(server, admin: Page, person: Page, address: str, subject: str) -> None:
    """The worker delivers; the admin finds the person's newest mail of that subject in the
    demo mailbox, and the person follows its link in their own browser."""
    server.engine.deliver_outbox(server.engine.delivery_port(), "browser-test")
    admin.goto("/admin/mail")
    row = admin.get_by_role("row").filter(has_text=address).filter(
        has=admin.get_by_role("link", name=re.compile(re.escape(subject)))).first
    row.get_by_role("link", name=re.compile(re.escape(subject))).click()
    expect(admin.locator("main")).to_contain_text(f"To: {address}")
    href = admin.locator(".mail-body a").first.get_attribute("href")
    base = server.engine.settings.base_url.rstrip("/")
    assert href and href.startswith(base + "/"), href  # an absolute link to the service
    target = urlparse(href)
    response = person.goto(target.path + (f"#{target.fragment}" if target.fragment else ""))
    assert response is not None and response.status == 200, (address, href)


def test_work_moves_between_people_and_each_mail_links_to_their_page(people, server, shot,
                                                                      problems):
    admin = people.sign_in("admin")
    maja = people.sign_in("manager")
    go_on_holiday(maja, server)
    sara = people.sign_in("staff")
    start_and_send_to_manager(sara, shot)
    expect(sara.locator(".next-steps")).to_contain_text("Dan Director, covering for Maja Manager")

    dan = people.sign_in("director")
    follow_mail(server, admin, dan, "director@example.ki.se", "Approve the account")
    substitute_approves(dan, shot)
    maja.goto("/inbox")
    expect(maja.get_by_role("heading", name="Nothing is waiting for you")).to_be_visible()

    registration_form(sara)
    cecilia = people.sign_in("comms1")
    colleague = people.sign_in("comms2")
    follow_mail(server, admin, cecilia, "comms1@example.ki.se", "Register the account")
    task_url = claim_and_ask(cecilia, colleague, shot)
    follow_mail(server, admin, sara, "staff@example.ki.se", "New comment")
    requester_answers(sara, shot)
    comms_registers(cecilia, task_url, server)
    follow_mail(server, admin, sara, "staff@example.ki.se", "Registered:")
    expect(sara.get_by_text("The request is complete.")).to_be_visible()

    # The history names who approved for whom, and keeps the conversation's round trip.
    sara.get_by_role("link", name=re.compile("history", re.I)).first.click()
    history = sara.locator("main")
    expect(history).to_contain_text("Dan Director for Maja Manager")
    expect(history).to_contain_text(QUESTION)
    shot(sara, "moves-history")
    admin.goto("/admin/mail")
    shot(admin, "moves-mailbox")
    problems.assert_none()
