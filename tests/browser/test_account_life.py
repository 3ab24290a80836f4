"""An account's life in Chromium, as the demo rehearses it: registered, a year on, reviewed.

Sara's account is registered. In the demo the admin moves the clock a year forward and the
worker's tick makes the review due. Sara's review fails: "keep" is refused while the moderator
list is not right, and her new list is refused while it names one person twice. She updates the
moderators. The account page then shows the registration, the review and the register change,
and the register's CSV opens with the columns a spreadsheet set to Swedish expects.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_work_moves import (
    expect_heading,
    open_from_inbox,
    registration_form,
    start_and_send_to_manager,
    submit,
)

pytestmark = pytest.mark.browser

CSV_COLUMNS = ["Account", "Handle", "Address", "Channel", "Unit", "Type of unit", "Owner",
               "Owner email", "Moderators", "Status", "Approved by", "Registered on",
               "Next review", "Closed on", "Reviews done"]


@pytest.fixture
def server(demo_server):
    """This journey runs on the demo, whose clock an admin may move."""
    return demo_server


def manager_approves(maja: Page) -> None:
    open_from_inbox(maja, "Approve the account")
    maja.get_by_role("group", name="Decision").get_by_label("Approve").check()
    submit(maja)
    expect_heading(maja, "'Approve the account' is done")


def comms_registers(cecilia: Page, server) -> None:
    open_from_inbox(cecilia, "Register the account")
    cecilia.get_by_role("group", name="Decision").get_by_label("Register").check()
    cecilia.get_by_label("Registered handle").fill("@kipainlab")
    cecilia.get_by_label("Registered address").fill("https://www.linkedin.com/company/kipainlab")
    cecilia.get_by_label("Registered on").fill(server.clock.now().date().isoformat())
    submit(cecilia)
    expect_heading(cecilia, "'Register the account' is done")


def move_the_demo_clock_a_year(admin: Page, server, shot) -> None:
    """The admin moves the demo's clock 366 days; the worker's next tick fires what fell due."""
    admin.goto("/admin/")
    admin.get_by_role("link", name=re.compile("clock", re.I)).first.click()
    admin.get_by_label("Days forward").fill("366")
    admin.get_by_label("Reason").fill("Rehearse the yearly review")
    admin.get_by_role("button", name="Move the clock forward").click()
    expect(admin.locator("body")).to_contain_text("366 days ahead")
    shot(admin, "life-demo-clock-moved")
    assert server.engine.fire_due_timers().fired == 1  # what the timer worker does


def review_fails_then_updates(sara: Page, shot) -> None:
    """Keep is refused while a check fails; the new list is held to the moderation rules."""
    open_from_inbox(sara, "Review the account")
    sara.get_by_label("The account is still watched every day, also during holidays").check()
    sara.get_by_label("The account's purpose still holds").check()
    decision = sara.get_by_role("group", name="Decision")
    decision.get_by_label("Keep the account", exact=True).check()
    submit(sara)
    expect(sara.locator(".error-summary")).to_be_visible()
    expect(sara.locator("main")).to_contain_text("Keep the account only when this holds")
    shot(sara, "life-review-keep-refused")

    sara.get_by_role("group", name="Decision").get_by_label(
        "Update the register and keep the account").check()
    second = sara.get_by_role("group", name="Moderator 2", exact=True)
    expect(second.get_by_label("Email")).to_have_value("bo@example.ki.se")
    second.get_by_label("Name").fill("Sara Staff")  # the same person as the first row
    second.get_by_label("Email").fill("staff@example.ki.se")
    sara.get_by_label("Comment").fill("Bo left the lab; Carl moderates now.")
    submit(sara)
    expect(sara.locator("main")).to_contain_text("This is the same person as moderator 1")
    shot(sara, "life-review-same-person-refused")

    second = sara.get_by_role("group", name="Moderator 2", exact=True)
    second.get_by_label("Name").fill("Carl Communications")
    second.get_by_label("Email").fill("comms2@example.ki.se")
    expect(sara.get_by_label("Comment")).to_have_value("Bo left the lab; Carl moderates now.")
    submit(sara)
    expect_heading(sara, "'Review the account' is done")


def account_page_shows_its_life(sara: Page, shot) -> None:
    """From My accounts to the account's page: the registration, the review and the change."""
    sara.goto("/me/accounts")
    sara.get_by_role("link", name="KI Pain Lab").click()
    expect_heading(sara, "KI Pain Lab on LinkedIn")
    entry = sara.get_by_role("region", name="In the register")
    expect(entry).to_contain_text("Carl Communications")
    expect(entry).not_to_contain_text("Bo Berg")
    reviews = sara.locator(".account-cycles")
    expect(reviews).to_contain_text("Review 2027 of KI Pain Lab on LinkedIn")
    expect(reviews).to_contain_text("Review 2028 of KI Pain Lab on LinkedIn")
    life = sara.locator(".account-life")
    expect(life).to_contain_text("Cecilia Communications registered")
    expect(life).to_contain_text("Sara Staff changed the entry in a review")
    change = life.locator("table.changes")
    expect(change).to_contain_text("Bo Berg")
    expect(change).to_contain_text("Carl Communications")
    expect(life).to_contain_text("Bo left the lab; Carl moderates now.")
    shot(sara, "life-account-page")


def csv_has_the_register_columns(cecilia: Page) -> None:
    cecilia.goto("/register/")
    with cecilia.expect_download() as download:
        cecilia.get_by_role("link", name="Export as CSV").click()
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheet software reads UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == CSV_COLUMNS
    [row] = rows[1:]
    record = dict(zip(rows[0], row, strict=True))
    assert (record["Account"], record["Handle"], record["Channel"]) == (
        "KI Pain Lab", "@kipainlab", "LinkedIn")
    assert "Carl Communications" in record["Moderators"]
    assert (record["Status"], record["Approved by"], record["Reviews done"]) == (
        "Active", "Maja Manager", "1")


def test_an_account_is_registered_reviewed_a_year_on_and_its_life_is_on_its_page(
        people, server, shot, problems):
    sara = people.sign_in("staff")
    start_and_send_to_manager(sara, shot)
    manager_approves(people.sign_in("manager"))
    registration_form(sara)
    cecilia = people.sign_in("comms1")
    comms_registers(cecilia, server)

    move_the_demo_clock_a_year(people.sign_in("admin"), server, shot)
    review_fails_then_updates(sara, shot)
    account_page_shows_its_life(sara, shot)
    csv_has_the_register_columns(cecilia)
    problems.assert_none()
