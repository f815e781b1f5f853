"""Recording a withdrawal: the choice, the confirmation step, bad input, the confirmation."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from consent_pages_world import MARY, OWEN
from pypdf import PdfReader

from consent.models import ConsentRecord, Withdrawal
from peer_research.audit.models import AuditEvent

from support import page_text


def new_url(world) -> str:
    """Return the address of the withdrawal form."""
    return f"{world.base}/withdrawals/new"


def withdrawals(db_session, study) -> list[Withdrawal]:
    """Return the study's withdrawals."""
    return list(db_session.scalars(sa.select(Withdrawal).where(Withdrawal.study_id == study.id)))


def test_form_offers_both_choices_with_the_code_filled_in(client, auth, pages_world):
    """From a participant's page the form has their code and both choices, explained."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{new_url(pages_world)}?code={MARY}")
    text = page_text(response)
    assert f'value="{MARY}"' in response.get_data(as_text=True)
    assert "Remove everything" in text and "Keep what was already analysed" in text
    assert "protocol" in text


def test_first_post_asks_to_confirm_and_changes_nothing(client, auth, pages_world, db_session):
    """Choosing shows, in plain words, what will happen; nothing is recorded yet."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(new_url(pages_world), data={"code": "kt7 m4c", "choice": "remove_all"})
    assert response.status_code == 200
    text = page_text(response)
    assert f"Withdraw participant {MARY}?" in text
    assert "Their interview answers are deleted." in text
    assert "This cannot be undone." in text
    assert withdrawals(db_session, pages_world.study) == []


def test_confirmed_removal_records_it_and_removes_details(client, auth, pages_world, db_session):
    """Confirming records the withdrawal, deletes the sealed details, and shows the page."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(
        new_url(pages_world),
        data={"code": MARY, "choice": "remove_all", "reason": "Phoned us", "confirmed": "yes"},
    )
    assert response.status_code == 302
    (withdrawal,) = withdrawals(db_session, pages_world.study)
    assert withdrawal.participant_code == MARY and withdrawal.reason == "Phoned us"
    assert response.headers["Location"].endswith(f"/withdrawals/{withdrawal.id}")
    identifiable = db_session.scalar(
        sa.select(ConsentRecord.identifiable).where(ConsentRecord.uuid == pages_world.mary.uuid)
    )
    assert identifiable is None
    page = page_text(client.get(response.headers["Location"]))
    assert f"Participant {MARY} has withdrawn" in page and "Remove everything" in page
    assert "Phoned us" in page
    assert db_session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "participant_withdrawn")
    )


def test_keep_analysed_keeps_the_details(client, auth, pages_world, db_session):
    """Keeping what was analysed records the choice and keeps the sealed details."""
    auth.sign_in(pages_world.people["facilitator"])
    client.post(
        new_url(pages_world), data={"code": OWEN, "choice": "keep_analysed", "confirmed": "yes"}
    )
    (withdrawal,) = withdrawals(db_session, pages_world.study)
    assert withdrawal.choice == "keep_analysed"
    identifiable = db_session.scalar(
        sa.select(ConsentRecord.identifiable).where(ConsentRecord.uuid == pages_world.owen.uuid)
    )
    assert identifiable is not None
    text = page_text(client.get(f"{pages_world.base}/participants/{OWEN}"))
    assert "Withdrawn" in text and "See the confirmation" in text
    assert "Withdraw PRX-H3T" not in text


def test_withdrawal_pdf_confirms_what_happened(client, auth, pages_world):
    """The confirmation PDF names the code, the date, who recorded it and what happened."""
    auth.sign_in(pages_world.people["facilitator"])
    location = client.post(
        new_url(pages_world), data={"code": MARY, "choice": "remove_all", "confirmed": "yes"}
    ).headers["Location"]
    response = client.get(location + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "a participant stopped taking part" in text
    assert MARY in text and "Recorded by" in text and "facilitator" in text
    assert "Their interview answers are deleted." in text
    assert "Mary Jones" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "choice": "remove_all"}, "Enter the participant code"),
        ({"code": "AAA-AAA", "choice": "remove_all"}, "no participant with that code"),
        ({"code": "not a code at all", "choice": "remove_all"}, "6 letters and numbers"),
        ({"code": MARY}, "Choose what should happen"),
        ({"code": MARY, "choice": "burn_it"}, "Not a valid choice"),
        ({"code": MARY, "choice": "keep_analysed", "reason": "x" * 2001}, "2000 characters"),
        ({"code": "AAA-AAA", "choice": "remove_all", "confirmed": "yes"}, "no participant"),
    ],
)
def test_bad_input_is_an_error_beside_the_field(
    client, auth, pages_world, db_session, data, message
):
    """Unknown codes, missing choices, forged choices: an error, nothing recorded."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(new_url(pages_world), data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text and message in text
    assert withdrawals(db_session, pages_world.study) == []


def test_second_withdrawal_is_refused(client, auth, pages_world, db_session):
    """A participant who already withdrew cannot be withdrawn again."""
    auth.sign_in(pages_world.people["facilitator"])
    data = {"code": MARY, "choice": "keep_analysed", "confirmed": "yes"}
    client.post(new_url(pages_world), data=data)
    response = client.post(new_url(pages_world), data={**data, "choice": "remove_all"})
    assert "already withdrawn" in page_text(response)
    (withdrawal,) = withdrawals(db_session, pages_world.study)
    assert withdrawal.choice == "keep_analysed"


def test_code_of_another_study_is_unknown_here(client, auth, pages_world, make_member, db_session):
    """A facilitator of another study cannot withdraw this study's participant."""
    from peer_research.studies.models import Role

    other = make_member(roles=[Role.FACILITATOR])
    auth.sign_in(other.user)
    response = client.post(
        f"/studies/{other.study.slug}/consent/withdrawals/new",
        data={"code": MARY, "choice": "remove_all", "confirmed": "yes"},
    )
    assert "no participant with that code" in page_text(response)
    assert withdrawals(db_session, pages_world.study) == []


def test_unknown_or_foreign_withdrawal_is_404(client, auth, pages_world, make_member):
    """A withdrawal number the study does not have answers 404, PDF too."""
    from peer_research.studies.models import Role

    auth.sign_in(pages_world.people["facilitator"])
    location = client.post(
        new_url(pages_world), data={"code": MARY, "choice": "remove_all", "confirmed": "yes"}
    ).headers["Location"]
    assert client.get(f"{pages_world.base}/withdrawals/999999").status_code == 404
    assert client.get(f"{pages_world.base}/withdrawals/999999.pdf").status_code == 404
    auth.sign_out()
    other = make_member(roles=[Role.FACILITATOR])
    auth.sign_in(other.user)
    withdrawal_id = location.rsplit("/", 1)[1]
    url = f"/studies/{other.study.slug}/consent/withdrawals/{withdrawal_id}"
    assert client.get(url).status_code == 404
    assert client.get(url + ".pdf").status_code == 404


@pytest.mark.parametrize("role", ["co_researcher", "peer_researcher", "academic_partner"])
def test_other_roles_cannot_withdraw(client, auth, pages_world, db_session, role):
    """Only facilitators record withdrawals."""
    auth.sign_in(pages_world.people[role])
    response = client.post(
        new_url(pages_world), data={"code": MARY, "choice": "remove_all", "confirmed": "yes"}
    )
    assert response.status_code == 403
    assert withdrawals(db_session, pages_world.study) == []


def test_hostile_text_is_shown_as_text(client, auth, pages_world, db_session):
    """Markup in the note is escaped on the page and plain in the PDF."""
    auth.sign_in(pages_world.people["facilitator"])
    note = '<script>alert(1)</script><img src="http://evil.example/x.png">'
    location = client.post(
        new_url(pages_world),
        data={"code": MARY, "choice": "keep_analysed", "reason": note, "confirmed": "yes"},
    ).headers["Location"]
    body = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert client.get(location + ".pdf").status_code == 200
