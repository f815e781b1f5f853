"""Create studies, invite people, change their roles and remove them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError

# Role is part of this module's interface too: other packages' views take it from here.
from peer_research.studies.models import Invitation, Membership, MembershipRole, Role, Study
from peer_research.tokens import hash_token, new_token

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")


class InvitationUnusableError(DomainError):
    """The invitation link cannot be used; `reason` says why, for the audit log."""

    def __init__(self, message: str, *, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.invitation = invitation


def create_study(
    session: Session, *, slug: str, title: str, description: str = "", created_by: User | None
) -> Study:
    """Create a study after checking its web address is well formed and free."""
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise DomainError(
            _("Use 3 to 60 lower-case letters, numbers and dashes, like 'carers-voices-2026'."),
            field="slug",
        )
    if session.scalar(sa.select(Study.id).where(Study.slug == slug)):
        raise DomainError(_("Another study already uses that web address."), field="slug")
    study = Study(
        slug=slug,
        title=title.strip(),
        description=description.strip(),
        created_by_id=created_by.id if created_by else None,
    )
    session.add(study)
    session.flush()
    record(session, Action.STUDY_CREATED, actor=created_by, study=study, detail={"slug": slug})
    return study


def get_study(session: Session, slug: str) -> Study | None:
    """Return the study with this web address, if any."""
    return session.scalar(sa.select(Study).where(Study.slug == slug))


def get_membership(session: Session, *, study: Study, user: User) -> Membership | None:
    """Return the user's membership of the study, if any."""
    return session.scalar(
        sa.select(Membership).where(Membership.study_id == study.id, Membership.user_id == user.id)
    )


def find_membership(
    session: Session, *, slug: str, user: User
) -> tuple[Study | None, Membership | None]:
    """Return the study at this address and the user's membership of it (each may be None),
    with the member's roles, in one query: every study page asks this first."""
    query = (
        sa.select(Study, Membership)
        .outerjoin(Membership, (Membership.study_id == Study.id) & (Membership.user_id == user.id))
        .options(sa.orm.contains_eager(Membership.study), sa.orm.joinedload(Membership.role_rows))
        .where(Study.slug == slug)
    )
    row = session.execute(query).unique().first()
    return (row[0], row[1]) if row else (None, None)


def get_study_membership(
    session: Session, *, study: Study, membership_id: int
) -> Membership | None:
    """Return a membership by id only if it belongs to this study."""
    membership = session.get(Membership, membership_id)
    return membership if membership is not None and membership.study_id == study.id else None


def studies_of(session: Session, user: User) -> list[Membership]:
    """Return the user's memberships, by study title."""
    query = (
        sa.select(Membership)
        .join(Membership.study)
        .where(Membership.user_id == user.id)
        .order_by(Study.title)
    )
    return list(session.scalars(query))


def all_studies(session: Session) -> list[Study]:
    """Return every study, by title."""
    return list(session.scalars(sa.select(Study).order_by(Study.title)))


def members_of(session: Session, study: Study) -> list[Membership]:
    """Return a study's members, by name."""
    query = (
        sa.select(Membership)
        .join(Membership.user)
        .options(sa.orm.contains_eager(Membership.user))
        .where(Membership.study_id == study.id)
        .order_by(User.display_name, User.id)
    )
    return list(session.scalars(query))


def member_count(session: Session, study: Study) -> int:
    """Count the study's members."""
    query = sa.select(sa.func.count()).where(Membership.study_id == study.id)
    return session.scalar(query) or 0


def _lock_study(session: Session, study: Study) -> None:
    """Serialise membership changes of one study (row lock on PostgreSQL, write lock on SQLite)."""
    session.execute(sa.update(Study).where(Study.id == study.id).values(slug=Study.slug))


def _check_roles(roles: Iterable[Role]) -> frozenset[Role]:
    """Return the roles as a set, refusing an empty choice."""
    chosen = frozenset(Role(role) for role in roles)
    if not chosen:
        raise DomainError(_("Choose at least one role."), field="roles")
    return chosen


def add_member(
    session: Session, *, study: Study, user: User, roles: Iterable[Role], added_by: User | None
) -> Membership:
    """Add a person to a study, or give an existing member the extra roles."""
    chosen = _check_roles(roles)
    _lock_study(session, study)
    membership = get_membership(session, study=study, user=user)
    if membership is None:
        membership = Membership(study=study, user=user)
        session.add(membership)
    added = chosen - membership.roles
    membership.role_rows.extend(MembershipRole(role=role) for role in sorted(added))
    session.flush()
    record(
        session,
        Action.MEMBER_ADDED,
        actor=added_by,
        study=study,
        subject=user,
        detail={"roles": sorted(added)},
    )
    return membership


def _facilitator_count(session: Session, study: Study) -> int:
    """Count the study's members who hold the facilitator role."""
    query = (
        sa.select(sa.func.count())
        .select_from(MembershipRole)
        .join(Membership)
        .where(Membership.study_id == study.id, MembershipRole.role == Role.FACILITATOR)
    )
    return session.scalar(query) or 0


def change_roles(
    session: Session, *, membership: Membership, roles: Iterable[Role], changed_by: User
) -> None:
    """Replace a member's roles, keeping at least one facilitator in the study."""
    chosen = _check_roles(roles)
    _lock_study(session, membership.study)
    session.refresh(membership)
    before = membership.roles
    if (
        Role.FACILITATOR in before
        and Role.FACILITATOR not in chosen
        and _facilitator_count(session, membership.study) <= 1
    ):
        raise DomainError(
            _("A study needs at least one facilitator. Make someone else a facilitator first."),
            field="roles",
        )
    if chosen == before:
        return
    membership.role_rows = [row for row in membership.role_rows if row.role in chosen]
    membership.role_rows.extend(MembershipRole(role=role) for role in sorted(chosen - before))
    session.flush()
    record(
        session,
        Action.ROLES_CHANGED,
        actor=changed_by,
        study=membership.study,
        subject=membership.user,
        detail={"before": sorted(before), "after": sorted(chosen)},
    )


def remove_member(session: Session, *, membership: Membership, removed_by: User) -> None:
    """Take a person out of a study; the last facilitator cannot be removed."""
    study = membership.study
    _lock_study(session, study)
    session.refresh(membership)
    if Role.FACILITATOR in membership.roles and _facilitator_count(session, study) <= 1:
        raise DomainError(
            _("This is the study's only facilitator. Make someone else a facilitator first.")
        )
    record(
        session,
        Action.MEMBER_REMOVED,
        actor=removed_by,
        study=study,
        subject=membership.user,
        detail={"roles": sorted(membership.roles)},
    )
    session.delete(membership)
    session.flush()


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
    chosen = _check_roles(roles)
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


def can_reset_password_of(session: Session, *, facilitator: User, user: User) -> bool:
    """Tell whether a facilitator may make a reset link for this person.

    Only when the person is not a site administrator and every study they belong to is one
    the facilitator runs: otherwise a reset would open studies the facilitator cannot see.
    """
    if user.is_site_admin or user.id == facilitator.id:
        return False
    their_studies = set(
        session.scalars(sa.select(Membership.study_id).where(Membership.user_id == user.id))
    )
    facilitated = set(
        session.scalars(
            sa.select(Membership.study_id)
            .join(MembershipRole)
            .where(Membership.user_id == facilitator.id, MembershipRole.role == Role.FACILITATOR)
        )
    )
    return bool(their_studies) and their_studies <= facilitated
