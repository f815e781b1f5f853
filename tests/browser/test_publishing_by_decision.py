"""Publishing as a decision in Chromium: ask the group, vote, see the version, its changelog,
compare versions on a phone, and set how the group decides. axe-core checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_preview import q

from peer_research.db import db
from peer_research.studies.models import Role
from surveys import definition as d
from surveys.services import add_item, publish_version

pytestmark = pytest.mark.browser


def test_the_group_publishes_compares_and_sets_its_rule(
    page: Page, check_accessibility, data, sign_in
):
    """A facilitator (the whole design group here) asks to publish and agrees; then compares."""
    group = data.design_group(("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER))
    study, (sam,) = group.study, group.people
    with data.app.app_context():
        session = db.session
        user, questionnaire = data.user_of(session, sam), group.questionnaire(session)
        publish_version(session, questionnaire=questionnaire, published_by=user)
        add_item(
            session,
            questionnaire=questionnaire,
            item=q("pets", d.QuestionType.TEXT, "Do you have pets?"),
            changed_by=user,
        )
        db.commit()
    base = group.base

    sign_in(page, sam)
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Ask the group to publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the group to publish version 2")
    expect(page.get_by_text("Added: “Do you have pets?”")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Why publish now? (optional)").fill("Ready for the pilot")
    page.get_by_role("button", name="Ask the group to publish").click()
    expect(page.get_by_text("The group is asked to publish")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Version 2 was published.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="See version 2").click()
    expect(page.get_by_role("heading", name="What this version changed")).to_be_visible()
    check_accessibility(page)

    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("link", name="Compare with version 1 side by side").click()
    expect(page.get_by_text("1 added", exact=True)).to_be_visible()
    assert _columns(page) == 1  # stacked on a phone, each side named in its cell
    expect(page.locator(".app-compare__side-name").first).to_be_visible()
    check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 800})
    assert _columns(page) == 2
    expect(page.get_by_role("heading", name="Version 1", exact=True)).to_be_visible()
    page.get_by_label("Compare").select_option("draft")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_text("What changed from The draft to Version 2")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/compare?from=nonsense")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)

    page.goto(f"/studies/{study.slug}/")
    check_accessibility(page)
    page.get_by_role("link", name="How we decide").click()
    check_accessibility(page)
    page.get_by_role("link", name="Set up how the group decides").click()
    check_accessibility(page)
    page.get_by_label("Majority: agreed when more people agree than disagree").check()
    page.get_by_role("group", name="Are votes anonymous?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save how we decide").click()
    expect(page.get_by_text("set up by Sam Okafor, a facilitator")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Suggest a new rule").click()
    check_accessibility(page)
    page.get_by_label("Why?").fill("Consent suits us better")
    page.get_by_label("Consent: agreed when nobody blocks and enough people agree").check()
    page.get_by_role("button", name="Ask the group").click()
    expect(page.get_by_role("heading", name="Change how the group decides")).to_be_visible()
    check_accessibility(page)


def _columns(page: Page) -> int:
    """Return how many columns the comparison's rows have on the page as laid out."""
    template = page.locator(".app-compare__row").first.evaluate(
        "row => getComputedStyle(row).gridTemplateColumns"
    )
    return len(template.split())
