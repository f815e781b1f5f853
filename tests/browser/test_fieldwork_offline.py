"""Offline first, with the network really off: two interviews done offline stay queued across
a browser restart, and send by themselves, without a reload, when the connection is back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, sign_in_over_http
from fieldwork_helpers import (  # live_server replaces conftest's in this module
    RETURNING,
    TABLET,
    answer_quickly,
    consent_before,
    fieldwork_server,  # noqa: F401
    help_at_home,
    interviewer_with,
    live_server,  # noqa: F401
    publish_consent_form,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import BrowserContext, Page, expect
from test_preview import png

from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from surveys import definition as d
from surveys.media import store_image
from surveys.services import add_item, create_questionnaire, publish_version

pytestmark = pytest.mark.browser


def open_tablet(browser, browsing, profile: Path, base_url: str) -> tuple[BrowserContext, Page]:
    """Start Chromium with a profile kept on disk (a tablet that can be switched off)."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=shutil.which(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")),
        args=CHROMIUM_ARGS,
        base_url=base_url,
        **TABLET,
    )
    context.set_default_timeout(10_000)
    page = context.pages[0] if context.pages else context.new_page()
    browsing._watch(page)
    return context, page


def queue_status(page: Page):
    """Return the line that says how the send queue stands."""
    return page.locator("[data-queue-status]")


def test_interviews_done_offline_survive_a_restart_and_send_when_the_network_is_back(
    browser,
    browsing,
    check_accessibility,
    data,
    fieldwork_server,  # noqa: F811
    tmp_path,
):
    """Offline: two interviews, the browser closed and reopened offline, then sent."""
    person, home = interviewer_with(data, help_at_home())
    profile = tmp_path / "tablet-profile"
    context, page = open_tablet(browser, browsing, profile, fieldwork_server.base_url)
    try:
        sign_in_over_http(page, person)
        page.goto(home)
        expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
        check_accessibility(page)

        context.set_offline(True)
        for age in ("70", "81"):
            start_interview(page)
            check_accessibility(page)
            answer_quickly(page, age)
            check_accessibility(page)
        expect(queue_status(page)).to_have_text("2 interviews waiting to send")
        expect(page.get_by_text("No connection.")).to_be_visible()
    finally:
        context.close()
    assert fieldwork_server.api.interviews == {}

    context, page = open_tablet(browser, browsing, profile, fieldwork_server.base_url)
    try:
        context.set_offline(True)
        page.goto(home)
        expect(queue_status(page)).to_have_text("2 interviews waiting to send")
        check_accessibility(page)
        assert fieldwork_server.api.interviews == {}
        if not any(cookie["name"] == "session" for cookie in context.cookies()):
            # The sign-in did not outlive the browser: the interviewer signs in again (in
            # another tab, keeping this page), and the queue goes under their name.
            sign_in_over_http(page, person)

        context.set_offline(False)  # the app hears 'online' and sends, without a reload
        expect(queue_status(page)).to_have_text("All sent")
        assert len(fieldwork_server.api.interviews) == 2
        ages = sorted(item["answers"]["age"] for item in fieldwork_server.api.interviews.values())
        assert ages == [70, 81]
        assert stored_interviews(page) == []
        check_accessibility(page)
    finally:
        context.close()


def picture_questionnaire(data):
    """Make a study whose published questionnaire asks a question with a picture, with a
    consent form and a participant who consented before."""
    study, person = data.study_with(Role.PEER_RESEARCHER, Role.FACILITATOR)
    with data.app.app_context():
        session = db.session
        user = data.user_of(session, person)
        questionnaire = create_questionnaire(
            session,
            study=get_study(session, study.slug),
            title="Tea",
            languages=[d.Language("en", "English")],
            created_by=user,
        )
        picture = store_image(
            session,
            questionnaire=questionnaire,
            data=png(),
            filename="cup.png",
            max_bytes=1_000_000,
            uploaded_by=user,
        )
        question = d.Question(
            name="tea",
            type=d.QuestionType.YES_NO,
            label={"en": "Do you like tea?"},
            image=picture.stored_name,
        )
        add_item(session, questionnaire=questionnaire, item=question, changed_by=user)
        publish_version(session, questionnaire=questionnaire, published_by=user)
        found = get_study(session, study.slug)
        publish_consent_form(session, found, user)
        consent_before(session, found, user, RETURNING)
        db.commit()
    return person, f"/studies/{study.slug}/interviewing/"


def test_an_interview_starts_offline_with_its_pictures(
    new_page, check_accessibility, data, sign_in
):
    """The kept version shows its picture with the network off."""
    person, home = picture_questionnaire(data)
    page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    page.context.set_offline(True)
    start_interview(page)
    check_accessibility(page)
    picture = page.get_by_role("img", name="Do you like tea?")
    expect(picture).to_be_visible()
    page.wait_for_function("image => image.complete", arg=picture.element_handle())
    assert picture.evaluate("image => image.naturalWidth") == 40
