"""Live updates in Chromium: pages follow what others do, without a reload and without
losing what someone is typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peer_research.db import db
from peer_research.studies.models import Role
from surveys.codesign import services as codesign
from surveys.codesign.models import Position, Proposal

pytestmark = pytest.mark.browser


def _setup(data):
    """Make a group of three and an open suggestion with a poll; return what the test needs."""
    group = data.design_group(
        ("Sam Okafor", Role.FACILITATOR, Role.CO_RESEARCHER),
        ("Ada Brook", Role.CO_RESEARCHER),
        ("Bea Cole", Role.CO_RESEARCHER),
    )
    proposal_id = data.open_suggestion(
        group, group.people[1], reason="Shorter, and it sounds kinder."
    )
    return group.base, list(group.people), proposal_id


def _vote(data, person, proposal_id: int) -> None:
    """Vote as another member, outside the browser."""
    with data.app.app_context():
        session = db.session
        poll = codesign.latest_poll(session, session.get_one(Proposal, proposal_id))
        codesign.cast_vote(
            session, poll=poll, voter=data.user_of(session, person), position=Position.AGREE
        )
        db.commit()


def _look_again(page: Page) -> None:
    """Bring the tab back into focus, which makes the page ask at once (not in 10 s)."""
    page.evaluate("window.dispatchEvent(new Event('focus'))")


def test_the_decision_log_fills_in_when_the_group_decides(
    page: Page, data, sign_in, check_accessibility
):
    base, (sam, ada, bea), proposal_id = _setup(data)
    sign_in(page, sam)
    page.goto(f"{base}/decisions")
    check_accessibility(page)
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#page-content")).not_to_contain_text("What is your age")
    for person in (sam, ada, bea):
        _vote(data, person, proposal_id)  # the last vote closes the poll and changes the draft
    _look_again(page)
    expect(page.locator("#page-content")).to_contain_text("What is your age")
    expect(page.locator("#live-status")).to_have_text(
        "This page was updated with the latest from the group."
    )
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#live-notice")).to_be_hidden()
    check_accessibility(page)


def test_someone_typing_is_offered_the_latest_instead_of_losing_their_words(
    page: Page, data, sign_in, check_accessibility
):
    base, (sam, ada, _bea), proposal_id = _setup(data)
    sign_in(page, sam)
    page.goto(f"{base}/suggestions/{proposal_id}")
    check_accessibility(page)
    token = page.locator("#page-content").get_attribute("data-live-token")
    reason = page.locator("#page-content textarea").first
    reason.fill("I am still thinking about this")
    page.locator("h1").click()  # focus leaves the field, but the words are not sent yet
    _vote(data, ada, proposal_id)
    _look_again(page)
    expect(page.locator("#live-notice")).to_be_visible()
    expect(reason).to_have_value("I am still thinking about this")
    check_accessibility(page)
    assert page.locator("#page-content").get_attribute("data-live-token") == token
    page.get_by_role("button", name="Show the latest").click()
    expect(page.locator("#live-notice")).to_be_hidden()
    expect(page.locator("#page-content")).not_to_have_attribute("data-live-token", token)
    check_accessibility(page)
