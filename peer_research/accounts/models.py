"""People who can sign in, their sign-in sessions, and the failed sign-ins that slow guessing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from peer_research.db import Base, utcnow


class User(Base):
    """A person with an account; study roles are held through memberships."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    # Flask-Login protocol.
    is_active = True
    is_authenticated = True
    is_anonymous = False
    # The sign-in session this object was signed in with or loaded for ("<id>:<token>");
    # set by accounts.sessions, never stored (only the token's hash is, in sign_in_sessions).
    session_identity = None

    def get_id(self) -> str:
        """Return the session identity that the session cookie carries."""
        if self.session_identity is None:
            raise RuntimeError("start a sign-in session (accounts.start_session) before login_user")
        return self.session_identity

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class SignInFailure(Base):
    """One failed sign-in, kept for a short window to slow down password guessing."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        sa.Index("ix_sign_in_failures_username_at", "username", "at"),
        sa.Index("ix_sign_in_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SignInFailure {self.username!r} from {self.address} at {self.at:%H:%M:%S}>"


class SignInSession(Base):
    """One signed-in browser: the hash of the random token its session cookie carries.

    The row is what makes a cookie work: signing out deletes it, so a copy of the cookie
    stops working at once, on every server; "sign out everywhere" deletes them all.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} of user {self.user_id}>"


class PasswordReset(Base):
    """A single-use link that lets a person choose a new password."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    user: Mapped[User] = sa.orm.relationship(foreign_keys=[user_id])

    def is_usable(self, now: datetime) -> bool:
        """Tell whether the link can still be used."""
        return self.used_at is None and self.cancelled_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} for user {self.user_id}>"
