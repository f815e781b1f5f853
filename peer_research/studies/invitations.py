"""Invitations: single-use links that let a new person join a study with chosen roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.members import add_member, check_roles
from peer_research.studies.models import Invitation, Membership, Role, Study
from peer_research.tokens import hash_token, new_token


class InvitationUnusableError(DomainError):
    """The invitation link cannot be used; `reason` says why, for the audit log."""

    def __init__(self, message: str, *, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.invitation = invitation


def create_invitation(
    session: Session,
    *,
    study: Study,
    name: str,
    email: str | None,
    roles: Iterable[Role],
    invited_by: User,
    lifetime: timedelta,
) -> tuple[Invitation, str]:
    """Make a single-use invitation link; return it and the token (shown once, never stored)."""
    chosen = check_roles(roles)
    token, token_hash = new_token()
    invitation = Invitation(
        study=study,
        token_hash=token_hash,
        name=name.strip(),
        email=email.strip().lower() if email else None,
        roles=sorted(chosen),
        invited_by=invited_by,
        expires_at=utcnow() + lifetime,
    )
    session.add(invitation)
    session.flush()
    record(
        session,
        Action.INVITATION_CREATED,
        actor=invited_by,
        study=study,
        detail={"invitation_id": invitation.id, "name": invitation.name, "roles": sorted(chosen)},
    )
    return invitation, token


def pending_invitations(session: Session, study: Study) -> list[Invitation]:
    """Return the study's invitations that can still be used, newest first."""
    query = (
        sa.select(Invitation)
        .where(
            Invitation.study_id == study.id,
            Invitation.accepted_at.is_(None),
            Invitation.cancelled_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
    )
    return list(session.scalars(query))


def get_study_invitation(
    session: Session, *, study: Study, invitation_id: int
) -> Invitation | None:
    """Return an invitation by id only if it belongs to this study."""
    invitation = session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.study_id == study.id else None


def cancel_invitation(session: Session, *, invitation: Invitation, cancelled_by: User) -> None:
    """Stop an invitation link from working."""
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    if invitation.cancelled_at is None:
        invitation.cancelled_at = utcnow()
        record(
            session,
            Action.INVITATION_CANCELLED,
            actor=cancelled_by,
            study=invitation.study,
            detail={"invitation_id": invitation.id, "name": invitation.name},
        )
        session.flush()


def find_invitation(session: Session, token: str) -> Invitation:
    """Return the pending invitation for a token, or raise with a plain reason."""
    invitation = session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise InvitationUnusableError(
            _(
                "This invitation link is not right. Check you copied all of it, "
                "or ask for a new one."
            ),
            reason="unknown",
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusableError(
            _(
                "This invitation has already been used. If it was you, sign in. "
                "If not, ask the person who invited you for a new one."
            ),
            reason="used",
            invitation=invitation,
        )
    if invitation.cancelled_at is not None:
        raise InvitationUnusableError(
            _("This invitation was cancelled. Ask the person who invited you for a new one."),
            reason="cancelled",
            invitation=invitation,
        )
    if not invitation.is_pending(utcnow()):
        raise InvitationUnusableError(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            reason="expired",
            invitation=invitation,
        )
    return invitation


def refuse_invitation(session: Session, error: InvitationUnusableError) -> None:
    """Record a refused use of an invitation link."""
    invitation = error.invitation
    record(
        session,
        Action.INVITATION_REFUSED,
        study=invitation.study if invitation else None,
        detail={"reason": error.reason, "invitation_id": invitation.id if invitation else None},
    )


def accept_invitation(session: Session, *, invitation: Invitation, user: User) -> Membership:
    """Use up the invitation and give the user its roles in the study."""
    claimed = session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise InvitationUnusableError(_("This invitation has already been used."), reason="used")
    session.refresh(invitation)
    record(
        session,
        Action.INVITATION_ACCEPTED,
        actor=user,
        study=invitation.study,
        subject=user,
        detail={"invitation_id": invitation.id},
    )
    return add_member(
        session,
        study=invitation.study,
        user=user,
        roles=invitation.role_set,
        added_by=invitation.invited_by,
    )
