"""Sign-in sessions kept in the database, so that signing out really ends them.

The session cookie carries `"<user id>:<token>"`; only the token's SHA-256 hash is stored,
one `sign_in_sessions` row per signed-in browser. Every request looks the row up (the
user loader), so a cookie stops working the moment its row goes, on every gunicorn worker
and server: at sign-out, "sign out everywhere", a password change (other rows) or reset
(all rows), or when it expires.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import SignInSession, User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.tokens import hash_token, new_token

_IDENTITY = re.compile(r"^([0-9]{1,18}):([A-Za-z0-9_-]{20,100})$")

# Asked on every request: built once, with the values bound per call.
_USER_OF_LIVE_SESSION = (
    sa.select(User)
    .join(SignInSession, SignInSession.user_id == User.id)
    .where(
        User.id == sa.bindparam("user_id"),
        SignInSession.token_hash == sa.bindparam("token_hash"),
        SignInSession.expires_at > sa.bindparam("now"),
    )
)


def start_session(
    session: Session, *, user: User, lifetime: timedelta, now: datetime | None = None
) -> str:
    """Open a sign-in session for the user; remember and return its identity for the cookie."""
    now = now or utcnow()
    # Forget this person's expired sessions while we are here, so rows do not pile up.
    session.execute(
        sa.delete(SignInSession).where(
            SignInSession.user_id == user.id, SignInSession.expires_at <= now
        )
    )
    token, token_hash = new_token()
    session.add(
        SignInSession(
            user_id=user.id, token_hash=token_hash, created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()
    user.session_identity = f"{user.id}:{token}"
    return user.session_identity


def load_user_for_session(
    session: Session, session_identity: str, *, now: datetime | None = None
) -> User | None:
    """Return the user whose live sign-in session this identity names, or None."""
    match = _IDENTITY.match(session_identity or "")
    if match is None:
        return None
    user_id, token = int(match[1]), match[2]
    user = session.scalar(
        _USER_OF_LIVE_SESSION,
        {"user_id": user_id, "token_hash": hash_token(token), "now": now or utcnow()},
    )
    if user is not None:
        user.session_identity = session_identity
    return user


def _token_hash_of(user: User) -> str | None:
    """Return the stored hash of the session the user object was loaded for, if any."""
    match = _IDENTITY.match(user.session_identity or "")
    return hash_token(match[2]) if match else None


def end_session(session: Session, *, user: User) -> None:
    """End the sign-in session this user object belongs to (signing out), and audit it."""
    token_hash = _token_hash_of(user)
    if token_hash is not None:
        session.execute(sa.delete(SignInSession).where(SignInSession.token_hash == token_hash))
    record(session, Action.SIGNED_OUT, actor=user)


def end_other_sessions(session: Session, *, user: User) -> int:
    """End every sign-in session of the user but the current one; return how many ended."""
    query = sa.delete(SignInSession).where(SignInSession.user_id == user.id)
    if (token_hash := _token_hash_of(user)) is not None:
        query = query.where(SignInSession.token_hash != token_hash)
    return session.execute(query).rowcount or 0


def end_all_sessions(session: Session, *, user: User) -> int:
    """End every sign-in session of the user; return how many ended."""
    query = sa.delete(SignInSession).where(SignInSession.user_id == user.id)
    return session.execute(query).rowcount or 0


def sign_out_everywhere(session: Session, *, user: User) -> int:
    """End all of a person's sign-in sessions, on every device, and audit it."""
    ended = end_all_sessions(session, user=user)
    record(session, Action.SIGNED_OUT_EVERYWHERE, actor=user, detail={"sessions": ended})
    return ended


def count_sessions(session: Session, *, user: User, now: datetime | None = None) -> int:
    """Return how many live sign-in sessions the user has (this one included)."""
    return (
        session.scalar(
            sa.select(sa.func.count()).where(
                SignInSession.user_id == user.id, SignInSession.expires_at > (now or utcnow())
            )
        )
        or 0
    )
