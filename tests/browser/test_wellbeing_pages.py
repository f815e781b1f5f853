"""The wellbeing pages in Chromium, each checked with axe: a support lead's journey from the
alerts to acknowledging and following up, and the interviewer's own page with its chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from wellbeing_pages_world import check_in_item, give_check_ins

from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from peer_research.wellbeing import services as wellbeing

pytestmark = pytest.mark.browser
NOTE = "The story about the hospital stayed with me."


def study_with_an_alert(data) -> tuple:
    """Make a study with a support lead and an interviewer whose low debrief raised an alert."""
    study, lead = data.study_with(Role.SUPPORT_LEAD)
    interviewer = data.person("Pat Interviewer")
    data.member(study, interviewer, Role.PEER_RESEARCHER)
    with data.app.test_request_context(method="POST"):
        session = db.session
        found = get_study(session, study.slug)
        give_check_ins(
            session,
            found,
            data.user_of(session, interviewer),
            check_in_item("before", "4", hours_ago=3),
            check_in_item("after", "1", note=NOTE, upsetting="yes", hours_ago=2),
        )
        wellbeing.add_support_resource(
            session,
            study=found,
            editor=data.user_of(session, lead),
            title="Samaritans",
            contact="116 123",
        )
        db.commit()
    return study, lead, interviewer


def test_support_lead_acknowledges_and_follows_up(page: Page, check_accessibility, data, sign_in):
    """Alerts → the alert with its debrief → acknowledge → a note → followed up."""
    study, lead, _interviewer = study_with_an_alert(data)
    sign_in(page, lead)
    page.goto(study.path)
    check_accessibility(page)
    page.get_by_role("link", name="Wellbeing", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing alerts")
    check_accessibility(page)
    page.get_by_role("link", name="Open the alert about Pat Interviewer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert about Pat Interviewer")
    expect(page.get_by_text(NOTE)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="I have seen this and will get in touch").click()
    expect(page.get_by_text("You have said you will get in touch.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("link", name="Write the note")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Add a note").fill("Rang Pat, we will talk again on Friday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Rang Pat, we will talk again on Friday.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Mark as followed up").click()
    expect(page.get_by_text("The alert is marked as followed up.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Wellbeing alerts").click()
    expect(page.get_by_role("heading", level=2, name="Followed up")).to_be_visible()
    expect(page.get_by_role("cell", name="Pat Interviewer", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="New (0)").click()
    expect(page.get_by_text("There are no alerts here.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Wellbeing settings and support contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing settings")
    check_accessibility(page)


def test_interviewer_sees_their_chart_and_table(page: Page, check_accessibility, data, sign_in):
    """The interviewer's page draws the chart as an image with a name and gives the table."""
    study, _lead, interviewer = study_with_an_alert(data)
    sign_in(page, interviewer)
    page.goto(study.path)
    check_accessibility(page)
    page.get_by_role("link", name="My wellbeing", exact=True).click()
    expect(
        page.get_by_role("img", name="How you felt, before and after your interviews")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="1 (Very bad)")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="See or add to it").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your debrief")
    check_accessibility(page)
    page.get_by_role("button", name="Hide this note").click()
    expect(page.get_by_text("This note is hidden.")).to_be_visible()
    check_accessibility(page)
