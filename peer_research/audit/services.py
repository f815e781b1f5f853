"""Write to and read from the audit log."""

from __future__ import annotations

import enum
from typing import Any, Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload

from peer_research.audit.models import AuditEvent
from peer_research.requestlog import current_request


class HasId(Protocol):
    """Anything stored with an id: a person or a study (the audit log keeps only the id)."""

    id: int


class Action(enum.StrEnum):
    """Every kind of audited event."""

    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_THROTTLED = "sign_in_throttled"
    SIGN_IN_PAUSE_LIFTED = "sign_in_pause_lifted"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_ISSUED = "password_reset_issued"
    PASSWORD_RESET_USED = "password_reset_used"
    PASSWORD_RESET_REFUSED = "password_reset_refused"
    ADMIN_CREATED = "admin_created"
    STUDY_CREATED = "study_created"
    INVITATION_CREATED = "invitation_created"
    INVITATION_EMAILED = "invitation_emailed"
    INVITATION_CANCELLED = "invitation_cancelled"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_REFUSED = "invitation_refused"
    MEMBER_ADDED = "member_added"
    ROLES_CHANGED = "roles_changed"
    MEMBER_REMOVED = "member_removed"
    QUESTIONNAIRE_IMPORTED = "questionnaire_imported"
    QUESTIONNAIRE_PUBLISHED = "questionnaire_published"
    PROPOSAL_OPENED = "proposal_opened"
    PROPOSAL_WITHDRAWN = "proposal_withdrawn"
    POLL_OPENED = "poll_opened"
    VOTE_CAST = "vote_cast"
    POLL_CLOSED = "poll_closed"
    DECISION_RECORDED = "decision_recorded"
    DECISION_RULE_CHANGED = "decision_rule_changed"
    DIRECT_EDIT_RECORDED = "direct_edit_recorded"
    VOTE_REMINDER_SENT = "vote_reminder_sent"
    COMMENT_REMOVED = "comment_removed"
    SYNC_REFUSED = "sync_refused"
    CONSENT_REFUSED = "consent_refused"
    PARTICIPANT_WITHDRAWN = "participant_withdrawn"
    CONSENT_DETAILS_VIEWED = "consent_details_viewed"
    CONSENT_DETAILS_REFUSED = "consent_details_refused"
    CONSENT_COPY_MADE = "consent_copy_made"
    CONSENT_COPY_EMAILED = "consent_copy_emailed"
    CONSENT_COPY_REFUSED = "consent_copy_refused"


ACTION_DESCRIPTIONS = {
    Action.SIGNED_IN: _l("Signed in"),
    Action.SIGNED_OUT: _l("Signed out"),
    Action.SIGNED_OUT_EVERYWHERE: _l("Signed out on every device"),
    Action.SIGN_IN_FAILED: _l("Sign-in failed"),
    Action.SIGN_IN_THROTTLED: _l("Sign-in paused after too many attempts"),
    Action.SIGN_IN_PAUSE_LIFTED: _l("Sign-in pause lifted"),
    Action.PASSWORD_CHANGED: _l("Password changed"),
    Action.PASSWORD_RESET_ISSUED: _l("Password reset link made"),
    Action.PASSWORD_RESET_USED: _l("Password reset link used"),
    Action.PASSWORD_RESET_REFUSED: _l("Password reset link refused"),
    Action.ADMIN_CREATED: _l("Site administrator created"),
    Action.STUDY_CREATED: _l("Study created"),
    Action.INVITATION_CREATED: _l("Invitation made"),
    Action.INVITATION_EMAILED: _l("Invitation e-mailed"),
    Action.INVITATION_CANCELLED: _l("Invitation cancelled"),
    Action.INVITATION_ACCEPTED: _l("Invitation accepted"),
    Action.INVITATION_REFUSED: _l("Invitation link refused"),
    Action.MEMBER_ADDED: _l("Member added"),
    Action.ROLES_CHANGED: _l("Roles changed"),
    Action.MEMBER_REMOVED: _l("Member removed"),
    Action.QUESTIONNAIRE_IMPORTED: _l("Questionnaire imported"),
    Action.QUESTIONNAIRE_PUBLISHED: _l("Questionnaire version published"),
    Action.PROPOSAL_OPENED: _l("Suggested change put to the group"),
    Action.PROPOSAL_WITHDRAWN: _l("Suggested change withdrawn"),
    Action.POLL_OPENED: _l("Poll opened"),
    Action.VOTE_CAST: _l("Vote cast or changed"),
    Action.POLL_CLOSED: _l("Poll closed"),
    Action.DECISION_RECORDED: _l("Decision recorded"),
    Action.DECISION_RULE_CHANGED: _l("Decision rule changed"),
    Action.DIRECT_EDIT_RECORDED: _l("Draft changed directly by a facilitator"),
    Action.VOTE_REMINDER_SENT: _l("Reminder to vote sent"),
    Action.COMMENT_REMOVED: _l("Someone else's comment removed by a facilitator"),
    Action.SYNC_REFUSED: _l("Interviews from a tablet refused"),
    Action.CONSENT_REFUSED: _l("A consent from a tablet refused"),
    Action.PARTICIPANT_WITHDRAWN: _l("Participant withdrawn from the study"),
    Action.CONSENT_DETAILS_VIEWED: _l("A participant's name and details seen"),
    Action.CONSENT_DETAILS_REFUSED: _l(
        "Someone without the role asked for a participant's details"
    ),
    Action.CONSENT_COPY_MADE: _l("A participant's copy of their consent made"),
    Action.CONSENT_COPY_EMAILED: _l("A participant's copy of their consent e-mailed to them"),
    Action.CONSENT_COPY_REFUSED: _l("Someone asked for a copy of a consent they did not take"),
}


def record(
    session: Session,
    action: Action,
    *,
    actor: HasId | None = None,
    study: HasId | None = None,
    subject: HasId | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event, with the current request's id and address when there is one."""
    info = current_request.get()
    event = AuditEvent(
        action=action.value,
        actor_id=actor.id if actor else None,
        study_id=study.id if study else None,
        subject_user_id=subject.id if subject else None,
        detail=detail or {},
        address=info.address if info else None,
        request_id=info.request_id if info else None,
    )
    session.add(event)
    session.flush()
    return event


def _with_people(query: sa.Select) -> sa.Select:
    """Load each event's actor and subject in the same query (a page shows their names)."""
    return query.options(joinedload(AuditEvent.actor), joinedload(AuditEvent.subject_user))


def study_events(
    session: Session, study: HasId, *, page: int, per_page: int = 50
) -> list[AuditEvent]:
    """Return one page of a study's audit events, newest first."""
    query = (
        _with_people(sa.select(AuditEvent))
        .where(AuditEvent.study_id == study.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(session.scalars(query))


def site_events(session: Session, *, page: int, per_page: int = 50) -> list[AuditEvent]:
    """Return one page of every audit event, newest first."""
    query = (
        _with_people(sa.select(AuditEvent))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(session.scalars(query))


def describe(event: AuditEvent) -> str:
    """Return the plain-language name of an event's action."""
    try:
        return str(ACTION_DESCRIPTIONS[Action(event.action)])
    except ValueError:
        return event.action
