"""A participant's identifiable details: a reason first, one participant, audited, no-store."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from consent_pages_world import MARY, OWEN

from peer_research.audit.models import AuditEvent

from support import page_text


def details_url(world, code: str = MARY) -> str:
    """Return the address of a participant's details page."""
    return f"{world.base}/participants/{code}/details"


def audit_actions(db_session, study) -> list[tuple[str, dict]]:
    """Return the study's audit entries as (action, detail), oldest first."""
    return [
        (event.action, event.detail)
        for event in db_session.scalars(
            sa.select(AuditEvent).where(AuditEvent.study_id == study.id).order_by(AuditEvent.id)
        )
    ]


def viewed(db_session, study) -> list[dict]:
    """Return the details of every "details seen" audit entry."""
    return [d for a, d in audit_actions(db_session, study) if a == "consent_details_viewed"]


def test_get_asks_for_a_reason_and_shows_no_details(client, auth, pages_world, db_session):
    """The first page asks why, shows no name, and records nothing yet."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(details_url(pages_world))
    assert response.status_code == 200
    text = page_text(response)
    assert "Why do you need to see this person's details?" in text
    assert "Mary Jones" not in text
    assert viewed(db_session, pages_world.study) == []


def test_reason_shows_the_details_of_that_one_participant(client, auth, pages_world, db_session):
    """With a reason the page shows name, contact, signature; audited with the reason."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(details_url(pages_world), data={"reason": "To post their copy"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = page_text(response)
    body = response.get_data(as_text=True)
    assert "Mary Jones" in text
    assert "E-mail: mary@example.org" in text and "Phone: 01234 567890" in text
    assert 'src="data:image/png;base64,' in body
    assert "Owen Price" not in text
    (entry,) = viewed(db_session, pages_world.study)
    assert entry["participant_code"] == MARY
    assert entry["reason"] == "To post their copy"


def test_verbal_consent_shows_the_witness(client, auth, pages_world):
    """Verbal consent shows the witness, and no signature."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(details_url(pages_world, OWEN), data={"reason": "They rang us"})
    text = page_text(response)
    assert "Owen Price" in text and "Witness Wendy Witness" in text
    assert "None kept" in text
    assert "data:image/png" not in response.get_data(as_text=True)


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_empty_reason_is_an_error_beside_the_field(client, auth, pages_world, db_session, reason):
    """Without a reason nothing is shown and nothing is recorded."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(details_url(pages_world), data={"reason": reason})
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Say why you need to see these details" in text
    assert "Mary Jones" not in text
    assert viewed(db_session, pages_world.study) == []


def test_overlong_reason_is_refused(client, auth, pages_world, db_session):
    """A reason over 500 characters is refused beside the field."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(details_url(pages_world), data={"reason": "why " * 200})
    assert "500 characters or fewer" in page_text(response)
    assert viewed(db_session, pages_world.study) == []


def test_unknown_code_is_404_and_shows_nothing(client, auth, pages_world, db_session):
    """A code the study does not have: 404 for the page and for the reason."""
    auth.sign_in(pages_world.people["facilitator"])
    assert client.get(details_url(pages_world, "AAA-AAA")).status_code == 404
    response = client.post(details_url(pages_world, "AAA-AAA"), data={"reason": "curious"})
    assert response.status_code == 404
    assert viewed(db_session, pages_world.study) == []


def test_post_without_csrf_is_refused(client, auth, pages_world, db_session):
    """A form sent without its token shows nothing."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.post(details_url(pages_world), data={"reason": "x"}, csrf=False)
    assert response.status_code == 400
    assert viewed(db_session, pages_world.study) == []


@pytest.mark.parametrize("role", ["co_researcher", "peer_researcher", "academic_partner"])
def test_other_roles_are_refused_and_audited(client, auth, pages_world, db_session, role):
    """Members without the facilitator role get 403, and the attempt is audited."""
    auth.sign_in(pages_world.people[role])
    assert client.get(details_url(pages_world)).status_code == 403
    response = client.post(details_url(pages_world), data={"reason": "I want to know"})
    assert response.status_code == 403
    assert "Mary Jones" not in page_text(response)
    refused = [
        d for a, d in audit_actions(db_session, pages_world.study) if a == "consent_details_refused"
    ]
    assert [d["participant_code"] for d in refused] == [MARY, MARY]
    assert viewed(db_session, pages_world.study) == []


def test_details_of_a_removed_participant_say_so(client, auth, pages_world, db_session):
    """After "remove everything" the page says the details were deleted."""
    from consent.services import WithdrawalChoice, withdraw

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
    text = page_text(client.post(details_url(pages_world), data={"reason": "Checking removal"}))
    assert "deleted when this participant withdrew" in text
    assert "Mary Jones" not in text
