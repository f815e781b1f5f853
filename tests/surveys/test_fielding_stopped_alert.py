"""An interview accepted with status stopped (the distress protocol) raises a wellbeing alert."""

from __future__ import annotations

import json

import sqlalchemy as sa

from peer_research.wellbeing import services as wellbeing

from fielding_world import interview


def send(client, url, *interviews):
    """POST interviews as the tablet does; return the outcomes."""
    response = client.post(
        url,
        data=json.dumps({"interviews": list(interviews)}),
        headers={"X-CSRFToken": client.csrf_token()},
        content_type="application/json",
        csrf=False,
    )
    return [receipt["outcome"] for receipt in response.get_json()["receipts"]]


def stopped(version_id: int) -> dict:
    """Return an interview stopped early because the participant was upset."""
    return interview(
        version_id,
        status="stopped",
        stop_reason="upset",
        stop_note="She talked about her husband",
        finished_at=None,
        answers={"consent_read": True, "age": 80},
        repeats={},
    )


def test_a_stopped_interview_raises_one_alert_for_the_support_leads(
    client, auth, fielding, db_session
):
    sent = stopped(fielding.version.id)
    auth.sign_in(fielding.interviewer)
    assert send(client, fielding.url, sent, interview(fielding.version.id)) == ["accepted"] * 2
    assert send(client, fielding.url, sent) == ["already_received"]
    alert = db_session.scalars(sa.select(wellbeing.Alert)).one()
    assert (alert.cause, alert.interview_uuid, alert.interviewer_id) == (
        "interview_stopped",
        sent["uuid"],
        fielding.interviewer.id,
    )
    assert alert.message == ""  # the stop note is research data, never the alert's words


def test_a_stopped_interview_that_is_not_accepted_raises_nothing(
    client, auth, fielding, db_session
):
    sent = stopped(fielding.version.id)
    sent["answers"] = {"age": 80}  # the required acknowledgement before the stop is missing
    auth.sign_in(fielding.interviewer)
    assert send(client, fielding.url, sent) == ["quarantined"]
    assert db_session.scalar(sa.select(sa.func.count(wellbeing.Alert.id))) == 0
