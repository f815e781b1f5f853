"""The participant's copy: the page, the PDF (its text checked), easy-read, e-mail, who may."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa
from consent_pages_world import MARY, MARY_EMAIL
from pypdf import PdfReader

from consent.services import WithdrawalChoice, withdraw
from peer_research.audit.models import AuditEvent

from support import page_text


def pdf_text(data: bytes) -> str:
    """Return the text of every page of a PDF, with spaces collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def copy_url(world, record=None, suffix: str = "") -> str:
    """Return the address of a consent's copy."""
    return f"{world.base}/copies/{(record or world.mary).uuid}{suffix}"


def actions(db_session, study, action: str) -> list[dict]:
    """Return the details of a study's audit entries of one kind."""
    return list(
        db_session.scalars(
            sa.select(AuditEvent.detail).where(
                AuditEvent.study_id == study.id, AuditEvent.action == action
            )
        )
    )


def test_copy_page_shows_what_was_agreed_and_print_links(client, auth, pages_world):
    """The copy page lists the answers and links to the PDF, without the name."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(copy_url(pages_world))
    assert response.status_code == 200
    text = page_text(response)
    body = response.get_data(as_text=True)
    assert "Yes: I agree that my words can be quoted, without my name." in text
    assert f"{pages_world.mary.uuid}.pdf" in body
    assert "easy_read=1" not in body  # the default form has no easy-read sheet
    assert "Mary Jones" not in text


def test_copy_pdf_holds_study_sheet_answers_signature_footer_code(
    client, auth, pages_world, db_session
):
    """The PDF has the study, the sheet, each answer, the signature, version and date in the
    footer, the code and how to withdraw; making it is audited."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(copy_url(pages_world, suffix=".pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    text = pdf_text(data)
    number = pages_world.version.number
    assert "Carers' voices" in text
    assert "What is the study about?" in text
    assert "I agree that my words can be quoted, without my name. Yes, I agree" in text
    assert "I agree to be contacted about future research. Yes, I agree" in text
    assert "Signed by Mary Jones on 30 November 2026." in text
    assert f"Consent form version {number}. Agreed on 30 November 2026. Page 1 of" in text
    assert MARY in text
    assert "You can stop taking part at any time" in text
    assert any(page.images for page in PdfReader(io.BytesIO(data)).pages)  # the signature
    (entry,) = actions(db_session, pages_world.study, "consent_copy_made")
    assert entry["participant_code"] == MARY and entry["easy_read"] is False


def test_verbal_copy_names_the_witness_and_says_no(client, auth, pages_world):
    """Owen's copy says he agreed out loud, names the witness, and shows his "no"s."""
    auth.sign_in(pages_world.people["facilitator"])
    text = pdf_text(client.get(copy_url(pages_world, pages_world.owen, ".pdf")).get_data())
    assert "Owen Price agreed out loud" in text and "Witness: Wendy Witness" in text
    assert "I agree that my words can be quoted, without my name. No" in text


def test_easy_read_copy_uses_the_easy_read_words(client, auth, pages_world):
    """The easy-read copy uses each statement's easy-read words."""
    auth.sign_in(pages_world.people["facilitator"])
    text = pdf_text(client.get(copy_url(pages_world, suffix=".pdf?easy_read=1")).get_data())
    assert "You can use my words. Do not use my name. You said yes." in text
    assert "This is your copy. Keep it safe." in text


def test_interviewer_gets_the_copy_of_a_consent_they_took(client, auth, pages_world, db_session):
    """The peer researcher who took the consent may print it (audited)."""
    auth.sign_in(pages_world.people["peer_researcher"])
    assert client.get(copy_url(pages_world)).status_code == 200
    response = client.get(copy_url(pages_world, suffix=".pdf"))
    assert response.status_code == 200
    assert "Mary Jones" in pdf_text(response.get_data())
    (entry,) = actions(db_session, pages_world.study, "consent_copy_made")
    assert entry["participant_code"] == MARY


def test_another_interviewers_copy_is_404_and_audited(client, auth, pages_world, db_session):
    """A peer researcher asking for a copy someone else took gets 404; it is audited."""
    auth.sign_in(pages_world.people["other_interviewer"])
    for suffix in ("", ".pdf"):
        response = client.get(copy_url(pages_world, suffix=suffix))
        assert response.status_code == 404
        assert "Mary Jones" not in response.get_data(as_text=True)
    assert client.post(copy_url(pages_world, suffix="/email")).status_code == 404
    refused = actions(db_session, pages_world.study, "consent_copy_refused")
    assert [entry["participant_code"] for entry in refused] == [MARY, MARY, MARY]
    assert actions(db_session, pages_world.study, "consent_copy_made") == []


@pytest.mark.parametrize("role", ["co_researcher", "academic_partner", "support_lead"])
def test_other_roles_cannot_have_copies(client, auth, pages_world, role):
    """Roles that take no consent are refused."""
    auth.sign_in(pages_world.people[role])
    assert client.get(copy_url(pages_world)).status_code == 403
    assert client.get(copy_url(pages_world, suffix=".pdf")).status_code == 403


@pytest.mark.parametrize("consent_uuid", [str(uuid.uuid4()), "not-a-uuid", "x" * 500])
def test_unknown_copy_is_404(client, auth, pages_world, consent_uuid):
    """An address that names no consent of this study answers 404."""
    auth.sign_in(pages_world.people["facilitator"])
    assert client.get(f"{pages_world.base}/copies/{consent_uuid}").status_code == 404
    assert client.get(f"{pages_world.base}/copies/{consent_uuid}.pdf").status_code == 404


def test_copy_of_another_study_is_404(client, auth, pages_world, make_member):
    """A consent of this study asked for under another study's address answers 404."""
    from peer_research.studies.models import Role

    other = make_member(roles=[Role.FACILITATOR])
    auth.sign_in(other.user)
    url = f"/studies/{other.study.slug}/consent/copies/{pages_world.mary.uuid}"
    assert client.get(url).status_code == 404


def test_email_sends_the_copy_to_the_participant(client, auth, pages_world, db_session, outbox):
    """With mail set up, an address and "contact" agreed, the copy goes as an attachment."""
    auth.sign_in(pages_world.people["facilitator"])
    page = page_text(client.get(copy_url(pages_world)))
    assert "E-mail the copy to the participant" in page
    response = client.post(copy_url(pages_world, suffix="/email"))
    assert response.status_code == 302
    (message,) = outbox
    assert message["To"] == MARY_EMAIL
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Mary Jones" in pdf_text(attachment.get_content())
    assert MARY in message.get_body(("plain",)).get_content()
    assert len(actions(db_session, pages_world.study, "consent_copy_emailed")) == 1
    assert "was e-mailed" in page_text(client.get(response.headers["Location"]))


def test_no_email_without_contact_agreed(client, auth, pages_world, db_session, outbox):
    """Owen did not agree to be contacted: the page explains, and a POST sends nothing."""
    auth.sign_in(pages_world.people["facilitator"])
    text = page_text(client.get(copy_url(pages_world, pages_world.owen)))
    assert "only e-mail the copy when the participant gave an e-mail address" in text
    assert "E-mail the copy to the participant" not in text
    client.post(copy_url(pages_world, pages_world.owen, "/email"))
    assert outbox == []
    assert actions(db_session, pages_world.study, "consent_copy_emailed") == []


def test_no_email_without_a_mail_server(client, auth, pages_world):
    """Without a mail server the page says so."""
    auth.sign_in(pages_world.people["facilitator"])
    text = page_text(client.get(copy_url(pages_world)))
    assert "not set up to send e-mail" in text


def test_failed_email_says_so(client, auth, pages_world, db_session, broken_mail_server):
    """A mail server that refuses: a plain message, nothing audited as sent."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(copy_url(pages_world, suffix="/email"), follow_redirects=True)
    assert "could not be sent" in page_text(response)
    assert actions(db_session, pages_world.study, "consent_copy_emailed") == []


def test_copy_after_removal_has_no_name(client, auth, pages_world, db_session, outbox):
    """After "remove everything" the copy says the details were deleted; no e-mail."""
    with client.application.test_request_context(method="POST"):
        withdraw(
            db_session,
            study=pages_world.study,
            code=MARY,
            choice=WithdrawalChoice.REMOVE_ALL,
            reason="",
            by=pages_world.people["facilitator"],
        )
    db_session.commit()
    auth.sign_in(pages_world.people["facilitator"])
    text = pdf_text(client.get(copy_url(pages_world, suffix=".pdf")).get_data())
    assert "deleted when you stopped taking part" in text and "Mary Jones" not in text
    page = page_text(client.get(copy_url(pages_world)))
    assert "has withdrawn" in page
    client.post(copy_url(pages_world, suffix="/email"))
    assert outbox == []


def test_easy_read_copy_has_the_easy_read_sheet_and_pictures(client, auth, pages_world, db_session):
    """A form with an easy-read sheet: its words and pictures are in the easy-read copy."""
    from consent_pages_world import take_consent

    from consent.models import ConsentPicture
    from consent.services import draft_of, publish_draft

    from consent_world import signature_png

    picture = signature_png()  # any PNG will do as a picture
    import base64

    png = base64.b64decode(picture.split(",", 1)[1])
    db_session.add(
        ConsentPicture(
            study_id=pages_world.study.id, stored_name="abc.png", content_type="image/png", data=png
        )
    )
    with client.application.test_request_context(method="POST"):
        draft = draft_of(db_session, pages_world.study)
        content = dict(draft.content)
        content["easy_read"] = {
            "en": [
                {"text": "We want to hear about your life.", "picture": "abc.png", "alt": "A home"},
                {"text": "You can stop at any time.", "picture": None, "alt": ""},
            ]
        }
        draft.content = content
        db_session.flush()
        version = publish_draft(
            db_session,
            study=pages_world.study,
            by=pages_world.people["facilitator"],
            requires_reconsent=False,
        )
        parts = {
            "study": pages_world.study,
            "version": version,
            "key": pages_world.key,
            "key_dir": pages_world.key_dir,
        }
        record = take_consent(
            db_session,
            parts,
            "CDE-FHJ",
            by=pages_world.people["peer_researcher"],
            method="typed_name",
        )
    db_session.commit()
    auth.sign_in(pages_world.people["facilitator"])
    assert "easy_read=1" in client.get(copy_url(pages_world, record)).get_data(as_text=True)
    data = client.get(copy_url(pages_world, record, ".pdf?easy_read=1")).get_data()
    text = pdf_text(data)
    assert "We want to hear about your life." in text and "You can stop at any time." in text
    assert "typed their name to agree" in text
    assert any(page.images for page in PdfReader(io.BytesIO(data)).pages)  # the picture
    plain_pdf = client.get(copy_url(pages_world, record, ".pdf")).get_data()
    assert not any(page.images for page in PdfReader(io.BytesIO(plain_pdf)).pages)
    plain = pdf_text(plain_pdf)
    assert "We want to hear about your life." not in plain
    assert "What is the study about?" in plain


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "en"), ("en-GB", "en_GB"), ("cy", "cy"), ("zzz", "en")]
)
def test_copy_language_becomes_a_locale_we_can_use(app, language, expected):
    """A form's language code that names no locale falls back instead of failing."""
    from consent.pdfs import interface_locale

    with app.test_request_context():
        assert interface_locale(language) == expected
