"""Alerts: raised by the rules, seen by support leads, escalated to facilitators on time.

- A check-in that asks for someone to get in touch raises `asked_for_contact`; one whose
  score is at or below the study's low score raises `low_score` (one alert per check-in,
  the stronger cause).
- An interview accepted with status `stopped` (the distress protocol) raises
  `interview_stopped`; "I'd like to talk to someone" raises `reached_out`.
- Each alert has a `source_key` naming the event, unique, so a replay never raises two.
- The study's support leads are notified in the app and by e-mail (their notification
  choices; e-mail only when mail is set up). An alert still `new` after the study's
  `escalate_after_hours` is escalated once to the facilitators, by the scheduled command,
  with no notes and no words of the interviewer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.notifications.models import Topic
from peer_research.notifications.services import notify
from peer_research.studies.models import Role, Study
from peer_research.wellbeing.models import Alert, AlertCause, AlertNote, AlertState, CheckIn
from peer_research.wellbeing.people import (
    WellbeingInputError,
    WellbeingRefusedError,
    is_support_lead,
    member_ids_with,
    require_support_lead,
    roles_in,
)
from peer_research.wellbeing.questions import asked_for_contact
from peer_research.wellbeing.settings import settings_for

MAX_ALERT_NOTE = 5000
CAUSE_WORDS = {
    AlertCause.ASKED_FOR_CONTACT: "asked for someone to get in touch after an interview",
    AlertCause.LOW_SCORE: "said they felt bad in a check-in",
    AlertCause.INTERVIEW_STOPPED: "stopped an interview early",
    AlertCause.REACHED_OUT: "asked to talk to someone",
}


def alert_link(study: Study, alert: Alert) -> str:
    """Return the path of an alert's page (the pages' `wellbeing.show_alert`)."""
    return f"/studies/{study.slug}/wellbeing/alerts/{alert.id}"


def cause_of(check_in: CheckIn, low_score: int) -> AlertCause | None:
    """Return the strongest cause a check-in gives for an alert, or None."""
    if asked_for_contact(check_in.answers):
        return AlertCause.ASKED_FOR_CONTACT
    if check_in.score <= low_score:
        return AlertCause.LOW_SCORE
    return None


def raise_alert(
    session: Session,
    *,
    study: Study,
    interviewer_id: int,
    cause: AlertCause,
    source_key: str,
    check_in: CheckIn | None = None,
    interview_uuid: str | None = None,
    message: str = "",
) -> Alert:
    """Raise an alert once per `source_key` and tell the support leads; return the alert."""
    earlier = session.scalar(sa.select(Alert).where(Alert.source_key == source_key))
    if earlier is not None:
        return earlier
    alert = Alert(
        study_id=study.id,
        interviewer_id=interviewer_id,
        cause=cause,
        source_key=source_key,
        check_in_id=check_in.id if check_in else None,
        interview_uuid=interview_uuid,
        message=message,
    )
    try:
        with session.begin_nested():  # a twin request may raise the same alert this moment
            session.add(alert)
    except IntegrityError:
        return session.scalars(sa.select(Alert).where(Alert.source_key == source_key)).one()
    notify(
        session,
        users=member_ids_with(session, study_id=study.id, role=Role.SUPPORT_LEAD),
        study=study,
        topic=Topic.WELLBEING_ALERT,
        message=_(
            "A peer researcher %(cause)s. Please check in with them.",
            cause=_(CAUSE_WORDS[cause]),
        ),
        link=alert_link(study, alert),
        dedupe_key=f"wellbeing-alert-{alert.id}",
    )
    return alert


def alert_for_check_in(session: Session, *, study: Study, check_in: CheckIn) -> Alert | None:
    """Raise the alert a check-in calls for, if any."""
    cause = cause_of(check_in, settings_for(session, study).low_score)
    if cause is None:
        return None
    return raise_alert(
        session,
        study=study,
        interviewer_id=check_in.interviewer_id,
        cause=cause,
        source_key=f"check-in:{check_in.uuid}",
        check_in=check_in,
        interview_uuid=check_in.interview_uuid,
    )


def interview_stopped(
    session: Session, *, study_id: int, interviewer_id: int, interview_uuid: str
) -> Alert:
    """Raise the alert for an interview stopped by the distress protocol (once)."""
    return raise_alert(
        session,
        study=session.get(Study, study_id),
        interviewer_id=interviewer_id,
        cause=AlertCause.INTERVIEW_STOPPED,
        source_key=f"interview:{interview_uuid}",
        interview_uuid=interview_uuid,
    )


def reach_out(
    session: Session, *, study: Study, user: User, uuid: str, at: datetime, message: str = ""
) -> tuple[Alert, bool]:
    """Raise a `reached_out` alert for "I'd like to talk to someone"; tell whether it is new.

    Idempotent on the tablet's uuid: a resend returns the first alert. A uuid used by
    someone else is refused.
    """
    source_key = f"reach-out:{uuid}"
    earlier = session.scalar(sa.select(Alert).where(Alert.source_key == source_key))
    if earlier is not None:
        if (earlier.study_id, earlier.interviewer_id) != (study.id, user.id):
            raise WellbeingInputError(_("This identifier belongs to someone else."))
        return earlier, False
    if at > utcnow() + timedelta(days=1):
        raise WellbeingInputError(_("The time given is in the future."), field="at")
    alert = raise_alert(
        session,
        study=study,
        interviewer_id=user.id,
        cause=AlertCause.REACHED_OUT,
        source_key=source_key,
        message=message.strip(),
    )
    return alert, True


# What each person sees -------------------------------------------------------------------


@dataclass(frozen=True)
class AlertView:
    """An alert as one person may see it: escalated to a facilitator, it has no words."""

    alert: Alert
    check_in: CheckIn | None  # None for facilitators who are not support leads
    check_in_note: str  # the check-in's note as it may be shown ("" when hidden or none)
    message: str  # the interviewer's words when reaching out ("" for facilitators)
    notes: list[AlertNote]  # the support leads' notes ([] for facilitators)
    may_act: bool  # a support lead: may acknowledge, follow up, add notes


def alerts_for(session: Session, *, study: Study, viewer: User) -> list[Alert]:
    """Return the alerts a person may see, newest first: all for support leads, escalated
    ones for facilitators, none for anyone else."""
    roles = roles_in(session, study=study, user=viewer)
    query = sa.select(Alert).where(Alert.study_id == study.id)
    if Role.SUPPORT_LEAD not in roles:
        if Role.FACILITATOR not in roles:
            return []
        query = query.where(Alert.escalated_at.is_not(None))
    return list(session.scalars(query.order_by(Alert.created_at.desc(), Alert.id.desc())))


def alert_for(session: Session, *, study: Study, viewer: User, alert_id: int) -> AlertView:
    """Return one alert as the viewer may see it; refuse anyone who may not see it at all."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.study_id != study.id:
        raise WellbeingRefusedError(_("There is no such alert in this study."))
    roles = roles_in(session, study=study, user=viewer)
    if Role.SUPPORT_LEAD in roles:
        check_in = alert.check_in
        note = check_in.visible_note if check_in else ""
        return AlertView(alert, check_in, note, alert.message, list(alert.notes), True)
    if Role.FACILITATOR in roles and alert.escalated_at is not None:
        return AlertView(alert, None, "", "", [], False)
    raise WellbeingRefusedError(_("There is no such alert in this study."))


def _support_lead_alert(session: Session, *, study: Study, user: User, alert_id: int) -> Alert:
    """Return an alert of the study for a support lead; refuse anyone else."""
    require_support_lead(session, study=study, user=user)
    alert = session.get(Alert, alert_id)
    if alert is None or alert.study_id != study.id:
        raise WellbeingRefusedError(_("There is no such alert in this study."))
    return alert


def acknowledge_alert(session: Session, *, study: Study, user: User, alert_id: int) -> Alert:
    """Say a support lead has seen a new alert and is dealing with it."""
    alert = _support_lead_alert(session, study=study, user=user, alert_id=alert_id)
    if alert.state is not AlertState.NEW:
        raise WellbeingInputError(_("This alert has already been acknowledged."))
    alert.state, alert.acknowledged_at, alert.acknowledged_by_id = (
        AlertState.ACKNOWLEDGED,
        utcnow(),
        user.id,
    )
    session.flush()
    return alert


def follow_up_alert(session: Session, *, study: Study, user: User, alert_id: int) -> Alert:
    """Say a support lead has followed an alert up (acknowledging it too if it was new)."""
    alert = _support_lead_alert(session, study=study, user=user, alert_id=alert_id)
    if alert.state is AlertState.FOLLOWED_UP:
        raise WellbeingInputError(_("This alert has already been followed up."))
    now = utcnow()
    if alert.state is AlertState.NEW:
        alert.acknowledged_at, alert.acknowledged_by_id = now, user.id
    alert.state, alert.followed_up_at, alert.followed_up_by_id = (
        AlertState.FOLLOWED_UP,
        now,
        user.id,
    )
    session.flush()
    return alert


def add_alert_note(
    session: Session, *, study: Study, user: User, alert_id: int, text: str
) -> AlertNote:
    """Add a support lead's note to an alert."""
    alert = _support_lead_alert(session, study=study, user=user, alert_id=alert_id)
    text = text.strip()
    if not text:
        raise WellbeingInputError(_("Write the note."), field="text")
    if len(text) > MAX_ALERT_NOTE:
        raise WellbeingInputError(
            _("A note can be at most %(count)d characters.", count=MAX_ALERT_NOTE), field="text"
        )
    note = AlertNote(alert_id=alert.id, author_id=user.id, text=text)
    session.add(note)
    session.flush()
    return note


def new_alert_count(session: Session, *, study: Study, viewer: User) -> int:
    """Return how many new alerts a support lead has to look at (0 for anyone else)."""
    if not is_support_lead(session, study=study, user=viewer):
        return 0
    query = sa.select(sa.func.count(Alert.id)).where(
        Alert.study_id == study.id, Alert.state == AlertState.NEW
    )
    return session.scalar(query) or 0


# Escalation ------------------------------------------------------------------------------


def escalate_overdue_alerts(session: Session, *, now: datetime | None = None) -> list[Alert]:
    """Escalate every alert still new after its study's time, once; return those escalated.

    Run by `peer-research notifications send` (the same scheduled command that closes
    polls), so it happens on time even when nobody opens a page. Facilitators are told
    that an alert waits, never what the interviewer or the support leads wrote.
    """
    now = now or utcnow()
    waiting = session.scalars(
        sa.select(Alert)
        .where(Alert.state == AlertState.NEW, Alert.escalated_at.is_(None))
        .order_by(Alert.id)
    ).all()
    escalated = []
    for alert in waiting:
        study = session.get(Study, alert.study_id)
        hours = settings_for(session, study).escalate_after_hours
        if alert.created_at + timedelta(hours=hours) > now:
            continue
        claimed = session.execute(
            sa.update(Alert)
            .where(Alert.id == alert.id, Alert.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another run escalated it
        session.refresh(alert)
        notify(
            session,
            users=member_ids_with(session, study_id=study.id, role=Role.FACILITATOR),
            study=study,
            topic=Topic.WELLBEING_ALERT,
            message=_(
                "A wellbeing alert has not been acknowledged by a support lead for %(hours)d "
                "hours. Please make sure someone gets in touch with the peer researcher.",
                hours=hours,
            ),
            link=alert_link(study, alert),
            dedupe_key=f"wellbeing-escalated-{alert.id}",
        )
        escalated.append(alert)
    session.flush()
    return escalated
