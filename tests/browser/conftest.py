"""Headless Chromium against the live server, with an accessibility and CSP gate on every page.

Every test in this folder is marked `browser` and drives Debian's Chromium (/usr/bin/chromium)
through pytest-playwright's `page` / `context` / `new_context` fixtures.

The gate needs nothing from the tests. Every browser context a test gets is instrumented:

* axe-core (the `axe.min.js` shipped inside the axe_playwright_python package) is added as an
  init script, together with a small runner that, once each top-level HTML document has loaded,
  runs `axe.run` with the tags wcag2a, wcag2aa and wcag21aa and hands the result back to Python
  through an exposed binding. Init scripts are not subject to the page's CSP, so axe runs on
  the real pages with the real policy in force.
* Every main-frame navigation is recorded. At teardown the gate waits (briefly) for the runs
  still in progress on the open pages; any visited URL whose result was lost because the test
  navigated away first is then visited again with GET in a fresh page of the same context (same
  cookies, so the same user) and checked there. A page that was the answer to a POST is thus
  re-checked as its GET form.
* A browser console error mentioning "Content Security Policy" is a CSP violation (Chromium logs
  every blocked inline script, inline style, eval or foreign source); an uncaught JavaScript
  error in a page is recorded as well.

The test then fails at teardown (reported as "ERROR at teardown"), listing every serious or
critical axe violation (rule, impact, target selectors, URL) and every CSP violation or page
error. When the test itself has already failed the gate stays quiet, so that the first failure
is the one reported. `test_gate.py` checks that the gate catches what it should.

Helpers: `base_url` is the live server (so `page.goto("/sign-in")` works), `demo` seeds the
demo department, `sign_in(email, password)` goes through the real sign-in form (rate limited to
5 POSTs a minute: sign in at most about four times per test), and `assert_message_beside(field,
text)` checks that a validation message is shown below its field and describes it.
"""

from __future__ import annotations

import contextlib
import json
import time
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from workshop.admin.demo import demo_department
from workshop.extensions import db

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
SETTLE_MS = 5_000  # how long teardown waits for axe runs still in progress

# Runs in every frame before the page's own scripts. Only top-level HTML documents are checked.
RUNNER_JS = """
(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) { return; }
  window.__a11yDone = false;
  window.addEventListener('load', () => setTimeout(async () => {
    let payload;
    if (document.contentType !== 'text/html') {
      payload = {kind: 'skip', url: location.href};
    } else {
      try {
        const result = await axe.run(document, {
          runOnly: {type: 'tag', values: __TAGS__}, resultTypes: ['violations']});
        payload = {kind: 'axe', url: location.href, violations: result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.map((n) => n.target.join(' '))}))};
      } catch (error) {
        payload = {kind: 'error', url: location.href, text: 'axe failed: ' + error};
      }
    }
    await window.__a11yReport(payload);
    window.__a11yDone = true;
  }, 0));
})();
""".replace("__TAGS__", json.dumps(AXE_TAGS))


def _plain(url: str) -> str:
    return urldefrag(url)[0]


class AccessibilityGate:
    """Collects axe results, CSP violations and page errors for one browser context."""

    def __init__(self, context):
        self.context = context
        self.closed = False
        self.visited: list[str] = []  # main-frame URLs in order of visit
        self.checked: set[str] = set()
        self.problems: list[str] = []
        context.expose_binding("__a11yReport", self._report)
        context.add_init_script(path=str(AXE_JS))
        context.add_init_script(script=RUNNER_JS)
        context.on("console", self._console)
        context.on("page", self._watch)
        context.on("close", lambda _ctx: setattr(self, "closed", True))

    def _watch(self, page) -> None:
        page.on("framenavigated", lambda frame: self._navigated(page, frame))
        page.on("pageerror", lambda error: self.problems.append(
            f"JavaScript error on {_plain(page.url)}: {error}"))

    def _navigated(self, page, frame) -> None:
        url = _plain(frame.url)
        if frame == page.main_frame and url.startswith("http") and url not in self.visited:
            self.visited.append(url)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            where = _plain(message.page.url) if message.page else "a page"
            line = message.location.get("lineNumber")
            self.problems.append(f"CSP violation on {where}"
                                 f"{f' (line {line + 1})' if line is not None else ''}: "
                                 f"{message.text.split(' Either the')[0]}")

    def _report(self, _source, payload: dict) -> None:
        url = _plain(payload["url"])
        kind = payload["kind"]
        self.checked.add(url)
        if kind == "error":
            self.problems.append(f"{payload['text']} on {url}")
        for violation in payload.get("violations", []):
            if violation["impact"] in FAILING_IMPACTS:
                targets = ", ".join(violation["targets"][:10])
                self.problems.append(
                    f"axe {violation['id']} ({violation['impact']}) on {url}: "
                    f"{violation['help']} — {targets}")

    def finish(self) -> list[str]:
        """Wait for runs in progress, re-check lost pages, and return every problem found."""
        if self.closed:
            return self.problems
        for page in self.context.pages:
            _settle(page)
        lost = [url for url in self.visited if url not in self.checked]
        if lost:
            page = self.context.new_page()
            for url in lost:
                try:
                    page.goto(url, wait_until="load")
                except Exception as error:  # noqa: BLE001 - reported, not raised
                    self.problems.append(f"could not re-check {url}: {error}")
                else:
                    if not _settle(page):
                        self.problems.append(f"axe did not finish on {url} (re-checked)")
            page.close()
        return self.problems


def _settle(page) -> bool:
    """Wait until the axe run of `page`'s document has been reported (or there is none).

    Polls with `evaluate`, which the page's CSP does not restrict; `wait_for_function` with a
    string would evaluate it in a way the CSP blocks (`unsafe-eval`).
    """
    deadline = time.monotonic() + SETTLE_MS / 1000
    while time.monotonic() < deadline and not page.is_closed():
        with contextlib.suppress(Exception):  # navigating or closing: try again
            if page.evaluate("window.__a11yDone !== false"):
                return True
        time.sleep(0.05)
    return page.is_closed()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so that the gate can stay quiet."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def pytest_collection_modifyitems(items):
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def new_context(new_context, request):
    """pytest-playwright's context factory, with the accessibility and CSP gate on each context."""
    gates: list[AccessibilityGate] = []

    def factory(**kwargs):
        context = new_context(**kwargs)
        gates.append(AccessibilityGate(context))
        return context

    yield factory
    if request.node.stash.get(_CALL_FAILED, True):
        return
    problems = [problem for gate in gates for problem in gate.finish()]
    if problems:
        pytest.fail("Accessibility or CSP problems on the pages this test visited:\n  "
                    + "\n  ".join(dict.fromkeys(problems)), pytrace=False)


@pytest.fixture
def demo(app):
    """The demo department: its offices, a user for each role (password DEMO_PASSWORD), cycles."""
    with app.app_context():
        demo_department(1, date.today())
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """The live server's root URL (no trailing slash); `page.goto("/path")` is relative to it.

    This also replaces pytest-base-url's fixture, whose class-method form pytest now warns about.
    """
    return live_server.url


def assert_message_beside(field, message: str) -> None:
    """`message` is shown just below `field` and is its accessible description."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(message)
    shown = field.locator("xpath=..").get_by_text(message, exact=True)
    expect(shown).to_be_visible()
    box, below = field.bounding_box(), shown.bounding_box()
    assert box["y"] + box["height"] <= below["y"] < box["y"] + box["height"] + 40, (box, below)
    assert abs(below["x"] - box["x"]) < 2, (box, below)


class SignIn:
    """Sign in through the real form."""

    def __init__(self, page):
        self.page = page

    def __call__(self, email: str, password: str):
        page = self.page
        page.goto("/sign-in")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page


@pytest.fixture
def sign_in(page):
    """`sign_in(email, password)` fills in and submits the sign-in form in `page`."""
    return SignIn(page)
