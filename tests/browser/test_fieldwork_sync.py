"""Sending interviews: a sign-in that ended while offline, an interview the server did not
accept, and a new version published while an interview is under way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import PASSWORD
from fieldwork_helpers import (  # live_server replaces conftest's in this module
    TABLET,
    answer_quickly,
    fieldwork_server,  # noqa: F401
    help_at_home,
    interviewer_with,
    live_server,  # noqa: F401
    next_screen,
    q,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import Page, expect

from peer_research.db import db
from surveys import definition as d
from surveys.models import Questionnaire
from surveys.services import add_item, publish_version

pytestmark = pytest.mark.browser


def test_after_the_sign_in_ends_the_interviewer_signs_in_again_and_the_queue_sends(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """Finished offline; the session is gone when the network is back: sign in, then sent."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    page.context.set_offline(True)
    start_interview(page)
    check_accessibility(page)
    answer_quickly(page)
    check_accessibility(page)
    expect(page.locator("[data-queue-status]")).to_have_text("1 interview waiting to send")

    page.context.clear_cookies()  # the sign-in ended while the tablet was offline
    page.context.set_offline(False)
    expect(page.get_by_text("Your sign-in has ended.")).to_be_visible()
    assert fieldwork_server.api.interviews == {}
    check_accessibility(page)
    page.get_by_role("link", name="Sign in again").tap()
    page.get_by_label("Username or e-mail address").fill(person.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    check_accessibility(page)
    page.get_by_role("button", name="Sign in").tap()
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)
    assert len(fieldwork_server.api.interviews) == 1
    assert stored_interviews(page) == []


def test_an_interview_the_server_did_not_accept_stays_with_its_message(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """A quarantined interview stays on the tablet, says why, and is not sent again."""
    person, home = interviewer_with(data, help_at_home())
    fieldwork_server.api.next_outcome = ("quarantined", "The age is not one the form accepts.")
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    check_accessibility(page)
    answer_quickly(page)
    problems = page.locator("[data-problem-list]")
    expect(problems).to_contain_text("did not fit the questionnaire")
    expect(problems).to_contain_text("The age is not one the form accepts.")
    check_accessibility(page)
    posts = fieldwork_server.api.posts
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    assert fieldwork_server.api.posts == posts
    [record] = stored_interviews(page)
    assert record["outcome"]["outcome"] == "quarantined"


def test_an_interview_keeps_its_version_when_a_new_one_is_published(
    new_page, check_accessibility, data, sign_in
):
    """Started on version 1; version 2 is published; resuming goes on with version 1."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    first_version = page.url.split("/versions/")[1].split("/")[0]
    page.get_by_label("No", exact=True).check()
    next_screen(page)
    check_accessibility(page)
    page.get_by_role("button", name="Need to stop or pause?").tap()
    page.get_by_role("button", name="Pause the interview").tap()
    expect(page.get_by_role("button", name="Go on with this interview")).to_be_visible()
    check_accessibility(page)

    with data.app.app_context():
        session = db.session
        author = data.user_of(session, person)
        questionnaire = session.scalars(
            sa.select(Questionnaire).order_by(Questionnaire.id.desc())
        ).first()
        add_item(
            session,
            questionnaire=questionnaire,
            item=q("pets", d.QuestionType.YES_NO, "Do you have pets?"),
            changed_by=author,
        )
        publish_version(session, questionnaire=questionnaire, published_by=author)
        db.commit()

    page.reload()
    check_accessibility(page)
    expect(page.get_by_text("What helps at home (version 2)")).to_be_visible()
    page.get_by_role("button", name="Go on with this interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    assert f"/versions/{first_version}/" in page.url
    expect(page.get_by_label("How old are you?")).to_be_visible()
    assert page.get_by_text("Do you have pets?").count() == 0


def test_signing_out_forgets_the_pages_kept_for_the_interviewer(
    new_page, check_accessibility, data, sign_in
):
    """After signing out, the kept home (with the interviewer's name) is gone from the tablet."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    kept = "async () => (await caches.keys()).filter(name => name.startsWith('fieldwork-')).length"
    assert page.evaluate(kept) == 1
    page.get_by_role("button", name="Sign out").tap()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    check_accessibility(page)
    assert page.evaluate(kept) == 0


def test_signing_out_on_another_page_of_the_site_forgets_the_kept_pages_too(
    new_page, check_accessibility, data, sign_in
):
    """Signing out from the study's home (not the app) also clears what the app kept."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    kept = "async () => (await caches.keys()).filter(name => name.startsWith('fieldwork-')).length"
    assert page.evaluate(kept) == 1
    page.goto(home.split("/interviewing/")[0] + "/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").tap()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    check_accessibility(page)
    assert page.evaluate(kept) == 0


def test_a_lost_receipt_is_retried_by_itself_and_the_server_holds_the_interview_once(
    browsing_without_verdict,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """The server keeps the batch but dies before answering: the app waits, sends again,
    hears "already received", and only then deletes the interview."""
    person, home = interviewer_with(data, help_at_home())
    fieldwork_server.api.lose_receipts = 1
    page: Page = browsing_without_verdict.new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    browsing_without_verdict.check_accessibility(page)
    start_interview(page)
    browsing_without_verdict.check_accessibility(page)
    answer_quickly(page)
    expect(page.get_by_text("Could not send. Trying again by itself in 2 seconds.")).to_be_visible()
    browsing_without_verdict.check_accessibility(page)
    expect(page.locator("[data-queue-status]")).to_have_text("All sent", timeout=10_000)
    assert fieldwork_server.api.posts == 2
    assert len(fieldwork_server.api.interviews) == 1
    assert stored_interviews(page) == []
    problems = browsing_without_verdict.problems()
    assert problems, "the 503 should show in the console"
    assert all("503" in line for line in problems), problems
