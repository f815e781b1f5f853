"""Comments in Chromium: two members talk about a question, reply in a thread and react."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_two_members_comment_reply_and_react(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """A peer researcher asks about a question; an academic partner replies and reacts."""
    group = data.design_group(
        ("Sam Okafor", Role.FACILITATOR),
        ("Bea Cole", Role.PEER_RESEARCHER),
        ("Pat Lin", Role.ACADEMIC_PARTNER),
    )
    facilitator, bea, pat = group.people
    proposal_id = data.open_suggestion(
        group, facilitator, label="Your age?", reason="Shorter", deadline_in=None
    )
    base = group.base

    sign_in(page, bea)
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Comments \(0\)\s*: How old are you\?")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments")
    expect(page.get_by_text("How old are you?")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What do you think about this question?").fill(
        "Some people may not want to say.\nCould we ask for a range?"
    )
    page.get_by_role("button", name="Add your comment").click()
    expect(page.get_by_text("Your comment is added.")).to_be_visible()
    expect(page.get_by_text("Could we ask for a range?")).to_be_visible()
    check_accessibility(page)

    other = new_page()
    sign_in(other, pat)
    other.goto(f"{base}/")
    check_accessibility(other)
    other.get_by_role("link", name=re.compile(r"^Comments \(1\)\s*: How old are you\?")).click()
    check_accessibility(other)
    other.get_by_role("link", name="Reply to this comment by Bea Cole").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Reply")
    check_accessibility(other)
    other.get_by_label("Your reply").fill("Yes: under 25, 25 to 64, 65 or over.")
    other.get_by_role("button", name="Reply").click()
    expect(other.get_by_text("Your reply is added.")).to_be_visible()
    check_accessibility(other)
    idea = other.get_by_role("button", name=re.compile(r"^Idea\s*0\s*,\s*comment by Bea Cole"))
    expect(idea).to_have_attribute("aria-pressed", "false")
    idea.click()
    check_accessibility(other)
    idea = other.get_by_role("button", name=re.compile(r"^Idea\s*1\s*,\s*comment by Bea Cole"))
    expect(idea).to_have_attribute("aria-pressed", "true")

    page.reload()
    check_accessibility(page)
    replies = page.locator(".app-discussion__replies")
    expect(replies).to_contain_text("Pat Lin")
    expect(replies).to_contain_text("under 25, 25 to 64, 65 or over")
    idea = page.get_by_role("button", name=re.compile(r"^Idea\s*1\s*,\s*comment by Bea Cole"))
    expect(idea).to_have_attribute("aria-pressed", "false")  # Pat's idea, not Bea's

    # A suggestion has its own comments, on its page.
    page.goto(f"{base}/suggestions/{proposal_id}")
    check_accessibility(page)
    page.get_by_label("What do you think about this suggestion?").fill("Shorter is kinder.")
    page.get_by_role("button", name="Add your comment").click()
    expect(page.get_by_text("Shorter is kinder.")).to_be_visible()
    check_accessibility(page)
