"""The studies package's door: create and find studies; members and invitations by re-export."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError

# This module is the package's door: what members.py and invitations.py do is asked here.
from peer_research.studies.invitations import (  # noqa: F401
    InvitationUnusableError,
    accept_invitation,
    cancel_invitation,
    create_invitation,
    find_invitation,
    get_study_invitation,
    pending_invitations,
    refuse_invitation,
)
from peer_research.studies.members import (  # noqa: F401
    add_member,
    change_roles,
    get_membership,
    member_count,
    members_of,
    remove_member,
)

# Role is part of this module's interface too: other packages' views take it from here.
from peer_research.studies.models import Membership, MembershipRole, Role, Study

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")


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


# Asked first by every study page: built once, with the values bound per call (it saves
# a third of the cost of the live-updates request).
_STUDY_AND_MEMBERSHIP = (
    sa.select(Study, Membership)
    .outerjoin(
        Membership,
        (Membership.study_id == Study.id) & (Membership.user_id == sa.bindparam("user_id")),
    )
    .options(sa.orm.contains_eager(Membership.study), sa.orm.joinedload(Membership.role_rows))
    .where(Study.slug == sa.bindparam("slug"))
)


def find_membership(
    session: Session, *, slug: str, user: User
) -> tuple[Study | None, Membership | None]:
    """Return the study at this address and the user's membership of it, with its roles."""
    values = {"user_id": user.id, "slug": slug}
    row = session.execute(_STUDY_AND_MEMBERSHIP, values).unique().first()
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
