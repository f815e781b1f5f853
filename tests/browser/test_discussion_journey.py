"""Comments in Chromium: two members talk about a question, reply in a thread and react."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from test_preview import ENGLISH, q

from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from surveys import definition as d
from surveys.codesign.models import ChangeKind
from surveys.codesign.services import create_proposal
from surveys.services import add_item, create_questionnaire

pytestmark = pytest.mark.browser


def test_two_members_comment_reply_and_react(
    page: Page, new_page, check_accessibility, data, sign_in
):
    """A peer researcher asks about a question; an academic partner replies and reacts."""
    study = data.study()
    facilitator, bea, pat = (data.person(name) for name in ("Sam Okafor", "Bea Cole", "Pat Lin"))
    data.member(study, facilitator, Role.FACILITATOR)
    data.member(study, bea, Role.PEER_RESEARCHER)
    data.member(study, pat, Role.ACADEMIC_PARTNER)
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
        proposal = create_proposal(
            session,
            questionnaire=questionnaire,
            author=sam,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Shorter",
            item=q("age", d.QuestionType.INTEGER, "Your age?"),
            target_name="age",
            open_now=True,
        )
        db.commit()
        base = f"/studies/{study.slug}/questionnaires/{questionnaire.id}"

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
    page.goto(f"{base}/suggestions/{proposal.id}")
    check_accessibility(page)
    page.get_by_label("What do you think about this suggestion?").fill("Shorter is kinder.")
    page.get_by_role("button", name="Add your comment").click()
    expect(page.get_by_text("Shorter is kinder.")).to_be_visible()
    check_accessibility(page)
