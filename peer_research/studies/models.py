"""Studies, their members and roles, and invitations to join."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.db import Base, utcnow


class Role(enum.StrEnum):
    """A role a member holds in one study; a member can hold several."""

    FACILITATOR = "facilitator"
    CO_RESEARCHER = "co_researcher"
    PEER_RESEARCHER = "peer_researcher"
    ACADEMIC_PARTNER = "academic_partner"
    SUPPORT_LEAD = "support_lead"


ROLE_COLUMN = sa.Enum(
    Role,
    native_enum=False,
    length=32,
    values_callable=lambda roles: [role.value for role in roles],
    validate_strings=True,
    create_constraint=True,
    name="role",
)


class Study(Base):
    """A research study: its people, questionnaires, interviews and results."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # How many changes the study's group has made; open pages compare it to refresh.
    activity_count: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="Membership.id"
    )

    def __repr__(self) -> str:
        return f"<Study {self.id} {self.slug!r}>"


class Membership(Base):
    """A person's place in a study, with the roles they hold there."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("study_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    study: Mapped[Study] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
    role_rows: Mapped[list[MembershipRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MembershipRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles this member holds."""
        return frozenset(row.role for row in self.role_rows)

    def has_any_role(self, roles: frozenset[Role]) -> bool:
        """Tell whether the member holds at least one of the roles."""
        return bool(self.roles & roles)

    def __repr__(self) -> str:
        return f"<Membership {self.id} user {self.user_id} in study {self.study_id}>"


class MembershipRole(Base):
    """One role held by one member."""

    __tablename__ = "membership_roles"

    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(ROLE_COLUMN, primary_key=True)

    def __repr__(self) -> str:
        return f"<MembershipRole {self.membership_id} {self.role}>"


class Invitation(Base):
    """A single-use link that lets a person join a study with the given roles."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(
        sa.ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    roles: Mapped[list[str]] = mapped_column(sa.JSON)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]

    study: Mapped[Study] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id], lazy="selectin")

    @property
    def role_set(self) -> frozenset[Role]:
        """Return the roles the invitation grants."""
        return frozenset(Role(value) for value in self.roles)

    def is_pending(self, now: datetime) -> bool:
        """Tell whether the link can still be used."""
        return self.accepted_at is None and self.cancelled_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<Invitation {self.id} to study {self.study_id} for {self.name!r}>"
