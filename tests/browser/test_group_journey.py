"""The whole co-design journey in Chromium: three members discuss a question, one suggests
new words, they disagree and then agree, and the group publishes by decision. The draft,
the decision log and the word-level diff are checked at each step; axe checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_three_members_discuss_suggest_vote_and_publish(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """Discuss, suggest, block, agree, publish: the whole co-design loop, through the pages."""
    group = data.design_group(
        ("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER),
        ("Ada Brook", Role.PEER_RESEARCHER),
        ("Bea Cole", Role.ACADEMIC_PARTNER),
    )
    sam, ada, bea = group.people
    base = group.base
    pages = {"ada": page, "bea": new_page(), "sam": new_page()}
    for name, person in (("ada", ada), ("bea", bea), ("sam", sam)):
        sign_in(pages[name], person)
    ada_page, bea_page, sam_page = pages["ada"], pages["bea"], pages["sam"]

    # 1. Ada, a peer researcher, starts a conversation about the question.
    ada_page.goto(f"{base}/")
    check_accessibility(ada_page)
    ada_page.get_by_role("link", name=re.compile(r"^Comments \(0\)\s*: How old are you\?")).click()
    check_accessibility(ada_page)
    ada_page.get_by_label("What do you think about this question?").fill(
        "People I interview find “how old” blunt. Could we ask it more gently?"
    )
    ada_page.get_by_role("button", name="Add your comment").click()
    expect(ada_page.get_by_text("Your comment is added.")).to_be_visible()
    check_accessibility(ada_page)

    # 2. Bea, an academic partner, replies.
    bea_page.goto(f"{base}/items/age/comments")
    check_accessibility(bea_page)
    bea_page.get_by_role("link", name="Reply to this comment by Ada Brook").click()
    check_accessibility(bea_page)
    bea_page.get_by_label("Your reply").fill("Agreed. “What is your age?” is what ONS uses.")
    bea_page.get_by_role("button", name="Reply").click()
    expect(bea_page.get_by_text("Your reply is added.")).to_be_visible()
    check_accessibility(bea_page)

    # 3. Ada suggests the new words; the suggestion shows them word by word.
    ada_page.goto(f"{base}/")
    check_accessibility(ada_page)
    ada_page.get_by_role("link", name=re.compile(r"^Suggest a change\W+How old are you")).click()
    check_accessibility(ada_page)
    ada_page.get_by_label("Question", exact=True).fill("What is your age?")
    ada_page.get_by_label("Why?").fill("Gentler, and Bea says it matches the census.")
    ada_page.get_by_role("button", name="Suggest this change").click()
    expect(ada_page.get_by_text("Your suggestion is open")).to_be_visible()
    expect(ada_page.locator("del").filter(has_text="How old are you")).to_be_visible()
    expect(ada_page.locator("ins").filter(has_text="What is your age")).to_be_visible()
    check_accessibility(ada_page)
    suggestion = ada_page.url
    ada_page.get_by_label("Agree", exact=True).check()
    ada_page.get_by_role("button", name="Send my vote").click()
    check_accessibility(ada_page)

    # The draft is unchanged while the group decides.
    sam_page.goto(f"{base}/")
    expect(sam_page.get_by_role("heading", name="How old are you?")).to_be_visible()
    check_accessibility(sam_page)

    # 4. Sam blocks without a reason: refused beside the field, nothing recorded.
    sam_page.goto(suggestion)
    check_accessibility(sam_page)
    sam_page.get_by_label("Block", exact=True).check()
    sam_page.get_by_role("button", name="Send my vote").click()
    expect(sam_page.get_by_text("There is a problem")).to_be_visible()
    expect(sam_page.locator(".govuk-error-message")).to_contain_text("Say why you block this")
    check_accessibility(sam_page)
    sam_page.get_by_label("Agree", exact=True).check()
    sam_page.get_by_role("button", name="Send my vote").click()
    check_accessibility(sam_page)

    # 5. Bea agrees last: everyone has voted, the change is made at once.
    bea_page.goto(suggestion)
    check_accessibility(bea_page)
    bea_page.get_by_label("Agree", exact=True).check()
    bea_page.get_by_role("button", name="Send my vote").click()
    expect(bea_page.get_by_text("Everyone has voted. Agreed")).to_be_visible()
    check_accessibility(bea_page)
    bea_page.goto(f"{base}/")
    expect(bea_page.get_by_role("heading", name="What is your age?")).to_be_visible()
    check_accessibility(bea_page)

    # The decision log has the change, the diff and every named vote.
    bea_page.goto(f"{base}/decisions")
    expect(bea_page.locator("del").filter(has_text="How old are you")).to_be_visible()
    expect(bea_page.locator("ins").filter(has_text="What is your age")).to_be_visible()
    for name in ("Ada Brook", "Bea Cole", "Sam Okafor"):
        expect(bea_page.get_by_text(f"{name}: Agree")).to_be_visible()
    expect(bea_page.get_by_text("The change was made to the draft.")).to_be_visible()
    check_accessibility(bea_page)

    # 6. Sam asks the group to publish; all three agree; version 1 is published.
    sam_page.goto(f"{base}/")
    check_accessibility(sam_page)
    sam_page.get_by_role("link", name="Ask the group to publish").click()
    check_accessibility(sam_page)
    sam_page.get_by_label("Why publish now? (optional)").fill("Ready for the first interviews")
    sam_page.get_by_role("button", name="Ask the group to publish").click()
    expect(sam_page.get_by_text("The group is asked to publish")).to_be_visible()
    check_accessibility(sam_page)
    poll = sam_page.url
    for voter in (sam_page, ada_page, bea_page):
        voter.goto(poll)
        check_accessibility(voter)
        voter.get_by_label("Agree", exact=True).check()
        voter.get_by_role("button", name="Send my vote").click()
        check_accessibility(voter)
    expect(bea_page.get_by_text("Version 1 was published.").first).to_be_visible()
    bea_page.get_by_role("link", name="See version 1").click()
    expect(bea_page.get_by_role("heading", name="What this version changed")).to_be_visible()
    expect(bea_page.locator("main")).to_contain_text("What is your age?")
    check_accessibility(bea_page)

    # The log records the publishing too.
    bea_page.goto(f"{base}/decisions")
    expect(bea_page.get_by_text("Version 1 was published.").first).to_be_visible()
    check_accessibility(bea_page)
    response = bea_page.request.get(f"{base}/versions/1/decisions.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
