"""Co-design in Chromium: three members suggest a change, vote, and see it in the draft and log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from test_preview import ENGLISH, q

from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from surveys import definition as d
from surveys.services import add_item, create_questionnaire

pytestmark = pytest.mark.browser


def test_three_members_agree_a_wording_change(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """A co-researcher suggests new words, all three agree, and the draft and log show it."""
    study = data.study()
    facilitator, ada, bea = (data.person(name) for name in ("Sam Okafor", "Ada Brook", "Bea Cole"))
    data.member(study, facilitator, Role.FACILITATOR, Role.CO_RESEARCHER)
    data.member(study, ada, Role.CO_RESEARCHER)
    data.member(study, bea, Role.CO_RESEARCHER)
    with data.app.app_context():
        session = db.session
        sam = session.scalars(sa.select(User).where(User.username == facilitator.username)).one()
        questionnaire = create_questionnaire(
            session,
            study=get_study(session, study.slug),
            title="What helps at home",
            languages=[ENGLISH],
            created_by=sam,
        )
        item = q("age", d.QuestionType.INTEGER, "How old are you?")
        add_item(session, questionnaire=questionnaire, item=item, changed_by=sam)
        db.commit()
        base = f"/studies/{study.slug}/questionnaires/{questionnaire.id}"

    sign_in(page, ada)
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name="Suggest a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest a change")
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("What is your age?")
    page.get_by_label("Why?").fill("Shorter, and it sounds kinder.")
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    expect(page.locator("del")).to_contain_text("How old are you")
    expect(page.locator("ins")).to_contain_text("What is your age")
    check_accessibility(page)
    proposal_url = page.url

    for person in (ada, bea, facilitator):
        voter = page if person is ada else new_page()
        if person is not ada:
            sign_in(voter, person)
            voter.goto(proposal_url)
            check_accessibility(voter)
        voter.get_by_label("Agree", exact=True).check()
        voter.get_by_role("button", name="Send my vote").click()
        check_accessibility(voter)
    expect(voter.get_by_text("Everyone has voted. Agreed")).to_be_visible()

    voter.goto(f"{base}/")
    expect(voter.get_by_role("heading", name="What is your age?")).to_be_visible()
    check_accessibility(voter)
    voter.get_by_role("link", name="Suggestions and decisions").click()
    check_accessibility(voter)
    voter.get_by_role("link", name="Decision log").first.click()
    expect(voter.get_by_role("heading", level=2).first).to_contain_text("How old are you?")
    expect(voter.get_by_text("Ada Brook: Agree")).to_be_visible()
    expect(voter.get_by_text("Bea Cole: Agree")).to_be_visible()
    expect(voter.get_by_text("Sam Okafor: Agree")).to_be_visible()
    expect(voter.get_by_text("The change was made to the draft.").first).to_be_visible()
    check_accessibility(voter)
