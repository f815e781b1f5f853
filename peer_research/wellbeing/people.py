"""Who may see what: support leads, facilitators and the interviewer themselves."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from peer_research.studies.models import Membership, MembershipRole, Role, Study


class WellbeingRefusedError(DomainError):
    """The person may not see or change this wellbeing record (pages answer 403 or 404)."""


class WellbeingInputError(DomainError):
    """What was given cannot be used (a form error beside `field`, or a 400 on the API)."""


def roles_in(session: Session, *, study: Study, user: User) -> frozenset[Role]:
    """Return the roles a person holds in a study (none for non-members)."""
    query = (
        sa.select(MembershipRole.role)
        .join(Membership, Membership.id == MembershipRole.membership_id)
        .where(Membership.study_id == study.id, Membership.user_id == user.id)
    )
    return frozenset(session.scalars(query))


def is_support_lead(session: Session, *, study: Study, user: User) -> bool:
    """Tell whether a person is one of the study's support leads."""
    return Role.SUPPORT_LEAD in roles_in(session, study=study, user=user)


def require_support_lead(session: Session, *, study: Study, user: User) -> None:
    """Refuse anyone but the study's support leads."""
    if not is_support_lead(session, study=study, user=user):
        raise WellbeingRefusedError(_("Only the study's support leads can do this."))


def require_role(session: Session, *, study: Study, user: User, roles: frozenset[Role]) -> None:
    """Refuse anyone who holds none of these roles in the study."""
    if not roles_in(session, study=study, user=user) & roles:
        raise WellbeingRefusedError(_("You do not have a role in this study that can do this."))


def member_ids_with(session: Session, *, study_id: int, role: Role) -> list[int]:
    """Return the ids of the study's members who hold a role."""
    query = (
        sa.select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.study_id == study_id, MembershipRole.role == role)
        .order_by(Membership.user_id)
    )
    return list(session.scalars(query))
