"""Small screens and keyboards: no sideways scrolling on a phone, and a working skip link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

MIN_TARGET = 24  # px, WCAG 2.2 target size (minimum)


def expect_no_sideways_scroll(page: Page) -> None:
    """The page fits the viewport's width: nothing sticks out to the right."""
    page.wait_for_load_state()
    widths = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        wide: [...document.querySelectorAll("body *")]
          .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                        && !el.closest(".table-wrap, .visually-hidden, template"))
          .slice(0, 5).map(el => el.tagName.toLowerCase() + "." + el.className)
    })""")
    assert widths["scroll"] <= widths["client"], (
        f"{page.url} scrolls sideways: {widths['scroll']}px wide in {widths['client']}px; "
        f"wide elements: {widths['wide']}")


def expect_usable_nav(page: Page, links: list[str]) -> None:
    """Every main navigation link is on screen, big enough to tap, and not covered."""
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Main")
    for name in links:
        link = nav.get_by_role("link", name=re.compile(f"^{name}"))
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, (name, box)
        # The link itself is what a tap at its centre hits (nothing overlaps it).
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.textContent.trim()",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit is not None and hit.startswith(name), (name, hit)


def test_phone_inbox_and_task_pages_fit_the_screen(people, shot, problems):
    """At 390x844 with touch: no sideways scrolling, and the top bar's links can be tapped."""
    sara = people.sign_in("staff", phone=True)
    expect_no_sideways_scroll(sara)
    expect_usable_nav(sara, ["Inbox", "My requests", "Start a request"])
    expect(sara.get_by_role("button", name="Sign out")).to_be_visible()
    shot(sara, "phone-inbox-empty")

    # The nav works by tapping: start a request from it.
    sara.get_by_role("navigation", name="Main").get_by_role("link", name="Start a request").tap()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Open a social media account")
    expect_no_sideways_scroll(sara)
    sara.get_by_role("button", name="Start the request").tap()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Confirm the social media guidelines")
    expect_no_sideways_scroll(sara)
    shot(sara, "phone-task-guidelines")

    # The inbox with a task in it (the table scrolls inside its own box if it must).
    sara.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox")) \
        .tap()
    expect(sara.get_by_role("link", name="Confirm the social media guidelines")).to_be_visible()
    expect_no_sideways_scroll(sara)
    shot(sara, "phone-inbox-with-task")
    sara.get_by_role("link", name="Confirm the social media guidelines").tap()
    checkboxes = sara.get_by_role("checkbox")
    expect(checkboxes).to_have_count(4)
    for box in checkboxes.all():
        box.check()
    sara.get_by_role("button", name="Submit", exact=True).tap()
    sara.get_by_role("link", name="Continue with the next step").tap()

    # A long form with a list box, radios and repeating rows.
    expect(sara.get_by_role("heading", level=1)).to_have_text("Describe the account")
    sara.get_by_role("button", name="Add another target audience").tap()
    expect(sara.get_by_label("Target audience 2")).to_be_focused()
    expect_no_sideways_scroll(sara)
    shot(sara, "phone-task-describe")
    problems.assert_none()


def test_the_skip_link_comes_first_and_moves_focus_to_main(people, shot, problems):
    """Signed out (login page) and signed in (inbox): the first Tab is the skip link."""
    for who in (None, "staff"):
        page = people.sign_in(who) if who else people.open()
        if who is None:
            page.goto("/login")
        skip = page.get_by_role("link", name="Skip to main content")
        hidden = skip.bounding_box()
        assert hidden is not None and hidden["y"] + hidden["height"] <= 0, "off screen at rest"
        page.keyboard.press("Tab")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box is not None and box["y"] >= 0, "the focused skip link must be on screen"
        shot(page, f"skip-link-{who or 'signed-out'}")
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab goes into the main content, not back to the top bar.
        page.keyboard.press("Tab")
        inside_main = page.evaluate("() => !!document.activeElement.closest('main')")
        assert inside_main, page.evaluate("() => document.activeElement.outerHTML")
    problems.assert_none()
