"""Members of a study: who they are, adding them, changing their roles and removing them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from peer_research.studies.models import Membership, MembershipRole, Role, Study


def get_membership(session: Session, *, study: Study, user: User) -> Membership | None:
    """Return the user's membership of the study, if any."""
    return session.scalar(
        sa.select(Membership).where(Membership.study_id == study.id, Membership.user_id == user.id)
    )


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


_MEMBER_COUNT = sa.select(sa.func.count()).where(Membership.study_id == sa.bindparam("study_id"))


def member_count(session: Session, study: Study) -> int:
    """Count the study's members."""
    return session.scalar(_MEMBER_COUNT, {"study_id": study.id}) or 0


def _lock_study(session: Session, study: Study) -> None:
    """Serialise membership changes of one study (row lock on PostgreSQL, write lock on SQLite)."""
    session.execute(sa.update(Study).where(Study.id == study.id).values(slug=Study.slug))


def check_roles(roles: Iterable[Role]) -> frozenset[Role]:
    """Return the roles as a set, refusing an empty choice."""
    chosen = frozenset(Role(role) for role in roles)
    if not chosen:
        raise DomainError(_("Choose at least one role."), field="roles")
    return chosen


def add_member(
    session: Session, *, study: Study, user: User, roles: Iterable[Role], added_by: User | None
) -> Membership:
    """Add a person to a study, or give an existing member the extra roles."""
    chosen = check_roles(roles)
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
    chosen = check_roles(roles)
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
