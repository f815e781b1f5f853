"""Consent on the tablet with the real sync API: signature consent taken with the network
really off, the interview after it, both sent when the network is back (the consent first),
the server's record holding only the sealed details, and the participant's copy (its page and
its PDF) reached from the tablet's home."""

from __future__ import annotations

import io

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
from fieldwork_helpers import (
    TABLET,
    answer_quickly,
    help_at_home,
    interviewer_with,
    stored_consents,
    stored_interviews,
)
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from consent import services as consent_services
from consent.models import ConsentRecord
from peer_research.db import db
from surveys.fielding.models import Interview

pytestmark = pytest.mark.browser

NAME = "Mary Jones"
EMAIL = "mary.jones@example.org"


def server_records(data, code: str) -> list[ConsentRecord]:
    """Return the consent records the server holds for a participant code."""
    with data.app.app_context():
        return list(
            db.session.scalars(
                sa.select(ConsentRecord)
                .where(ConsentRecord.participant_code == code)
                .options(sa.orm.undefer(ConsentRecord.identifiable))
            )
        )


def raw_consent_rows(data, code: str) -> str:
    """Return the consent rows of a participant as the database holds them, as text."""
    with data.app.app_context():
        rows = db.session.execute(
            sa.text("SELECT * FROM consent_records WHERE participant_code = :code"),
            {"code": code},
        ).all()
        return repr(rows)


def test_signature_consent_offline_then_sent_then_the_copy(
    new_page, check_accessibility, data, sign_in
):
    """Offline: someone new signs, the interview follows; online: both reach the server,
    nothing readable is on the tablet or in the database, and the copy is a click away."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    expect(page.locator("[data-fieldwork-home][data-codes='10']")).to_have_count(1)
    check_accessibility(page)

    page.context.set_offline(True)
    begin_with_someone_new(page, check_accessibility)
    choose_method_and_read_sheet(page, "They sign with a finger or a pen", check_accessibility)
    agree_to_statements(
        page, {"take_part": True, "quotes": False, "recontact": True}, check_accessibility
    )
    give_name_and_contact(page, NAME, EMAIL, check_accessibility)
    page.get_by_role("button", name="Save the consent").tap()  # nothing drawn yet
    expect(page.get_by_text("The person needs to sign in the box").first).to_be_visible()
    check_accessibility(page)
    sign(page)
    code = save_consent(page)
    summary = page.locator("[data-summary-list]")
    expect(summary).to_contain_text(f"Agreed: {USUAL_STATEMENTS['take_part']}")
    expect(summary).to_contain_text(f"Did not agree: {USUAL_STATEMENTS['quotes']}")
    expect(page.get_by_text("Signed with a finger or a pen")).to_be_visible()
    check_accessibility(page)

    stored = all_stored(page)  # the raw IndexedDB, every store
    assert NAME not in stored and "Mary" not in stored and EMAIL not in stored
    [consent] = stored_consents(page)
    assert consent["participant_code"] == code
    assert consent["answers"] == {"take_part": True, "quotes": False, "recontact": True}
    assert consent["identifiable"]["alg"] == "RSA-OAEP-256+A256GCM"

    page.get_by_role("button", name="Start the interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    answer_quickly(page, "77")
    expect(page.locator("[data-queue-status]")).to_have_text("1 interview waiting to send")
    assert server_records(data, code) == []
    check_accessibility(page)

    page.context.set_offline(False)  # the app hears 'online' and sends, without a reload
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    assert stored_consents(page) == [] and stored_interviews(page) == []
    [record] = server_records(data, code)
    assert record.method.value == "signature"
    assert record.answers == {"take_part": True, "quotes": False, "recontact": True}
    details = open_with_app(data, record)
    assert details["name"] == NAME
    assert details["contact"]["email"] == EMAIL
    assert details["signature"].startswith("data:image/png;base64,")
    raw = raw_consent_rows(data, code)
    assert NAME not in raw and EMAIL not in raw
    with data.app.app_context():
        interview = db.session.scalars(
            sa.select(Interview).where(Interview.participant_code == code)
        ).one()
        assert interview.participant_code == code

    copy_link = page.get_by_role("link", name=f"Copy for {code}")
    expect(copy_link).to_have_attribute(
        "href", f"{home.split('interviewing')[0]}consent/copies/{record.uuid}"
    )
    check_accessibility(page)
    copy_link.click()
    expect(page.get_by_text(code).first).to_be_visible()
    check_accessibility(page)
    pdf_link = page.get_by_role("link", name="Print").first
    pdf = page.context.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert code in " ".join(text.split())
    assert "quoted" in text


def open_with_app(data, record: ConsentRecord) -> dict:
    """Open a record's sealed details with the study's private key, as the server does."""
    with data.app.app_context():
        return consent_services.open_envelope(
            record.identifiable, key_dir=consent_services.configured_key_dir()
        )
