"""The checks every browser test relies on can fail: axe, unchecked pages, console errors, 5xx."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route, expect

pytestmark = pytest.mark.browser

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Self-test</title>{head}</head>
<body><main><h1>Self-test</h1>{body}</main></body></html>"""


def serve(route: Route, *, head: str = "", body: str = "", status: int = 200, headers=None) -> None:
    """Answer a request with a small page instead of the app."""
    route.fulfill(
        status=status,
        content_type="text/html; charset=utf-8",
        headers=headers or {},
        body=CLEAN_PAGE.format(head=head, body=body),
    )


def test_axe_names_the_rule_and_the_element(browsing_without_verdict, live_server):
    """A violation fails the check with the rule, its help text and the element."""
    page = browsing_without_verdict.new_page()
    page.route(live_server.url("/self-test"), lambda route: serve(route, body='<img src="data:,">'))
    page.goto("/self-test")
    with pytest.raises(pytest.fail.Exception) as failure:
        browsing_without_verdict.check_accessibility(page)
    message = str(failure.value)
    assert "image-alt" in message
    assert "Images must have alternative text" in message
    assert "at img:" in message
    assert browsing_without_verdict.problems() == []


def test_a_clean_page_passes_and_counts_as_checked(browsing_without_verdict, live_server):
    """A page without violations passes, and is no longer reported as unchecked."""
    page = browsing_without_verdict.new_page()
    page.route(live_server.url("/self-test"), lambda route: serve(route, body="<p>Fine.</p>"))
    page.goto("/self-test")
    browsing_without_verdict.check_accessibility(page)
    assert browsing_without_verdict.problems() == []


def test_a_page_never_checked_is_reported(browsing_without_verdict, live_server):
    """Every page load must go through axe; a forgotten one is reported."""
    page = browsing_without_verdict.new_page()
    page.goto("/sign-in")
    browsing_without_verdict.check_accessibility(page)
    page.reload()
    assert browsing_without_verdict.problems() == [
        f"page loaded but never checked with axe: {live_server.url('/sign-in')}"
    ]


def test_a_content_security_policy_violation_is_reported(browsing_without_verdict, live_server):
    """The CSP stays on in browser tests, so an inline script our CSP forbids is an error."""
    page = browsing_without_verdict.new_page()
    page.route(
        live_server.url("/self-test"),
        lambda route: serve(
            route,
            body="<script>document.title = 'ran'</script>",
            headers={"Content-Security-Policy": "script-src 'self'"},
        ),
    )
    page.goto("/self-test")
    browsing_without_verdict.check_accessibility(page)
    [problem] = browsing_without_verdict.problems()
    assert "Content Security Policy" in problem


def test_a_server_error_and_a_missing_file_are_reported(browsing_without_verdict, live_server):
    """A 5xx answer and a 404 for a stylesheet the page needs are both reported."""
    page = browsing_without_verdict.new_page()
    page.route(
        live_server.url("/self-test"),
        lambda route: serve(
            route, head='<link rel="stylesheet" href="/static/no-such.css">', status=500
        ),
    )
    page.goto("/self-test")
    browsing_without_verdict.check_accessibility(page)
    problems = browsing_without_verdict.problems()
    assert f"server error 500 for GET {live_server.url('/self-test')}" in problems
    assert any("404" in p and "no-such.css" in p for p in problems), problems


def test_a_page_that_answers_404_on_purpose_is_not_a_console_error(browsing_without_verdict):
    """Opening a missing page on purpose is the test's business: only its content is checked."""
    page = browsing_without_verdict.new_page()
    page.goto("/no-such-page")
    browsing_without_verdict.check_accessibility(page)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert browsing_without_verdict.problems() == []
