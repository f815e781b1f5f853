"""The questionnaire editor in a real browser: every change is a suggestion. A group of one
suggests two questions with live logic checks, agrees them, moves one, removes it through a
draft put to the group, and publishes by decision. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def _agree(page: Page, check_accessibility) -> None:
    """Vote agree on the suggestion shown; as the only member, that decides it."""
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Everyone has voted. Agreed")).to_be_visible()
    check_accessibility(page)


def test_design_group_builds_and_publishes_a_questionnaire(
    page: Page, check_accessibility, data, sign_in
):
    """A facilitator who is the whole design group shapes the draft by suggestion."""
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

    page.get_by_role("link", name="Suggest adding a question").click()
    check_accessibility(page)
    page.get_by_label("Whole number").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest adding a question")
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("How old are you?")
    page.get_by_text("More settings").click()
    page.get_by_label("Name in the data").fill("age")
    page.locator("#rules > summary").click()
    constraint = page.locator("#constraint")
    constraint.get_by_role("button", name="Write the rule as text instead").click()
    check_accessibility(page)
    page.get_by_label("The rule, in the logic language").fill(". >= 16 and . < 120")
    expect(page.locator("#constraint-text-live")).to_have_text("This rule looks right.")
    page.get_by_label("Why?").fill("We only talk with adults.")
    check_accessibility(page)
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    check_accessibility(page)
    _agree(page, check_accessibility)

    page.get_by_role("link", name="The draft").click()
    expect(page.locator(".app-draft > .app-draft__item h3")).to_have_text(["How old are you?"])
    check_accessibility(page)
    page.get_by_role("link", name="Suggest adding a question").click()
    check_accessibility(page)
    page.get_by_label("Yes or no").check()
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)
    page.locator("#rules > summary").click()
    page.locator("#relevance").get_by_role("button", name="Write the rule as text instead").click()
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("Do you look after someone?")
    relevance = page.get_by_label("The rule, in the logic language")
    relevance.fill("${agee} >= 16")
    expect(page.locator("#relevance-text-live")).to_contain_text("agee")
    relevance.fill("${age} >= (16")
    expect(page.locator("#relevance-text-live")).to_contain_text("character")
    relevance.fill("${age} >= 16")
    expect(page.locator("#relevance-text-live")).to_have_text("This rule looks right.")
    page.locator("#relevance").get_by_role("button", name="Use the condition builder").click()
    expect(page.locator("#relevance-0-comparison")).to_have_value("at_least")
    expect(page.locator("#relevance-0-value")).to_have_value("16")
    check_accessibility(page)
    page.get_by_label("Why?").fill("Carers are who we want to hear from.")
    check_accessibility(page)
    page.get_by_role("button", name="Suggest this change").click()
    check_accessibility(page)
    _agree(page, check_accessibility)

    page.get_by_role("link", name="The draft").click()
    items = page.locator(".app-draft > .app-draft__item h3")
    expect(items).to_have_text(["How old are you?", "Do you look after someone?"])
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Suggest moving\W+Do you look after")).click()
    check_accessibility(page)
    page.get_by_label("Where should it go?").select_option(label="Before “How old are you?”")
    page.get_by_label("Why?").fill("Start with what matters most.")
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Where it would go")).to_be_visible()
    check_accessibility(page)
    _agree(page, check_accessibility)
    page.get_by_role("link", name="The draft").click()
    expect(items).to_have_text(["Do you look after someone?", "How old are you?"])
    check_accessibility(page)

    page.get_by_role("link", name=re.compile(r"^Suggest removing\W+Do you look after")).click()
    check_accessibility(page)
    page.get_by_label("Why?").fill("Too early to ask.")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Put it to the group").click()
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    check_accessibility(page)
    _agree(page, check_accessibility)
    page.get_by_role("link", name="The draft").click()
    expect(items).to_have_text(["How old are you?"])
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
