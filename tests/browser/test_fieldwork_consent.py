"""The consent step on the tablet: verbal, consultee, typed-name and signature consent (each
screen checked with axe, at tablet and phone sizes), the easy-read sheet with its picture
offline, a required statement not agreed, a participant who must consent again or has left
the study, an empty pool of codes offline, and an interview held back until its consent
arrives. Codes and consents go through the consent services (the fake sync API's), so what
the browser sealed is opened with the study's private key here."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa
from consent_steps import (
    USUAL_STATEMENTS,
    agree_to_statements,
    all_stored,
    begin_with_someone_new,
    choose_method_and_read_sheet,
    give_name_and_contact,
    save_consent,
    sign,
)
from fieldwork_helpers import (  # live_server replaces conftest's in this module
    PHONE,
    RETURNING,
    TABLET,
    answer_quickly,
    fieldwork_server,  # noqa: F401
    help_at_home,
    interviewer_with,
    live_server,  # noqa: F401
    publish_consent_form,
    start_interview,
    stored_consents,
    stored_interviews,
)
from playwright.sync_api import Page, expect
from test_preview import RECORD_SPEECH, png
from wellbeing_steps import check_in

from consent import services as consent_services
from consent.models import ConsentPicture, ConsentRecord
from peer_research.db import db
from peer_research.studies.services import get_study
from surveys.models import Questionnaire, QuestionnaireVersion

pytestmark = pytest.mark.browser

METHODS = {
    "signature": "They sign with a finger or a pen",
    "typed_name": "They type their name",
    "verbal": "They say yes out loud",
    "consultee": "Someone agrees for them (a consultee)",
}


def slug_of(home: str) -> str:
    """Return the study's slug from its interviewing home."""
    return home.split("/")[2]


def opened_record(data, home: str, code: str) -> tuple[ConsentRecord, dict]:
    """Return the server's consent record of a code and its details, opened with the key."""
    with data.app.app_context():
        study = get_study(db.session, slug_of(home))
        record = db.session.scalars(
            sa.select(ConsentRecord)
            .where(ConsentRecord.study_id == study.id, ConsentRecord.participant_code == code)
            .options(sa.orm.undefer(ConsentRecord.identifiable))
        ).one()
        details = consent_services.open_envelope(
            record.identifiable, key_dir=consent_services.configured_key_dir()
        )
        db.session.expunge(record)
        return record, details


def fill_confirmation(page: Page, method: str) -> None:
    """Fill the last screen as the method asks: sign, type, or name the witness or consultee."""
    if method == "signature":
        sign(page)
    elif method == "typed_name":
        page.get_by_label("Type your name to agree").fill("Mary Jones")
    elif method == "verbal":
        page.get_by_label("Who heard the person agree?").fill("Wendy Witness")
    else:
        page.get_by_label("Consultee's full name").fill("Colin Consultee")
        page.get_by_label("How do they know the person?").fill("son")


@pytest.mark.parametrize(
    ("method", "viewport"),
    [("verbal", TABLET), ("consultee", TABLET), ("typed_name", PHONE), ("signature", PHONE)],
)
def test_consent_by_each_method_is_sealed_and_every_screen_is_accessible(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
    method,
    viewport,
):
    """Someone new agrees by one method; the server opens exactly what was given."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**viewport)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)
    begin_with_someone_new(page, check_accessibility)
    choose_method_and_read_sheet(page, METHODS[method], check_accessibility)
    agree_to_statements(
        page, {"take_part": True, "quotes": True, "recontact": False}, check_accessibility
    )
    give_name_and_contact(page, "Mary Jones", None, check_accessibility)  # no contact asked
    page.get_by_role("button", name="Save the consent").tap()  # nothing filled in yet
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page)
    fill_confirmation(page, method)
    code = save_consent(page)
    expect(page.locator("[data-summary-list]")).to_contain_text(
        f"Agreed: {USUAL_STATEMENTS['quotes']}"
    )
    check_accessibility(page)
    assert "Mary" not in all_stored(page) and "Witness" not in all_stored(page)
    assert "Consultee" not in all_stored(page)

    page.get_by_role("button", name="Start the interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    answer_quickly(page)
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)
    [sent] = fieldwork_server.api.interviews.values()
    assert sent["participant_code"] == code
    [consent] = fieldwork_server.api.consents.values()
    assert sent["consent_uuid"] == consent["uuid"]
    record, details = opened_record(data, home, code)
    assert record.method.value == method
    assert record.answers == {"take_part": True, "quotes": True, "recontact": False}
    assert details["name"] == "Mary Jones"
    assert details["contact"] is None
    expected = {
        "signature": ("signature", lambda value: value.startswith("data:image/png;base64,")),
        "typed_name": ("typed_name", lambda value: value == "Mary Jones"),
        "verbal": ("witness", lambda value: value == "Wendy Witness"),
        "consultee": (
            "consultee",
            lambda v: v == {"name": "Colin Consultee", "relationship": "son"},
        ),
    }
    name, fits = expected[method]
    assert fits(details[name]), details
    assert [key for key in ("signature", "typed_name", "witness", "consultee") if details[key]] == [
        name
    ]
    assert stored_consents(page) == []
    expect(page.get_by_role("link", name=f"Copy for {code}")).to_be_visible()


def test_a_required_statement_not_agreed_ends_kindly_with_nothing_kept(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """ "No" to taking part: a kind goodbye, no consent, no code used, no interview."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)
    begin_with_someone_new(page)
    choose_method_and_read_sheet(page, METHODS["verbal"])
    agree_to_statements(page, {"take_part": False})
    expect(page.get_by_role("heading", name="Thank you. That is fine.")).to_be_visible()
    expect(page.get_by_text("Nothing about this person has been kept")).to_be_visible()
    check_accessibility(page)
    assert stored_consents(page) == []
    page.get_by_role("button", name="Back to interviews").tap()
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)
    assert stored_interviews(page) == []
    assert fieldwork_server.api.consents == {}
    settings = json.loads(all_stored(page))["settings"]
    assert [row["value"] for row in settings if row["key"].startswith("visit:")] == [None]


def test_the_easy_read_sheet_shows_its_picture_offline_and_the_statements_follow_it(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """The switch shows the easy-read sheet (its picture kept for offline) and wording;
    "Read aloud" reads what shows."""
    picture = png()
    stored_name = f"{hashlib.sha256(picture).hexdigest()}.png"
    content = consent_services.default_content()
    content["easy_read"] = {
        "en": [
            {"text": "We want to hear from you.", "picture": stored_name, "alt": "People talking"}
        ]
    }
    person, home = interviewer_with(data, help_at_home(), consent_form=content)
    with data.app.app_context():
        study = get_study(db.session, slug_of(home))
        db.session.add(
            ConsentPicture(
                study_id=study.id, stored_name=stored_name, content_type="image/png", data=picture
            )
        )
        db.commit()
    page: Page = new_page(**TABLET)
    page.add_init_script(RECORD_SPEECH)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)
    page.context.set_offline(True)
    begin_with_someone_new(page)
    page.get_by_label(METHODS["typed_name"]).check()
    page.get_by_role("button", name="Continue").first.tap()
    switch = page.get_by_role("button", name="Show the easy-read version")
    switch.tap()
    expect(page.get_by_text("We want to hear from you.")).to_be_visible()
    image = page.get_by_role("img", name="People talking")
    expect(image).to_be_visible()
    page.wait_for_function("image => image.complete", arg=image.element_handle())
    assert image.evaluate("image => image.naturalWidth") == 40
    expect(page.get_by_role("button", name="Show the usual version")).to_have_attribute(
        "aria-pressed", "true"
    )
    check_accessibility(page)
    read_aloud = page.locator("[data-screen]:not([hidden]) [data-read-aloud]")
    read_aloud.tap()  # the easy read, as it shows
    assert [piece["text"] for piece in page.evaluate("window.__spoken")] == [
        "Taking part in our study",
        "We want to hear from you.",
    ]
    page.locator("[data-screen=sheet] [data-continue]").tap()
    expect(page.get_by_role("heading", name="I want to take part.")).to_be_visible()
    check_accessibility(page)
    page.evaluate("window.__spoken = []")
    read_aloud.tap()
    assert [piece["text"] for piece in page.evaluate("window.__spoken")] == [
        "I want to take part.",
        "Yes, I agree",
        "No, I do not agree",
    ]


def test_someone_who_must_consent_again_gets_the_consent_step_and_someone_withdrawn_does_not(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """A new version asks again: the consent step runs for the returning code; a withdrawn
    participant is turned away with a plain message."""
    person, home = interviewer_with(data, help_at_home())
    with data.app.app_context():
        session = db.session
        study = get_study(session, slug_of(home))
        user = data.user_of(session, person)
        content = consent_services.default_content()
        content["title"]["en"] = "Taking part in our study (new wording)"
        publish_consent_form(session, study, user, content, requires_reconsent=True)
        session.add(
            consent_services.ParticipantCode(
                study_id=study.id, code="AC3-DE4", reserved_for_id=user.id
            )
        )
        db.commit()
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    page.get_by_role("button", name="Start an interview").first.tap()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill("kt7 m4c")  # typed loosely
    page.get_by_role("button", name="Continue").tap()
    check_in(page)
    expect(page.locator("[data-consent-app][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    choose_method_and_read_sheet(page, METHODS["verbal"])
    agree_to_statements(page, {"take_part": True, "quotes": False, "recontact": False})
    give_name_and_contact(page, "Sam Before", None)
    fill_confirmation(page, "verbal")
    assert save_consent(page) == RETURNING
    page.get_by_role("button", name="Start the interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    answer_quickly(page)
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)
    [sent] = fieldwork_server.api.interviews.values()
    assert sent["participant_code"] == RETURNING

    with data.app.app_context():
        session = db.session
        consent_services.withdraw(
            session,
            study=get_study(session, slug_of(home)),
            code=RETURNING,
            choice=consent_services.WithdrawalChoice.KEEP_ANALYSED,
            reason="Asked to stop",
            by=data.user_of(session, person),
        )
        db.commit()
    page.reload()
    check_accessibility(page)
    page.get_by_role("button", name="Start an interview").first.tap()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill(RETURNING)
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#who-code-error")).to_contain_text("has left the study (withdrawn)")
    check_accessibility(page)
    page.get_by_label("Their participant code").fill("XXX-XXX")
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#who-code-error")).to_contain_text("does not know that participant code")


def test_with_no_codes_left_offline_the_tablet_says_so(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """An empty pool offline: "Someone new" is refused in plain words; someone returning is fine."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)
    page.context.set_offline(True)
    page.evaluate(
        """owner => new Promise((resolve, reject) => {
            const open = indexedDB.open('peer-research-fielding')
            open.onsuccess = () => {
              const db = open.result
              const transaction = db.transaction('settings', 'readwrite')
              const store = transaction.objectStore('settings')
              const read = store.getAll()
              read.onsuccess = () => {
                for (const row of read.result) {
                  if (row.key.startsWith('codes:')) store.put({ key: row.key, value: [] })
                }
              }
              transaction.oncomplete = () => { db.close(); resolve() }
              transaction.onerror = () => reject(transaction.error)
            }
        })""",
        None,
    )
    page.get_by_role("button", name="Start an interview").first.tap()
    page.get_by_label("Someone new").check()
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#who-error")).to_contain_text(
        "There are no participant codes left on this tablet. Connect to the internet"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Cancel").tap()
    start_interview(page)  # someone who took part before needs no new code
    check_accessibility(page)


def test_an_interview_waits_for_its_consent_and_is_sent_again(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """The consent has not arrived: the interview comes back "needs consent", stays, says
    why, and goes with the consent at the next send."""
    person, home = interviewer_with(data, help_at_home())
    fieldwork_server.api.ignore_consents = True
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)
    begin_with_someone_new(page)
    choose_method_and_read_sheet(page, METHODS["typed_name"])
    agree_to_statements(page, {"take_part": True, "quotes": True, "recontact": False})
    give_name_and_contact(page, "Mary Jones", None)
    fill_confirmation(page, "typed_name")
    code = save_consent(page)
    check_accessibility(page)
    page.get_by_role("button", name="Start the interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    answer_quickly(page)
    problems = page.locator("[data-problem-list]")
    expect(problems).to_contain_text("Waiting for the person's consent to reach the study team")
    expect(page.locator("[data-queue-status]")).to_have_text("1 interview waiting to send")
    check_accessibility(page)
    assert fieldwork_server.api.interviews == {}
    [kept] = stored_interviews(page)
    assert kept["outcome"]["outcome"] == "needs_consent"
    assert len(stored_consents(page)) == 1

    fieldwork_server.api.ignore_consents = False
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    expect(page.locator("[data-problems]")).to_be_hidden()
    check_accessibility(page)
    [sent] = fieldwork_server.api.interviews.values()
    assert sent["participant_code"] == code
    assert stored_interviews(page) == [] and stored_consents(page) == []


OLD_DATABASE = """([owner, study, page]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('peer-research-fielding', 1)
    open.onupgradeneeded = () => {
      const interviews = open.result.createObjectStore('interviews', { keyPath: 'uuid' })
      interviews.createIndex('owner_study', ['owner', 'study'])
      open.result.createObjectStore('settings', { keyPath: 'key' })
    }
    open.onsuccess = () => {
      const transaction = open.result.transaction('interviews', 'readwrite')
      transaction.objectStore('interviews').put({
        uuid: '0b7e2f5c-8d3a-4c1e-9f6b-2a4d5e6f7a8b', owner, study,
        version_id: Number(page.split('/versions/')[1].split('/')[0]), version_number: 1,
        title: 'What helps at home', language: 'en', page,
        started_at: new Date().toISOString(), finished_at: null, status: 'in_progress',
        stop_reason: null, stop_note: '', answers: {}, repeats: {}, notes: [], skipped: [],
        form: { fields: { gets_help: ['no'] }, instances: {} }, screen: null, outcome: null
      })
      transaction.oncomplete = () => { open.result.close(); resolve() }
      transaction.onerror = () => reject(transaction.error)
    }
    open.onerror = () => reject(open.error)
})"""


def test_an_interview_begun_before_the_consent_step_survives_the_upgrade_and_asks_who(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """The tablet's older database keeps its unfinished interview; going on with it asks
    who is taking part first, and the interview then carries their code."""
    person, home = interviewer_with(data, help_at_home())
    with data.app.app_context():
        owner = str(data.user_of(db.session, person).id)
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home.replace("interviewing/", ""))  # the study's home opens no database
    check_accessibility(page)
    with data.app.app_context():
        study = get_study(db.session, slug_of(home))
        version_id = db.session.scalars(
            sa.select(QuestionnaireVersion.id)
            .join(Questionnaire)
            .where(Questionnaire.study_id == study.id)
        ).one()
    interview_page = f"{home}versions/{version_id}/en"
    page.evaluate(OLD_DATABASE, [owner, slug_of(home), interview_page])

    page.goto(home)
    resume = page.get_by_role("button", name="Go on with this interview")
    expect(resume).to_be_visible()
    check_accessibility(page)
    assert (
        page.evaluate(
            "async () => (await indexedDB.databases())"
            ".find(found => found.name === 'peer-research-fielding').version"
        )
        == 3
    )
    resume.tap()
    expect(page.get_by_role("heading", name="Who is taking part?")).to_be_visible()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill(RETURNING)
    page.get_by_role("button", name="Continue").tap()
    check_in(page)
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    [record] = stored_interviews(page)
    assert record["uuid"] == "0b7e2f5c-8d3a-4c1e-9f6b-2a4d5e6f7a8b"
    assert record["participant_code"] == RETURNING
