"""The accessibility and CSP gate of conftest.py catches what it promises to catch."""

import pytest

from tests.browser.conftest import AccessibilityGate

BAD_PAGE = """<!doctype html><html><head><title>Bad</title></head><body>
<main><h1>Bad page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text"><p style="color: red">Styled inline</p>
<script>document.title = "inline script ran";</script></main></body></html>"""
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture
def gated(browser, base_url):
    """A context outside the fixtures, so that its problems are asserted, not raised."""
    context = browser.new_context(base_url=base_url)
    gate = AccessibilityGate(context)
    context.route("**/gate-check*", lambda route: route.fulfill(
        status=200, body=BAD_PAGE, headers={"Content-Type": "text/html; charset=utf-8",
                                            "Content-Security-Policy": CSP}))
    yield context, gate
    context.close()


def test_gate_reports_axe_violations_and_csp_violations(gated):
    context, gate = gated
    page = context.new_page()
    page.goto("/gate-check")

    problems = "\n".join(gate.finish())

    assert "axe image-alt (critical) on " in problems
    assert "axe label (critical) on " in problems
    assert "/gate-check" in problems
    assert "CSP violation" in problems
    assert "style-src" in problems
    assert "script-src" in problems
    assert page.title() == "Bad"  # the inline script was blocked


def test_gate_rechecks_pages_left_before_axe_reported(gated, base_url):
    context, gate = gated
    page = context.new_page()
    page.goto("/gate-check?first", wait_until="commit")
    page.goto("/sign-in")

    problems = "\n".join(gate.finish())

    assert f"{base_url}/gate-check?first" in gate.checked
    assert f"axe image-alt (critical) on {base_url}/gate-check?first" in problems
    assert f"{base_url}/sign-in" in gate.checked
    assert "/sign-in:" not in problems
