"""The facilitators' fieldwork pages in Chromium, each checked with axe, at desktop and phone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from surveys.fielding import services as fielding
from surveys.services import import_questionnaire, publish_version

from consent_world import give_consent
from fielding_world import CODE, FIELDING_FORM, interview

pytestmark = pytest.mark.browser


def field_some_interviews(data) -> tuple[object, str]:
    """Make a study whose peer researcher sent a finished, a stopped and a failing interview."""
    study, facilitator = data.study_with(Role.FACILITATOR)
    peer = data.person("Pat Peer")
    data.member(study, peer, Role.PEER_RESEARCHER)
    with data.app.app_context():
        session = db.session
        found = get_study(session, study.slug)
        interviewer = session.scalars(sa.select(User).where(User.username == peer.username)).one()
        questionnaire = import_questionnaire(
            session, study=found, definition=FIELDING_FORM, imported_by=interviewer
        )
        version = publish_version(session, questionnaire=questionnaire, published_by=None)
        give_consent(session, found, interviewer, interviewer, CODE, data.app.config)
        stopped = interview(
            version.id,
            status="stopped",
            stop_reason="upset",
            answers={"consent_read": True, "age": 81},
            repeats={},
        )
        failing = interview(version.id)
        failing["answers"]["age"] = 12
        fielding.sync_batch(
            session,
            study=found,
            interviewer=interviewer,
            items=[interview(version.id), stopped, failing],
        )
        db.commit()
    return facilitator, f"/studies/{study.slug}/fieldwork"


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}]
)
def test_a_facilitator_reads_the_fieldwork_an_interview_and_a_held_one(
    browsing, check_accessibility, data, sign_in, viewport
):
    facilitator, fieldwork = field_some_interviews(data)
    page: Page = browsing.new_page(viewport=viewport)
    sign_in(page, facilitator)
    page.goto(fieldwork)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fieldwork")
    expect(page.get_by_text("2 interviews received.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Pat Peer").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interview of")
    expect(page.get_by_text("Not for release")).to_be_visible()
    check_accessibility(page)
    page.goto(fieldwork)
    check_accessibility(page)
    page.locator("table").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview held back")
    check_accessibility(page)
