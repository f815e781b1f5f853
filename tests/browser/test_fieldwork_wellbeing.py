"""The interviewer's wellbeing on the tablet: check-in → consent → interview → debrief, partly
offline, with an alert for the study's support lead; "I'd like to talk to someone" offline
then sent; the gentle reminder over the interviewer's own daily limit; every new screen
clean for axe at tablet and phone sizes."""

from __future__ import annotations

import json

import pytest
from conftest import PASSWORD, Person
from consent_steps import (
    agree_to_statements,
    begin_with_someone_new,
    choose_method_and_read_sheet,
    give_name_and_contact,
    save_consent,
    sign,
)
from fieldwork_helpers import (  # live_server replaces conftest's in this module
    PHONE,
    TABLET,
    fieldwork_server,
    help_at_home,
    interviewer_with,
    live_server,
    next_screen,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import Page, expect
from wellbeing_steps import back_home, check_in, debrief, stored

from peer_research.accounts.services import create_user, get_user
from peer_research.db import db
from peer_research.studies.models import Role
from peer_research.studies.services import add_member, get_study
from peer_research.wellbeing import services as wellbeing

__all__ = ["fieldwork_server", "live_server"]


def with_support(data, home: str, person, *, limit: int | None = None) -> str:
    """Give the study a support lead and a support resource, and the interviewer a daily
    limit; return the support lead's user id."""
    slug = home.split("/")[2]
    with data.app.app_context():
        session = db.session
        study = get_study(session, slug)
        user = data.user_of(session, person)
        lead = create_user(
            session, username=f"lead-{slug}", display_name="Sam Support", password=PASSWORD
        )
        add_member(session, study=study, user=lead, roles=[Role.SUPPORT_LEAD], added_by=None)
        wellbeing.add_support_resource(
            session,
            study=study,
            editor=user,
            title="Peer support line",
            description="Talk to another peer researcher.",
            contact="0800 123 456",
            opening_hours="Every day, 9am to 9pm",
        )
        if limit is not None:
            wellbeing.set_limit(session, study=study, user=user, max_interviews_per_day=limit)
        db.commit()
        return lead.id


def alerts_seen_by_lead(data, home: str, lead: int) -> list[tuple[str, str | None]]:
    """Return the study's alerts as its support lead sees them: (cause, interview uuid)."""
    slug = home.split("/")[2]
    with data.app.app_context():
        session = db.session
        study = get_study(session, slug)
        viewer = get_user(session, lead)
        return [
            (alert.cause.value, alert.interview_uuid)
            for alert in wellbeing.alerts_for(session, study=study, viewer=viewer)
        ]


def test_check_in_consent_interview_and_a_hard_debrief_offline_reach_the_support_lead(
    new_page, check_accessibility, data, sign_in, fieldwork_server
):
    """A visit runs check-in → consent → interview → debrief; the network is off from the
    interview on; the low debrief suggests a break and shows the study's support, offline;
    back online, everything is sent, the support lead has the alert and acknowledges it."""
    person, home = interviewer_with(data, help_at_home())
    lead = with_support(data, home, person)
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)

    begin_with_someone_new(page)  # the check-in comes first, then the consent step
    choose_method_and_read_sheet(page, "They sign with a finger or a pen")
    agree_to_statements(page, {"take_part": True, "quotes": True, "recontact": False})
    give_name_and_contact(page, "Pat Example", None)
    sign(page)
    save_consent(page)
    check_accessibility(page)
    page.locator("[data-start-interview]").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)

    page.context.set_offline(True)  # no signal from here to the end of the debrief
    page.get_by_label("No", exact=True).check()
    next_screen(page)
    page.get_by_label("How old are you?").fill("70")
    next_screen(page)
    page.get_by_role("textbox", name="What is the helper's name?").fill("Sam")
    next_screen(page)
    page.get_by_label("3 of 3").check()
    next_screen(page)
    page.get_by_role("button", name="Finish the interview").tap()
    debrief(page, feeling="Very bad", note="A hard story today.")
    [interview] = stored_interviews(page)
    assert interview["status"] == "complete"
    expect(page.get_by_text("That sounds like a hard interview. Take a break")).to_be_visible()
    expect(page.get_by_role("heading", name="Peer support line")).to_be_visible()
    expect(page.get_by_text("0800 123 456")).to_be_visible()
    kept = sorted(stored(page, "check_ins"), key=lambda record: record["kind"])
    assert [(r["kind"], r["score"]) for r in kept] == [("after", 1), ("before", 4)]
    assert {r["interview_uuid"] for r in kept} == {interview["uuid"]}
    assert kept[0]["note"] == "A hard story today."
    assert fieldwork_server.api.posts == 0

    page.context.set_offline(False)
    back_home(page)
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)
    assert stored(page, "check_ins") == []
    assert stored(page, "consents") == []
    assert list(fieldwork_server.api.interviews) == [interview["uuid"]]
    assert fieldwork_server.api.check_in_posts >= 1
    assert alerts_seen_by_lead(data, home, lead) == [("low_score", interview["uuid"])]

    # The support lead, on their own device, sees the alert and says they will get in touch.
    lead_page: Page = new_page()
    sign_in(lead_page, Person(username=f"lead-{home.split('/')[2]}", display_name="Sam Support"))
    lead_page.goto(home.split("/interviewing/")[0] + "/wellbeing/alerts")
    check_accessibility(lead_page)
    lead_page.get_by_role("link", name="Open the alert about").first.click()
    expect(lead_page.get_by_text("A hard story today.")).to_be_visible()
    check_accessibility(lead_page)
    lead_page.get_by_role("button", name="I have seen this and will get in touch").click()
    expect(lead_page.get_by_text("You have said you will get in touch.")).to_be_visible()
    check_accessibility(lead_page)
    assert alerts_in_state(data, home, lead) == ["acknowledged"]


def alerts_in_state(data, home: str, lead: int) -> list[str]:
    """Return the state of each of the study's alerts, as its support lead sees them."""
    with data.app.app_context():
        session = db.session
        study, viewer = get_study(session, home.split("/")[2]), get_user(session, lead)
        return [a.state.value for a in wellbeing.alerts_for(session, study=study, viewer=viewer)]


def test_talk_to_someone_offline_waits_and_is_sent_when_the_signal_is_back(
    new_page, check_accessibility, data, sign_in, fieldwork_server
):
    """Offline, the request is kept and the tablet says so; back online, it is sent by itself
    and the support lead has a "reached out" alert."""
    person, home = interviewer_with(data, help_at_home())
    lead = with_support(data, home, person)
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    start_interview(page)
    page.context.set_offline(True)
    talk = page.locator("[data-talk]")
    talk.get_by_role("button", name="I'd like to talk to someone").tap()
    check_accessibility(page)
    page.get_by_label("Anything you want to tell them? (you do not have to)").fill("Rough day.")
    talk.get_by_role("button", name="Ask someone to get in touch").tap()
    expect(talk.get_by_role("status")).to_contain_text("There is no connection now")
    expect(talk).to_have_attribute("data-talk-state", "queued")
    check_accessibility(page)
    assert [r["message"] for r in stored(page, "reach_outs")] == ["Rough day."]
    assert fieldwork_server.api.reach_out_posts == 0

    page.context.set_offline(False)  # the page hears 'online' and sends it
    expect(talk).to_have_attribute("data-talk-state", "sent")
    expect(talk.get_by_role("status")).to_contain_text("Someone from the study's support team")
    assert stored(page, "reach_outs") == []
    assert ("reached_out", None) in alerts_seen_by_lead(data, home, lead)


def test_over_the_daily_limit_the_check_in_reminds_and_never_blocks(
    new_page, check_accessibility, data, sign_in, fieldwork_server
):
    """With a limit of one interview a day, the second check-in of the day says so gently,
    and the interview still starts."""
    person, home = interviewer_with(data, help_at_home())
    with_support(data, home, person, limit=1)
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    check_accessibility(page)
    page.goto(home)
    check_accessibility(page)
    page.get_by_role("button", name="Start an interview").first.tap()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill("KT7-M4C")
    page.get_by_role("button", name="Continue").tap()
    reminder = page.locator("[data-limit-reminder]")
    expect(reminder).to_contain_text("You have started 1 interviews today")
    expect(reminder).to_contain_text("at most 1 a day")
    check_in(page)
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)


@pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])
def test_every_wellbeing_screen_passes_axe(
    new_page, check_accessibility, data, sign_in, fieldwork_server, size
):
    """Each check-in and debrief screen, the talk panel, the support page with the study's
    resources and the way on to the debrief: no WCAG 2.2 AA problem."""
    person, home = interviewer_with(data, help_at_home())
    with_support(data, home, person)
    page: Page = new_page(**size)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    page.locator("[data-talk]").get_by_role("button", name="I'd like to talk to someone").tap()
    check_accessibility(page)
    page.get_by_role("button", name="Not now").tap()
    page.get_by_role("button", name="Start an interview").first.tap()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill("KT7-M4C")
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("[data-wellbeing-app][data-ready=true]")).to_have_count(1)
    page.get_by_role("button", name="Next question").tap()  # nothing chosen: an error
    expect(page.locator('[data-question][data-field="feeling"]')).to_contain_text(
        "Choose an answer"
    )
    check_in(page, check=check_accessibility)
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    page.get_by_role("button", name="Need to stop or pause?").tap()
    page.get_by_role("button", name="Stop the interview").tap()
    page.get_by_label("The person is upset").check()
    page.get_by_role("button", name="Stop and keep the answers").tap()
    expect(page.get_by_role("heading", name="The interview has stopped")).to_be_visible()
    expect(page.get_by_role("heading", name="Peer support line")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="How are you?").tap()
    debrief(page, feeling="Good", get_in_touch="Yes", check=check_accessibility)
    expect(page.get_by_text("That sounds like a hard interview")).to_be_hidden()
    back_home(page)
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)


def test_a_tablet_with_the_older_store_keeps_its_interviews_and_consents(
    new_page, check_accessibility, data, sign_in, fieldwork_server
):
    """The store's upgrade to version 3 adds the wellbeing stores and keeps what version 2
    held: an unfinished interview and a consent waiting to send."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    settings = page.locator("[data-fieldwork-home]").get_attribute("data-settings")
    owner = json.loads(settings)["owner"]
    study = home.split("/")[2]
    page.evaluate(
        """async ([owner, study]) => {
            const gone = indexedDB.deleteDatabase('peer-research-fielding')
            await new Promise(resolve => { gone.onsuccess = gone.onblocked = resolve })
            const open = indexedDB.open('peer-research-fielding', 2)
            open.onupgradeneeded = () => {
              const db = open.result
              db.createObjectStore('interviews', { keyPath: 'uuid' })
                .createIndex('owner_study', ['owner', 'study'])
              db.createObjectStore('settings', { keyPath: 'key' })
              db.createObjectStore('consents', { keyPath: 'uuid' })
                .createIndex('owner_study', ['owner', 'study'])
            }
            const db = await new Promise(resolve => { open.onsuccess = () => resolve(open.result) })
            const transaction = db.transaction(['interviews', 'consents'], 'readwrite')
            transaction.objectStore('interviews').put({
              uuid: 'old-interview', owner, study, status: 'in_progress', title: 'Old',
              page: location.pathname, started_at: '2026-01-01T10:00:00Z',
              participant_code: 'KT7-M4C', outcome: null
            })
            transaction.objectStore('consents').put({
              uuid: 'old-consent', owner, study, given_at: '2026-01-01T09:00:00Z',
              participant_code: 'KT7-M4C', outcome: { outcome: 'conflict', message: '' }
            })
            await new Promise(resolve => { transaction.oncomplete = resolve })
            db.close()
        }""",
        [owner, study],
    )
    page.reload()
    expect(page.locator("[data-unfinished='old-interview']")).to_have_count(1)
    check_accessibility(page)
    assert (
        page.evaluate(
            "async () => (await indexedDB.databases())"
            ".find(found => found.name === 'peer-research-fielding').version"
        )
        == 3
    )
    assert [r["uuid"] for r in stored(page, "interviews")] == ["old-interview"]
    assert [r["uuid"] for r in stored(page, "consents")] == ["old-consent"]
    assert stored(page, "check_ins") == []
    assert stored(page, "reach_outs") == []
