"""The group changes the consent form in Chromium: a suggested wording, the votes, the
decision, publishing it as a version with what changed word by word. axe-core checks every
page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_the_group_rewords_and_publishes_the_consent_form(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """Sam suggests clearer words, Kim and Sam agree, then the group publishes version 1."""
    study = data.study()
    sam, kim = data.person("Sam Okafor"), data.person("Kim Lee")
    data.member(study, sam, Role.FACILITATOR)
    data.member(study, kim, Role.CO_RESEARCHER)
    base = f"/studies/{study.slug}/consent/form"
    kims_page = new_page()
    sign_in(page, sam)
    sign_in(kims_page, kim)

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The consent form")
    expect(page.get_by_text("No version is published yet")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Suggest a change to the words").click()
    check_accessibility(page)
    page.get_by_label("Title").fill("Being part of our study")
    page.get_by_label("Easy-read words").first.fill("We want to hear about your care.")
    page.get_by_label("Why?").fill("Shorter and friendlier.")
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Your suggestion is put to the group")).to_be_visible()
    expect(page.locator("ins").first).to_contain_text("Being")
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("1 of 2 have voted.")).to_be_visible()
    check_accessibility(page)

    kims_page.goto(f"{base}/")
    check_accessibility(kims_page)
    kims_page.get_by_role("link", name="Sam Okafor suggests a change").click()
    check_accessibility(kims_page)
    kims_page.get_by_label("Agree", exact=True).check()
    kims_page.get_by_role("button", name="Send my vote").click()
    expect(kims_page.get_by_text("Everyone has voted. Agreed")).to_be_visible()
    expect(kims_page.get_by_text("Agreed and made")).to_be_visible()
    check_accessibility(kims_page)

    page.goto(f"{base}/draft")
    expect(page.get_by_role("heading", name="Being part of our study")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Ask the group to publish the draft as a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the draft as version 1")
    check_accessibility(page)
    page.get_by_label("Why?").fill("Ready for our first interviews.")
    page.get_by_role("button", name="Ask the group").click()
    expect(page.get_by_text("The group is asked to publish")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Thank you. Your vote is saved")).to_be_visible()
    check_accessibility(page)

    kims_page.goto(f"{base}/")
    check_accessibility(kims_page)
    kims_page.get_by_role("link", name="The group is deciding whether to publish").click()
    check_accessibility(kims_page)
    kims_page.get_by_label("Agree", exact=True).check()
    kims_page.get_by_role("button", name="Send my vote").click()
    expect(
        kims_page.get_by_text("Version 1 of the consent form was published.").first
    ).to_be_visible()
    check_accessibility(kims_page)
    kims_page.get_by_role("link", name="See version 1").first.click()
    expect(kims_page.get_by_role("heading", level=1)).to_have_text("Version 1")
    expect(kims_page.get_by_text("We want to hear about your care.")).to_be_visible()
    check_accessibility(kims_page)

    page.goto(f"{base}/decisions")
    expect(page.get_by_text("publishing version 1")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/pictures")
    check_accessibility(page)
    page.goto(f"{base}/translate")
    check_accessibility(page)
