"""The questionnaire editor in a real browser: start a draft, add questions with live logic
checks, move one, delete and undo, publish. axe-core checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_design_group_builds_and_publishes_a_questionnaire(
    page: Page, check_accessibility, data, sign_in
):
    """A co-researcher writes two questions with logic; the facilitator publishes."""
    study, person = data.study_with(Role.FACILITATOR, Role.CO_RESEARCHER)
    sign_in(page, person)

    page.goto(f"{study.path}questionnaires")
    check_accessibility(page)
    page.get_by_role("link", name="Start a questionnaire").click()
    check_accessibility(page)
    page.get_by_label("Title").fill("What helps at home")
    page.get_by_role("button", name="Create the questionnaire").click()
    expect(page.get_by_text("Your questionnaire is ready")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Kind of question").select_option("integer")
    page.get_by_label("Question", exact=True).fill("How old are you?")
    page.get_by_label("Short name").fill("age")
    page.get_by_label("The answer must meet this rule").fill(". >= 16 and . < 120")
    expect(page.locator("#constraint-live")).to_have_text("This rule looks right.")
    check_accessibility(page)
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Add a question").first.click()
    page.get_by_label("Kind of question").select_option("yes_no")
    page.get_by_label("Question", exact=True).fill("Do you look after someone?")
    relevance = page.get_by_label("Only ask when")
    relevance.fill("${agee} >= 16")
    expect(page.locator("#relevance-live")).to_contain_text("agee")
    relevance.fill("${age} >= (16")
    expect(page.locator("#relevance-live")).to_contain_text("character")
    relevance.fill("${age} >= 16")
    expect(page.locator("#relevance-live")).to_have_text("This rule looks right.")
    check_accessibility(page)
    page.get_by_role("button", name="Save question").click()
    check_accessibility(page)

    items = page.locator(".app-draft > .app-draft__item h3")
    expect(items).to_have_text(["How old are you?", "Do you look after someone?"])
    page.get_by_role("button", name="Move up Do you look after someone?").click()
    expect(items).to_have_text(["Do you look after someone?", "How old are you?"])
    check_accessibility(page)

    page.get_by_role("button", name="Delete Do you look after someone?").click()
    expect(items).to_have_text(["How old are you?"])
    check_accessibility(page)
    page.get_by_role("button", name="Undo").click()
    expect(items).to_have_count(2)
    check_accessibility(page)

    # Publishing is a decision; here the facilitator is the whole design group.
    page.get_by_role("link", name="Ask the group to publish").click()
    check_accessibility(page)
    page.get_by_role("button", name="Ask the group to publish").click()
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Version 1 was published.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="See version 1").click()
    check_accessibility(page)
