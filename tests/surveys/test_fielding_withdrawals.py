"""A withdrawal reaches fielding: interviews out of every count, or deleted with their answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from consent import services as consent
from peer_research.audit.models import AuditEvent
from surveys.fielding.models import Answer, HeldSubmission, Interview

from consent_world import add_code, consent_item
from fielding_world import interview
from support import page_text

OTHER = "CCC-DDD"


@pytest.fixture
def fieldwork(app, db_session, client, auth, fielding):
    """Two interviews and one held submission of the fixture's participant, and one
    interview of another participant; return the world and the interviews sent."""
    with app.test_request_context(method="POST"):
        add_code(db_session, fielding.study, fielding.interviewer, OTHER)
        receipts = consent.receive_consents(
            db_session,
            study=fielding.study,
            interviewer=fielding.interviewer,
            items=[consent_item(fielding.consent_version.id, OTHER, fielding.key)],
            key_dir=Path(app.config["CONSENT_KEY_DIR"]),
        )
    assert receipts[0].outcome == "accepted"
    db_session.commit()
    mine = [interview(fielding.version.id), interview(fielding.version.id)]
    held = interview(fielding.version.id)
    held["answers"]["age"] = 12
    other = interview(fielding.version.id, participant_code=OTHER)
    outcomes = send(client, auth, fielding, *mine, held, other)
    assert outcomes == ["accepted", "accepted", "quarantined", "accepted"]
    return fielding, mine, other


def send(client, auth, fielding, *items) -> list[str]:
    """Send interviews as the peer researcher; return the outcomes."""
    auth.sign_in(fielding.interviewer)
    response = client.post(
        fielding.url,
        data=json.dumps({"interviews": list(items)}),
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
        csrf=False,
    )
    auth.sign_out()
    return [receipt["outcome"] for receipt in response.get_json()["receipts"]]


def withdraw(app, db_session, world, choice):
    with app.test_request_context(method="POST"):
        consent.withdraw(
            db_session,
            study=world.study,
            code=world.code,
            choice=choice,
            reason="Asked to stop",
            by=world.facilitator,
        )
    db_session.commit()


def test_keeping_what_was_analysed_takes_interviews_out_of_every_count(
    app, db_session, client, auth, fieldwork
):
    world, _mine, _other = fieldwork
    withdraw(app, db_session, world, consent.WithdrawalChoice.KEEP_ANALYSED)
    stored = db_session.scalars(
        sa.select(Interview).where(Interview.participant_code == world.code)
    ).all()
    assert len(stored) == 2
    assert all(row.withdrawn_at is not None for row in stored)
    auth.sign_in(world.facilitator)
    page = page_text(client.get(f"/studies/{world.study.slug}/fieldwork"))
    assert "1 interview received." in page
    assert "2 more interviews are of participants who withdrew" in page
    assert "(withdrawn)" in page
    shown = page_text(
        client.get(f"/studies/{world.study.slug}/fieldwork/interviews/{stored[0].id}")
    )
    assert "This participant withdrew from the study" in shown
    assert "Shopping" not in shown
    assert "Quiet room" not in shown


def test_removing_everything_deletes_interviews_answers_and_held_submissions(
    app, db_session, fieldwork
):
    world, _mine, other = fieldwork
    withdraw(app, db_session, world, consent.WithdrawalChoice.REMOVE_ALL)
    interviews = db_session.scalars(sa.select(Interview)).all()
    assert [row.uuid for row in interviews] == [other["uuid"]]
    answer_owners = set(db_session.scalars(sa.select(Answer.interview_id)))
    assert answer_owners == {interviews[0].id}
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HeldSubmission)) == 0
    assert db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "participant_withdrawn")
    ).one()


def test_after_a_withdrawal_no_new_interview_is_accepted(app, db_session, client, auth, fieldwork):
    world, _mine, _other = fieldwork
    withdraw(app, db_session, world, consent.WithdrawalChoice.KEEP_ANALYSED)
    assert send(client, auth, world, interview(world.version.id)) == ["needs_consent"]
