"""Notifications in Chromium: a suggestion reaches another member, who opens it and chooses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

pytestmark = pytest.mark.browser


def test_a_member_hears_of_a_suggestion_opens_it_and_changes_a_choice(
    page: Page, check_accessibility, data, sign_in
):
    """Ada suggests a change; Bea sees the count, opens it, and turns off e-mail for decisions."""
    group = data.design_group(
        ("Ada Brook", Role.FACILITATOR, Role.CO_RESEARCHER), ("Bea Cole", Role.PEER_RESEARCHER)
    )
    study, (ada, bea) = group.study, group.people
    data.open_suggestion(group, ada, deadline_in=timedelta(days=5))

    sign_in(page, bea)
    page.goto(study.path)
    link = page.get_by_role("link", name="Notifications (1 new)")
    expect(link).to_be_visible()
    check_accessibility(page)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("You have 1 new notification.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role(
        "link", name="Ada Brook suggests changing “How old are you?”. What do you think?"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change “How old are you?”")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Remind those who have not voted")).to_be_visible()
    check_accessibility(page)

    page.goto("/notifications")
    expect(page.get_by_text("You have read all your notifications.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=f"Notification choices for {study.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification choices")
    check_accessibility(page)
    email_decisions = page.get_by_label("Decisions by e-mail")
    expect(email_decisions).to_be_checked()
    email_decisions.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(page.get_by_label("Decisions by e-mail")).not_to_be_checked()
    expect(page.get_by_label("Decisions in the app")).to_be_checked()
    check_accessibility(page)

    page.goto(f"/studies/{study.slug}/participation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has had their say")
    # Bea reads the page herself: she is not told to ask herself what she thinks.
    expect(page.get_by_text("You have not suggested or commented yet.")).to_be_visible()
    expect(page.get_by_text("We have not yet had suggestions or comments from")).to_be_hidden()
    check_accessibility(page)
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.get_by_text("No suggestions or comments yet")).to_be_visible()
    check_accessibility(page)
