"""The tablet and the real sync API together: interviews done offline reach the server's
storage, exactly once each, and the facilitators' fieldwork page shows them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fieldwork_helpers import (
    TABLET,
    answer_quickly,
    help_at_home,
    interviewer_with,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import Page, expect

from peer_research.db import db
from peer_research.studies.services import get_study
from surveys.fielding.models import Answer, Interview

pytestmark = pytest.mark.browser


def stored_ages(data, home: str) -> list[str]:
    """Return the age answered in each interview the server stored for the home's study."""
    slug = home.split("/")[2]
    with data.app.app_context():
        study = get_study(db.session, slug)
        query = (
            sa.select(Answer.value)
            .join(Interview, Interview.id == Answer.interview_id)
            .where(Interview.study_id == study.id, Answer.question_key == "age")
            .order_by(Answer.value)
        )
        return list(db.session.scalars(query))


def test_two_interviews_done_offline_are_stored_once_each_by_the_real_sync_api(
    new_page, check_accessibility, data, sign_in
):
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)  # a yes/no question without choices of its own, a repeat, a faces scale
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)

    page.context.set_offline(True)
    for age in ("70", "81"):
        start_interview(page)
        check_accessibility(page)
        answer_quickly(page, age)
        check_accessibility(page)
    expect(page.locator("[data-queue-status]")).to_have_text("2 interviews waiting to send")
    assert stored_ages(data, home) == []

    page.context.set_offline(False)  # the app hears 'online' and sends, without a reload
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    assert stored_interviews(page) == []  # the tablet let go of both after their receipts
    assert stored_ages(data, home) == ["70", "81"]
    check_accessibility(page)

    page.get_by_role("button", name="Send now").tap()  # sending again stores nothing more
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    assert stored_ages(data, home) == ["70", "81"]

    page.goto(home.replace("/interviewing/", "/fieldwork"))  # the facilitators' view
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(person.display_name).first).to_be_visible()
    check_accessibility(page)
