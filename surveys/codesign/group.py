"""The design group: who may suggest, discuss and vote on a study's questionnaires."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from peer_research.studies.models import Membership, MembershipRole, Role, Study
from peer_research.studies.services import get_membership

# Everyone in the design group has an equal voice: only support leads are outside it.
DESIGN_GROUP_ROLES = frozenset(
    {Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER}
)


def design_group_user_ids(session: Session, study: Study) -> list[int]:
    """Return the ids of the study's members who are in its design group."""
    query = (
        sa.select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.study_id == study.id, MembershipRole.role.in_(DESIGN_GROUP_ROLES))
        .distinct()
        .order_by(Membership.user_id)
    )
    return list(session.scalars(query))


def require_design_member(session: Session, *, study: Study, user: User) -> Membership:
    """Return the user's membership, or refuse someone outside the study's design group."""
    membership = get_membership(session, study=study, user=user)
    if membership is None or not membership.has_any_role(DESIGN_GROUP_ROLES):
        raise DomainError(_("Only members of this study's design group can do this."))
    return membership
