"""Co-design in Chromium: three members suggest adding a question, changing its answers and
removing another; they vote, and see each change in the draft, the suggestion and the log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_three_members_shape_the_draft_by_suggestion(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """Add, change the answers, remove: each by suggestion, each agreed by all three."""
    group = data.design_group(
        ("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER),
        ("Ada Brook", Role.CO_RESEARCHER),
        ("Bea Cole", Role.PEER_RESEARCHER),
    )
    facilitator, ada, bea = group.people
    base = group.base

    pages = {ada.username: page}
    sign_in(page, ada)
    for person in (bea, facilitator):
        pages[person.username] = new_page()
        sign_in(pages[person.username], person)

    def everyone_agrees(url: str) -> Page:
        """Each member opens the suggestion and agrees; return the last page."""
        for person in (ada, bea, facilitator):
            voter = pages[person.username]
            voter.goto(url)
            check_accessibility(voter)
            voter.get_by_label("Agree", exact=True).check()
            voter.get_by_role("button", name="Send my vote").click()
            check_accessibility(voter)
        expect(voter.get_by_text("Everyone has voted. Agreed")).to_be_visible()
        return voter

    # Ada suggests adding a question with two answers.
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Suggest adding a question").click()
    check_accessibility(page)
    page.get_by_label("Choose one answer").check()
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("Who helps you most?")
    page.get_by_label("Answers to choose from").fill("family = Family\nfriends = Friends")
    page.get_by_text("More settings").click()
    page.get_by_label("Name in the data").fill("helper")
    page.get_by_label("Why?").fill("We never ask who helps.")
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add “Who helps you most?”")
    check_accessibility(page)
    last = everyone_agrees(page.url)
    last.goto(f"{base}/")
    expect(last.get_by_role("heading", name="Who helps you most?")).to_be_visible()
    check_accessibility(last)

    # Bea suggests changing the answers: one reworded, one new.
    other = pages[bea.username]
    other.goto(f"{base}/")
    check_accessibility(other)
    other.get_by_role("link", name=re.compile(r"^Suggest a change\W+Who helps you most")).click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Suggest a change")
    check_accessibility(other)
    other.get_by_label("Answers to choose from").fill(
        "family = Family\nfriends = Close friends\nneighbours = Neighbours"
    )
    other.get_by_label("Why?").fill("Neighbours help a lot round here.")
    other.get_by_role("button", name="Suggest this change").click()
    expect(other.get_by_text("Your suggestion is open")).to_be_visible()
    expect(other.locator("ins").filter(has_text="Neighbours")).to_be_visible()
    expect(other.get_by_text("(a new answer)")).to_be_visible()
    expect(other.locator("ins").filter(has_text="Close")).to_be_visible()
    check_accessibility(other)
    last = everyone_agrees(other.url)
    last.goto(f"{base}/")
    expect(last.get_by_text("Close friends")).to_be_visible()
    check_accessibility(last)

    # Sam suggests removing the age question.
    sam_page = pages[facilitator.username]
    sam_page.goto(f"{base}/")
    check_accessibility(sam_page)
    sam_page.get_by_role("link", name=re.compile(r"^Suggest removing\W+How old are you")).click()
    check_accessibility(sam_page)
    sam_page.get_by_label("Why?").fill("Age is on the consent form already.")
    sam_page.get_by_role("button", name="Suggest this change").click()
    expect(sam_page.get_by_text("This question would be taken out of the draft")).to_be_visible()
    check_accessibility(sam_page)
    last = everyone_agrees(sam_page.url)
    last.goto(f"{base}/")
    expect(last.get_by_role("heading", name="How old are you?")).to_have_count(0)
    check_accessibility(last)

    last.get_by_role("link", name="Suggestions and decisions").click()
    check_accessibility(last)
    last.get_by_role("link", name="Decision log").first.click()
    expect(last.get_by_role("heading", level=2).first).to_contain_text("Remove “How old are you?”")
    expect(last.get_by_text("What was removed")).to_be_visible()
    expect(last.get_by_text("What was added")).to_be_visible()
    expect(last.get_by_text("Bea Cole: Agree").first).to_be_visible()
    expect(last.locator("ins").filter(has_text="Neighbours")).to_be_visible()
    expect(last.get_by_text("The change was made to the draft.").first).to_be_visible()
    check_accessibility(last)
