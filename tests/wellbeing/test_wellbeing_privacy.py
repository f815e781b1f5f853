"""Who sees what, checked at the service level: a check-in is its interviewer's and the
support leads' only; facilitators see escalated alerts without words, and figures of 5+."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from wellbeing_world import at, check_in

from peer_research.db import clock_at
from peer_research.studies.models import Role
from peer_research.wellbeing import services as wellbeing

NOT_LEADS = ("facilitator", "co_researcher", "academic_partner", "site_admin", "outsider")


def low_debrief(receive, note="I cried in the car"):
    """Receive a low debrief with a note; return the stored check-in's receipt."""
    (receipt,) = receive(
        check_in(answers={"feeling": "1", "upsetting": "yes", "get_in_touch": "no"}, note=note)
    )
    return receipt


def the_alert(db_session):
    """Return the one alert."""
    return db_session.scalars(sa.select(wellbeing.Alert)).one()


@pytest.mark.parametrize("who", NOT_LEADS)
def test_only_support_leads_read_someone_elses_check_ins(app, db_session, wb, receive, who):
    low_debrief(receive)
    with app.test_request_context():
        for lead in (wb.support_lead, wb.facilitator_and_lead):
            (seen,) = wellbeing.check_ins_of_interviewer(
                db_session, study=wb.study, viewer=lead, interviewer_id=wb.interviewer.id
            )
            assert seen.visible_note == "I cried in the car"
        with pytest.raises(wellbeing.WellbeingRefusedError):
            wellbeing.check_ins_of_interviewer(
                db_session,
                study=wb.study,
                viewer=getattr(wb, who),
                interviewer_id=wb.interviewer.id,
            )


def test_an_interviewer_sees_only_their_own_history(app, db_session, wb, receive):
    low_debrief(receive)
    receive(check_in(score=5), user=wb.other_interviewer)
    with app.test_request_context():
        mine = wellbeing.my_check_ins(db_session, study=wb.study, user=wb.interviewer)
        points = wellbeing.feeling_over_time(db_session, study=wb.study, user=wb.interviewer)
        with pytest.raises(wellbeing.WellbeingRefusedError):
            wellbeing.set_note_hidden(
                db_session,
                study=wb.study,
                user=wb.other_interviewer,
                check_in_id=mine[0].id,
                hidden=True,
            )
    assert [(row.interviewer_id, row.score) for row in mine] == [(wb.interviewer.id, 1)]
    assert [(point.kind, point.score) for point in points] == [("after", 1)]
    assert mine[0].note_hidden is False


def test_a_hidden_note_is_shown_to_nobody_else_and_can_be_added_to(app, db_session, wb, receive):
    low_debrief(receive)
    with app.test_request_context(method="POST"):
        (mine,) = wellbeing.my_check_ins(db_session, study=wb.study, user=wb.interviewer)
        wellbeing.add_to_note(
            db_session, study=wb.study, user=wb.interviewer, check_in_id=mine.id, text="Better now"
        )
        wellbeing.set_note_hidden(
            db_session, study=wb.study, user=wb.interviewer, check_in_id=mine.id, hidden=True
        )
        view = wellbeing.alert_for(
            db_session, study=wb.study, viewer=wb.support_lead, alert_id=the_alert(db_session).id
        )
    assert mine.note == "I cried in the car\n\nBetter now"
    assert (view.check_in.visible_note, view.check_in_note) == ("", "")


@pytest.mark.parametrize("who", ["co_researcher", "academic_partner", "site_admin", "outsider"])
def test_people_who_are_not_support_leads_or_facilitators_see_no_alerts(
    app, db_session, wb, receive, who
):
    low_debrief(receive)
    alert = the_alert(db_session)
    with app.test_request_context():
        assert wellbeing.alerts_for(db_session, study=wb.study, viewer=getattr(wb, who)) == []
        with pytest.raises(wellbeing.WellbeingRefusedError):
            wellbeing.alert_for(
                db_session, study=wb.study, viewer=getattr(wb, who), alert_id=alert.id
            )


def test_facilitators_see_an_alert_only_once_escalated_and_then_without_any_words(
    app, db_session, wb, receive
):
    with clock_at(at("2026-11-30 10:00")):
        low_debrief(receive)
    alert = the_alert(db_session)
    with app.test_request_context(method="POST"):
        wellbeing.add_alert_note(
            db_session, study=wb.study, user=wb.support_lead, alert_id=alert.id, text="Called"
        )
        assert wellbeing.alerts_for(db_session, study=wb.study, viewer=wb.facilitator) == []
        with pytest.raises(wellbeing.WellbeingRefusedError):
            wellbeing.alert_for(db_session, study=wb.study, viewer=wb.facilitator, alert_id=1)
        wellbeing.escalate_overdue_alerts(db_session, now=at("2026-12-05 10:00"))
        (listed,) = wellbeing.alerts_for(db_session, study=wb.study, viewer=wb.facilitator)
        view = wellbeing.alert_for(
            db_session, study=wb.study, viewer=wb.facilitator, alert_id=alert.id
        )
        lead_view = wellbeing.alert_for(
            db_session, study=wb.study, viewer=wb.facilitator_and_lead, alert_id=alert.id
        )
    assert listed.id == alert.id
    assert (view.check_in, view.check_in_note, view.message, view.notes, view.may_act) == (
        None,
        "",
        "",
        [],
        False,
    )
    assert lead_view.check_in_note == "I cried in the car"
    assert [note.text for note in lead_view.notes] == ["Called"]
    assert lead_view.may_act is True


@pytest.mark.parametrize("who", ["facilitator", "co_researcher", "interviewer", "site_admin"])
def test_acknowledging_without_being_a_support_lead_is_refused_and_changes_nothing(
    app, db_session, wb, receive, who
):
    low_debrief(receive)
    alert = the_alert(db_session)
    with app.test_request_context(method="POST"):
        for act in (wellbeing.acknowledge_alert, wellbeing.follow_up_alert):
            with pytest.raises(wellbeing.WellbeingRefusedError, match="support leads"):
                act(db_session, study=wb.study, user=getattr(wb, who), alert_id=alert.id)
        with pytest.raises(wellbeing.WellbeingRefusedError):
            wellbeing.add_alert_note(
                db_session, study=wb.study, user=getattr(wb, who), alert_id=alert.id, text="x"
            )
    db_session.rollback()
    db_session.refresh(alert)
    assert (alert.state, alert.acknowledged_at, alert.notes) == ("new", None, [])


def test_an_alert_of_another_study_cannot_be_acknowledged(
    app, db_session, wb, receive, make_member
):
    low_debrief(receive)
    alert = the_alert(db_session)
    elsewhere = make_member(roles=[Role.SUPPORT_LEAD])
    with app.test_request_context(method="POST"), pytest.raises(wellbeing.WellbeingRefusedError):
        wellbeing.acknowledge_alert(
            db_session, study=elsewhere.study, user=elsewhere.user, alert_id=alert.id
        )
    assert alert.state == "new"


def test_figures_need_five_debriefs_a_month_and_carry_no_names(app, db_session, wb, receive):
    november = [
        check_in(score=score, given_at="2026-11-10T10:00:00+00:00") for score in (1, 4, 4, 5, 5)
    ]
    december = [check_in(score=2, given_at="2026-12-01T10:00:00+00:00") for _ in range(4)]
    receive(*november, *december)
    with app.test_request_context():
        figures = wellbeing.monthly_summary(db_session, study=wb.study, viewer=wb.facilitator)
        for who in ("co_researcher", "academic_partner", "interviewer", "outsider"):
            with pytest.raises(wellbeing.WellbeingRefusedError):
                wellbeing.monthly_summary(db_session, study=wb.study, viewer=getattr(wb, who))
    assert figures == [
        wellbeing.MonthFigures("2026-11", True, 5, 0.2, 3.8),
        wellbeing.MonthFigures("2026-12", False, None, None, None),
    ]
    assert "Pat" not in repr(figures)
