"""The facilitators' consent pages in Chromium, each checked with axe: the register, a
participant, their details after a reason, the copy, and a withdrawal with its confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from consent.services import ensure_study_key, receive_consents
from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study

from consent_world import (
    add_code,
    consent_item,
    details,
    publish_consent_form,
)

pytestmark = pytest.mark.browser
CODE = "KT7-M4C"


def study_with_a_consent(data) -> tuple:
    """Make a study with a facilitator and a peer researcher, and one signed consent."""
    study, facilitator = data.study_with(Role.FACILITATOR)
    interviewer = data.person("Pat Interviewer")
    data.member(study, interviewer, Role.PEER_RESEARCHER)
    app = data.app
    with app.test_request_context(method="POST"):
        session = db.session
        found = get_study(session, study.slug)
        people = {
            person.username: session.scalars(
                sa.select(User).where(User.username == person.username)
            ).one()
            for person in (facilitator, interviewer)
        }
        key_dir = Path(app.config["CONSENT_KEY_DIR"])
        key = ensure_study_key(session, found, key_dir)  # one key per study: never rolled back
        version = publish_consent_form(session, found, people[facilitator.username])
        add_code(session, found, people[interviewer.username], CODE)
        sealed = details(
            "signature", contact={"email": "mary@example.org", "phone": None, "address": None}
        )
        item = consent_item(
            version.id,
            CODE,
            key,
            answers={"take_part": True, "quotes": False, "recontact": True},
            sealed=sealed,
        )
        (receipt,) = receive_consents(
            session,
            study=found,
            interviewer=people[interviewer.username],
            items=[item],
            key_dir=key_dir,
        )
        assert receipt.outcome == "accepted", receipt.message
        db.commit()
    return study, facilitator, interviewer, item["uuid"]


def test_consent_pages_of_a_facilitator(page: Page, check_accessibility, data, sign_in):
    """Register, participant, details, copy, withdrawal: every screen passes axe."""
    study, facilitator, _interviewer, consent_uuid = study_with_a_consent(data)
    sign_in(page, facilitator)
    page.goto(f"/studies/{study.slug}/")
    check_accessibility(page)
    page.get_by_role("link", name="Consent register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent register")
    check_accessibility(page)
    page.get_by_label("How they consented").select_option("signature")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?status=&version=&method=signature")
    check_accessibility(page)

    page.get_by_role("link", name=CODE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participant {CODE}")
    check_accessibility(page)
    page.get_by_role("link", name="See their name and details").click()
    check_accessibility(page)
    page.get_by_role("button", name="Show the details").click()
    expect(page.get_by_text("Say why you need to see these details").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Why do you need to see this person's details?").fill("To post a copy")
    page.get_by_role("button", name="Show the details").click()
    expect(page.get_by_text("Mary Jones")).to_be_visible()
    expect(page.get_by_role("img", name="Signature of Mary Jones")).to_be_visible()
    check_accessibility(page)

    page.goto(f"/studies/{study.slug}/consent/copies/{consent_uuid}")
    expect(page.get_by_role("heading", level=1)).to_have_text("The participant's copy")
    check_accessibility(page)

    page.goto(f"/studies/{study.slug}/consent/participants/{CODE}")
    check_accessibility(page)
    page.get_by_role("link", name=f"Withdraw {CODE}").click()
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Choose what should happen to their information").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Remove everything").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Withdraw participant {CODE}?")
    check_accessibility(page)
    page.get_by_role("button", name=f"Yes, withdraw {CODE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participant {CODE} has withdrawn")
    check_accessibility(page)
    page.get_by_role("link", name="Back to the consent register").click()
    expect(page.locator("strong.govuk-tag", has_text="Withdrawn")).to_be_visible()
    check_accessibility(page)


def test_copy_page_of_the_interviewer(page: Page, check_accessibility, data, sign_in):
    """The peer researcher who took the consent sees its copy page (the tablet links here)."""
    study, _facilitator, interviewer, consent_uuid = study_with_a_consent(data)
    sign_in(page, interviewer)
    page.goto(f"/studies/{study.slug}/consent/copies/{consent_uuid}")
    expect(page.get_by_role("link", name="Open the copy to print (PDF)")).to_be_visible()
    expect(page.get_by_text("not set up to send e-mail")).to_be_visible()
    check_accessibility(page)
