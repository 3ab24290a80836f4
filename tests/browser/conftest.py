"""Browser fixtures: the real app on a loopback port, Debian's Chromium, one browser per person.

The app runs in a thread of the test process with a `FixedClock` the test holds too, so a test
can move time and fire due timers itself (`server.engine.fire_due_timers()`), exactly what the
timer worker does every few seconds.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from engine import DEMO_PASSWORD, Engine, FixedClock, Settings, seed_demo
from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-gpu", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
REFUSED_FORM = re.compile(r"^Failed to load resource: the server responded with a status of 422\b")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Runs before any page script (injected through the DevTools protocol, so the page's own CSP does
# not block it): every Content-Security-Policy violation becomes a console error we collect.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
                (event.blockedURI || "inline") + " at " + event.sourceFile + ":" +
                event.lineNumber);
});
"""


@dataclass
class LiveServer:
    """The app serving on 127.0.0.1, with its engine and the clock the test shares with it."""

    url: str
    app: Flask
    engine: Engine
    clock: FixedClock


@dataclass
class Problems:
    """Console errors, uncaught page errors, CSP violations and server errors, per person.

    One console error is expected: Chromium logs "Failed to load resource ... 422" when a
    submitted form comes back refused (the app answers a form with errors with 422 and the form
    again, by design). It is ignored only for a page that really was a refused form submission.
    """

    seen: list[str] = field(default_factory=list)
    refused_forms: set[str] = field(default_factory=set)
    _console: list[tuple[str, str, str]] = field(default_factory=list)

    def watch(self, page: Page, who: str) -> None:
        """Record what goes wrong on `page` (a signed-in person's tab)."""

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url") or page.url
                self._console.append((who, where, message.text))

        def on_response(response: Response) -> None:
            request = response.request
            if response.status >= 500:
                self.seen.append(f"[{who}] HTTP {response.status} for {response.url}")
            elif (response.status == 422 and request.method == "POST"
                  and request.resource_type == "document"):
                self.refused_forms.add(response.url)

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.seen.append(
            f"[{who}] uncaught error on {page.url}: {error}"))
        page.on("response", on_response)

    def all(self) -> list[str]:
        """Everything that went wrong so far."""
        console = [f"[{who}] console error on {where}: {text}"
                   for who, where, text in self._console
                   if not (where in self.refused_forms and REFUSED_FORM.search(text))]
        return [*self.seen, *console]

    def assert_none(self) -> None:
        """Fail with everything that went wrong, if anything did."""
        found = self.all()
        assert not found, "the browser reported problems:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's: nothing is downloaded) for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium) "
                    "to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path) -> Iterator[LiveServer]:
    """A fresh app on its own SQLite file, with both processes and the demo organisation."""
    yield from _serve(tmp_path, {})


@pytest.fixture
def demo_server(tmp_path) -> Iterator[LiveServer]:
    """The same app as `make run` serves it: with the demo clock an admin moves forward."""
    yield from _serve(tmp_path, {"KONTOFLODE_DEMO_CLOCK": "1"})


def _serve(tmp_path, env: dict[str, str]) -> Iterator[LiveServer]:
    clock = FixedClock(START)
    engine = Engine(Settings.from_env(env, database_url=f"sqlite:///{tmp_path / 'kontoflode.db'}"),
                    clock=clock)
    engine.create_schema()
    engine.deploy_all()
    seed_demo(engine)  # what `kontoflode demo` does
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "x",
        "RATELIMIT_ENABLED": False,  # every person signs in from 127.0.0.1
    }, engine=engine)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{http.server_port}", app, engine, clock)
    finally:
        http.shutdown()
        thread.join(timeout=10)
        http.server_close()
        engine.dispose()


@pytest.fixture
def problems() -> Problems:
    """What the browser complained about during the test."""
    return Problems()


class People:
    """Opens a browser context per person (their own session cookie) and signs them in."""

    def __init__(self, browser: Browser, server: LiveServer, problems: Problems):
        self._browser, self._server, self._problems = browser, server, problems
        self._contexts = []

    def open(self, who: str = "anonymous", viewport: dict | None = None,
             phone: bool = False) -> Page:
        """A new, signed-out browser window with its own cookies (a touch screen if `phone`)."""
        context = self._browser.new_context(
            base_url=self._server.url, viewport=viewport or (PHONE if phone else DESKTOP),
            is_mobile=phone, has_touch=phone, locale="en-GB", timezone_id="Europe/Stockholm")
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        self._contexts.append(context)
        page = context.new_page()
        self._problems.watch(page, who)
        return page

    def sign_in(self, username: str, viewport: dict | None = None, phone: bool = False,
                page: Page | None = None) -> Page:
        """Sign `username` in through the real login form (in `page`, or a new window)."""
        page = page or self.open(username, viewport, phone)
        if not page.url.endswith("/login"):
            page.goto("/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/inbox$"))
        page.wait_for_load_state()  # style sheets and scripts too, not just the new URL
        return page

    def close(self) -> None:
        """Close every context this test opened."""
        for context in self._contexts:
            context.close()


@pytest.fixture
def people(browser, server, problems) -> Iterator[People]:
    """Sign people in, each in their own browser context."""
    crowd = People(browser, server, problems)
    yield crowd
    crowd.close()


@pytest.fixture(scope="session")
def _shot_counter() -> Iterator[int]:
    """Numbers screenshots across the session; clears the previous run's screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return itertools.count(1)


@pytest.fixture
def shot(_shot_counter):
    """shot(page, name): a full-page screenshot saved as test-output/browser/NN-name.png."""

    def take(page: Page, name: str) -> Path:
        page.wait_for_load_state()
        path = SHOTS / f"{next(_shot_counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
