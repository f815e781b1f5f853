"""Alert rules and escalation, on a clock the test controls (`db.clock_at`)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from wellbeing_world import at, check_in

from peer_research.cli import main
from peer_research.db import clock_at
from peer_research.notifications.models import Notification, Topic
from peer_research.wellbeing import services as wellbeing


def alerts(db_session) -> list:
    """Return every alert, oldest first."""
    return list(db_session.scalars(sa.select(wellbeing.Alert).order_by(wellbeing.Alert.id)))


def told(db_session, user) -> list[Notification]:
    """Return a person's wellbeing notifications."""
    return list(
        db_session.scalars(
            sa.select(Notification).where(
                Notification.user_id == user.id, Notification.topic == Topic.WELLBEING_ALERT
            )
        )
    )


def debrief(score: int = 4, get_in_touch: str = "no", note: str = "", **changes) -> dict:
    """Return a debrief with a score and an answer to "would you like someone to get in touch"."""
    return check_in(
        "after",
        answers={"feeling": str(score), "upsetting": "no", "get_in_touch": get_in_touch},
        note=note,
        **changes,
    )


@pytest.mark.parametrize(
    ("score", "get_in_touch", "cause"),
    [
        (1, "no", "low_score"),
        (2, "no", "low_score"),
        (3, "no", None),
        (5, "no", None),
        (4, "yes", "asked_for_contact"),
        (1, "yes", "asked_for_contact"),  # one alert per check-in, the stronger cause
    ],
)
def test_a_debrief_raises_the_alert_its_answers_call_for(
    db_session, wb, receive, score, get_in_touch, cause
):
    receive(debrief(score, get_in_touch))
    assert [alert.cause for alert in alerts(db_session)] == ([cause] if cause else [])


def test_a_low_check_in_before_an_interview_also_raises_an_alert(db_session, wb, receive):
    receive(check_in("before", score=1))
    assert [alert.cause for alert in alerts(db_session)] == ["low_score"]


def test_the_studys_low_score_is_the_threshold(app, db_session, wb, receive):
    with app.test_request_context(method="POST"):
        wellbeing.update_settings(db_session, study=wb.study, editor=wb.facilitator, low_score=3)
    db_session.commit()
    receive(debrief(3), debrief(4))
    assert [alert.cause for alert in alerts(db_session)] == ["low_score"]


def test_a_new_alert_tells_the_support_leads_only_and_never_twice(db_session, wb, receive):
    sent = debrief(1, note="I keep thinking about it")
    receive(sent)
    receive(sent)  # a replay
    (alert,) = alerts(db_session)
    for lead in (wb.support_lead, wb.facilitator_and_lead):
        (notification,) = told(db_session, lead)
        assert notification.link == f"/studies/{wb.study.slug}/wellbeing/alerts/{alert.id}"
        assert "I keep thinking" not in notification.message
    for other in (wb.facilitator, wb.co_researcher, wb.academic_partner, wb.interviewer):
        assert told(db_session, other) == []


def test_reaching_out_raises_one_alert_however_often_it_is_sent(app, db_session, wb):
    key = str(uuid.uuid4())
    with app.test_request_context(method="POST"):
        first, new = wellbeing.reach_out(
            db_session, study=wb.study, user=wb.interviewer, uuid=key, at=at("2026-12-01 10:00")
        )
        again, new_again = wellbeing.reach_out(
            db_session, study=wb.study, user=wb.interviewer, uuid=key, at=at("2026-12-01 10:00")
        )
    assert (new, new_again, again.id) == (True, False, first.id)
    assert first.cause == "reached_out"
    assert len(told(db_session, wb.support_lead)) == 1


def test_someone_elses_reach_out_identifier_is_refused(app, db_session, wb):
    key = str(uuid.uuid4())
    with app.test_request_context(method="POST"):
        wellbeing.reach_out(
            db_session, study=wb.study, user=wb.interviewer, uuid=key, at=at("2026-12-01 10:00")
        )
        with pytest.raises(wellbeing.WellbeingInputError):
            wellbeing.reach_out(
                db_session,
                study=wb.study,
                user=wb.other_interviewer,
                uuid=key,
                at=at("2026-12-01 10:00"),
            )
    assert len(alerts(db_session)) == 1


def test_a_stopped_interview_raises_one_alert(app, db_session, wb):
    interview_uuid = str(uuid.uuid4())
    with app.test_request_context(method="POST"):
        for _time in range(2):
            wellbeing.interview_stopped(
                db_session,
                study_id=wb.study.id,
                interviewer_id=wb.interviewer.id,
                interview_uuid=interview_uuid,
            )
    (alert,) = alerts(db_session)
    assert (alert.cause, alert.interview_uuid) == ("interview_stopped", interview_uuid)


# Escalation -------------------------------------------------------------------------------


def raise_low_alert_at(app, db_session, receive, moment) -> wellbeing.Alert:
    """Receive a low debrief at a moment; return its alert."""
    with clock_at(moment):
        receive(debrief(1, note="Please don't share this", given_at=moment.isoformat()))
    return alerts(db_session)[-1]


def escalate_at(app, db_session, moment) -> list:
    """Run the scheduled escalation at a moment, as the command does, and commit."""
    with app.app_context(), clock_at(moment):
        escalated = wellbeing.escalate_overdue_alerts(db_session)
    db_session.commit()
    return escalated


def test_an_unacknowledged_alert_escalates_on_time_once_and_without_notes(
    app, db_session, wb, receive
):
    alert = raise_low_alert_at(app, db_session, receive, at("2026-12-01 10:00"))
    assert escalate_at(app, db_session, at("2026-12-02 09:59")) == []
    assert told(db_session, wb.facilitator) == []
    assert escalate_at(app, db_session, at("2026-12-02 10:00")) == [alert]
    assert alert.escalated_at == at("2026-12-02 10:00")
    assert escalate_at(app, db_session, at("2026-12-03 10:00")) == []  # once
    (notification,) = told(db_session, wb.facilitator)
    assert "Please don't share" not in notification.message
    assert notification.link.endswith(f"/wellbeing/alerts/{alert.id}")
    # The support leads were told when it was raised, and not again.
    assert len(told(db_session, wb.support_lead)) == 1
    assert told(db_session, wb.co_researcher) == told(db_session, wb.academic_partner) == []


def test_an_acknowledged_alert_does_not_escalate(app, db_session, wb, receive):
    alert = raise_low_alert_at(app, db_session, receive, at("2026-12-01 10:00"))
    with app.test_request_context(method="POST"), clock_at(at("2026-12-01 11:00")):
        wellbeing.acknowledge_alert(
            db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id
        )
    db_session.commit()
    assert escalate_at(app, db_session, at("2026-12-09 10:00")) == []
    assert alert.acknowledged_at == at("2026-12-01 11:00")


def test_the_studys_escalation_time_is_used(app, db_session, wb, receive):
    with app.test_request_context(method="POST"):
        wellbeing.update_settings(
            db_session, study=wb.study, editor=wb.facilitator, escalate_after_hours=2
        )
    db_session.commit()
    alert = raise_low_alert_at(app, db_session, receive, at("2026-12-01 10:00"))
    assert escalate_at(app, db_session, at("2026-12-01 11:59")) == []
    assert escalate_at(app, db_session, at("2026-12-01 12:00")) == [alert]


def test_the_scheduled_command_escalates(app, db_session, wb, receive, monkeypatch):
    raise_low_alert_at(app, db_session, receive, at("2020-01-01 10:00"))
    monkeypatch.setattr("peer_research.cli.make_app", lambda _ctx: app)  # the test database
    result = CliRunner().invoke(main, ["notifications", "send"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Wellbeing alerts escalated: 1." in result.output
    assert len(told(db_session, wb.facilitator)) == 1


def test_an_alert_moves_from_new_to_acknowledged_to_followed_up_with_notes(
    app, db_session, wb, receive
):
    alert = raise_low_alert_at(app, db_session, receive, at("2026-12-01 10:00"))
    with app.test_request_context(method="POST"):
        wellbeing.acknowledge_alert(
            db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id
        )
        wellbeing.add_alert_note(
            db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id, text="Rang Pat."
        )
        wellbeing.follow_up_alert(
            db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id
        )
        with pytest.raises(wellbeing.WellbeingInputError):
            wellbeing.acknowledge_alert(
                db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id
            )
    assert alert.state == "followed_up"
    assert (alert.acknowledged_by_id, alert.followed_up_by_id) == (wb.support_lead.id,) * 2
    assert [note.text for note in alert.notes] == ["Rang Pat."]
