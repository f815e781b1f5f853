"""Drafting without a vote per line, in Chromium: a suggestion of several changes from writing
to applied, and a member the group named building the first draft directly. axe-core checks
every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_several_changes_are_written_step_by_step_voted_once_and_made_together(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """Ada builds one suggestion (a section, a question inside it, taking "age" out), changes
    one of its changes, puts it to the group; both agree; the log lists every change."""
    group = data.design_group(
        ("Ada Brook", Role.CO_RESEARCHER), ("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER)
    )
    ada, sam = group.people
    base = group.base
    sign_in(page, ada)

    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Suggest several changes at once").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest several changes at once")
    check_accessibility(page)
    page.get_by_label("What are these changes for, and why?").fill("A part about help at home")
    page.get_by_role("button", name="Start the suggestion").click()
    expect(page.get_by_text("Started. Now add the changes, one by one.")).to_be_visible()
    expect(page.get_by_text("No changes yet.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Add a section").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a section to your suggestion")
    check_accessibility(page)
    page.get_by_label("Section title").fill("Help at home")
    page.get_by_role("button", name="Save this change in the suggestion").click()
    expect(page.get_by_text("Saved in your suggestion")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Add a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What kind of question is it?")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()  # short text, the first kind
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("Who helps you?")
    page.get_by_label("Where should it go?").select_option(
        label="At the end of the section “Help at home”"
    )
    page.get_by_role("button", name="Save this change in the suggestion").click()
    expect(page.get_by_role("heading", name="Change 2: Add the question “Who helps you?”"))
    expect(page.get_by_text("in the section “Help at home”, at the end")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Change change 2").click()
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("Who helps you most?")
    page.get_by_role("button", name="Save this change in the suggestion").click()
    expect(page.get_by_text("Add the question “Who helps you most?”").first).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Change or take out something in the draft").click()
    check_accessibility(page)
    page.get_by_role("button", name="Take out “How old are you?”").click()
    expect(page.get_by_text("Take out the question “How old are you?”").first).to_be_visible()
    check_accessibility(page)

    page.set_viewport_size({"width": 375, "height": 800})  # on a phone, nothing overflows
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 800})
    page.get_by_role("button", name="Put it to the group").click()
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    check_accessibility(page)

    voter = new_page()
    sign_in(voter, sam)
    voter.goto(page.url)
    check_accessibility(voter)
    voter.get_by_label("Agree", exact=True).check()
    voter.get_by_role("button", name="Send my vote").click()
    expect(voter.get_by_text("Everyone has voted. Agreed")).to_be_visible()
    check_accessibility(voter)

    voter.goto(f"{base}/")
    expect(voter.get_by_role("heading", name="Who helps you most?")).to_be_visible()
    expect(voter.get_by_role("heading", name="How old are you?")).to_have_count(0)
    check_accessibility(voter)
    voter.goto(f"{base}/decisions")
    expect(voter.get_by_text("What changed (3 changes)")).to_be_visible()
    expect(
        voter.get_by_role("heading", name="Add the section “Help at home”", exact=True)
    ).to_be_visible()
    check_accessibility(voter)


def test_a_named_member_builds_the_first_draft_directly(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """Sam asks the group to let Ada build the first draft; both agree; Ada adds a question at
    once; the decision log says she did, under that decision."""
    group = data.design_group(
        ("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER),
        ("Ada Brook", Role.CO_RESEARCHER),
    )
    sam, ada = group.people
    base = group.base
    sign_in(page, sam)

    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Building the first draft: who may, and asking the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Building the first draft")
    check_accessibility(page)
    page.get_by_label("Ada Brook").check()
    page.get_by_label("Why?").fill("Ada writes the first draft; we all read it before publishing.")
    page.get_by_role("button", name="Ask the group").click()
    expect(page.get_by_text("The group is asked.")).to_be_visible()
    expect(page.locator("#builders-asked")).to_have_text("Ada Brook")
    check_accessibility(page)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my vote").click()
    check_accessibility(page)

    builder = new_page()
    sign_in(builder, ada)
    builder.goto(page.url)
    check_accessibility(builder)
    builder.get_by_label("Agree", exact=True).check()
    builder.get_by_role("button", name="Send my vote").click()
    expect(builder.get_by_text("Everyone has voted. Agreed")).to_be_visible()
    check_accessibility(builder)

    builder.goto(f"{base}/")
    expect(builder.locator("#first-draft")).to_contain_text("Ada Brook")
    check_accessibility(builder)
    builder.get_by_role("link", name="Suggest adding a question").click()
    check_accessibility(builder)
    builder.get_by_role("button", name="Continue").click()  # short text, the first kind
    expect(
        builder.get_by_text("The group agreed that you may build the first draft")
    ).to_be_visible()
    check_accessibility(builder)
    builder.get_by_label("Question", exact=True).fill("Do you have pets?")
    builder.get_by_label("Why?").fill("Part of the first draft")
    builder.get_by_role("button", name="Make this change now, without a vote").click()
    expect(builder.get_by_text("Changed.")).to_be_visible()
    expect(builder.get_by_role("heading", name="Do you have pets?")).to_be_visible()
    check_accessibility(builder)
    builder.goto(f"{base}/decisions")
    expect(
        builder.get_by_text("Changed directly by Ada Brook, who the group named to build")
    ).to_be_visible()
    expect(
        builder.get_by_text("Named to build the first draft directly: Ada Brook")
    ).to_be_visible()
    check_accessibility(builder)
