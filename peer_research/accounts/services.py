"""Create accounts, sign in with slowdown after failures, change and reset passwords."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import PasswordReset, SignInFailure, User
from peer_research.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.mail import mail_enabled, try_send_mail
from peer_research.tokens import hash_token, new_token

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
# A hash to check against when the username is unknown, so that timing does not reveal it.
_UNKNOWN_USER_HASH: dict[str, str] = {}


class SignInRefusedError(DomainError):
    """The username or password was wrong."""


class SignInPausedError(DomainError):
    """Too many recent failures: signing in is paused for a while."""


@dataclass(frozen=True)
class SignInLimits:
    """How many failures are allowed within the window before sign-in pauses."""

    per_username: int
    per_address: int
    window: timedelta


def normalise_username(username: str) -> str:
    """Return the canonical (trimmed, lower-case) form of a username or e-mail address."""
    return username.strip().lower()


def check_new_username(session: Session, username: str) -> str:
    """Return the canonical username, or raise if it is malformed or taken."""
    canonical = normalise_username(username)
    if not USERNAME_PATTERN.match(canonical):
        raise DomainError(
            _(
                "Usernames are 2 to 60 characters: letters, numbers, dots, dashes or "
                "underscores, starting with a letter or number."
            ),
            field="username",
        )
    if session.scalar(sa.select(User.id).where(User.username == canonical)):
        raise DomainError(_("That username is taken. Try another."), field="username")
    return canonical


def check_password(password: str, *, username: str, display_name: str, email: str | None) -> None:
    """Raise if the password breaks the password rules."""
    problem = password_problem(password, personal_words=(username, display_name, email or ""))
    if problem:
        raise DomainError(problem, field="password")


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    email: str | None = None,
    is_site_admin: bool = False,
) -> User:
    """Create an account after checking the username, e-mail and password."""
    canonical = check_new_username(session, username)
    email = normalise_username(email) if email else None
    if email and session.scalar(sa.select(User.id).where(User.email == email)):
        raise DomainError(_("An account already uses that e-mail address."), field="email")
    check_password(password, username=canonical, display_name=display_name, email=email)
    user = User(
        username=canonical,
        display_name=display_name.strip(),
        email=email,
        password_hash=hash_password(password),
        is_site_admin=is_site_admin,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    """Return the person with this id, if any."""
    return session.get(User, user_id)


def all_people(session: Session) -> list[User]:
    """Return every account on the site, by name."""
    return list(session.scalars(sa.select(User).order_by(User.display_name, User.id)))


def find_user_for_sign_in(session: Session, identifier: str) -> User | None:
    """Find the account with this username or e-mail address."""
    canonical = normalise_username(identifier)
    return session.scalar(
        sa.select(User).where(sa.or_(User.username == canonical, User.email == canonical))
    )


def sign_in(
    session: Session,
    *,
    identifier: str,
    password: str,
    address: str,
    limits: SignInLimits,
    before_writing: Callable[[], None] = lambda: None,
) -> User:
    """Check the username and password, slowing down guessing; return the user.

    `before_writing` is called after the checks (the password hash is the slow part)
    and before the first write, so a caller can keep the checks out of a write lock.
    """
    canonical = normalise_username(identifier)[:254]
    since = utcnow() - limits.window
    if _recent_failures(
        session, SignInFailure.username == canonical, since
    ) >= limits.per_username or (
        _recent_failures(session, SignInFailure.address == address, since) >= limits.per_address
    ):
        before_writing()
        record(session, Action.SIGN_IN_THROTTLED, detail={"username": canonical})
        minutes = int(limits.window.total_seconds() // 60)
        raise SignInPausedError(
            _(
                "Too many attempts to sign in. Wait %(minutes)d minutes and try again, "
                "or ask your facilitator for a new password link.",
                minutes=minutes,
            )
        )
    user = find_user_for_sign_in(session, canonical)
    if user is None:
        verify_password(_dummy_hash(), password)
    right = user is not None and verify_password(user.password_hash, password)
    before_writing()
    if user is None or not right:
        session.add(SignInFailure(username=canonical, address=address))
        record(session, Action.SIGN_IN_FAILED, subject=user, detail={"username": canonical})
        raise SignInRefusedError(
            _("The username or password is not right. Check them and try again."),
            field="password",
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _clear_failures(session, canonical, user)
    user.last_signed_in_at = utcnow()
    record(session, Action.SIGNED_IN, actor=user)
    return user


def _recent_failures(session: Session, condition: sa.ColumnElement[bool], since) -> int:
    """Count failures matching the condition since the given time."""
    query = sa.select(sa.func.count()).where(condition, SignInFailure.at >= since)
    return session.scalar(query) or 0


def _clear_failures(session: Session, canonical: str, user: User) -> None:
    """Forget the failures for this account after a successful sign-in or reset."""
    names = {canonical, user.username, *([user.email] if user.email else [])}
    session.execute(sa.delete(SignInFailure).where(SignInFailure.username.in_(names)))


def _dummy_hash() -> str:
    """Return a hash to verify against when the account does not exist (equal timing)."""
    key = "hash"
    if key not in _UNKNOWN_USER_HASH:
        _UNKNOWN_USER_HASH[key] = hash_password("unknown user placeholder")
    return _UNKNOWN_USER_HASH[key]


def load_user_for_session(session: Session, session_identity: str) -> User | None:
    """Return the user for a session identity, or None if it is stale or malformed."""
    user_id, _sep, version = session_identity.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def set_password(session: Session, *, user: User, password: str) -> None:
    """Set a new password and end every other session of this user."""
    check_password(
        password, username=user.username, display_name=user.display_name, email=user.email
    )
    user.password_hash = hash_password(password)
    user.session_version += 1
    _clear_failures(session, user.username, user)
    session.flush()


def change_password(
    session: Session, *, user: User, current_password: str, new_password: str
) -> None:
    """Change the password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not right."), field="current_password")
    set_password(session, user=user, password=new_password)
    record(session, Action.PASSWORD_CHANGED, actor=user, subject=user)


def issue_password_reset(
    session: Session, *, user: User, issued_by: User, lifetime: timedelta, study=None
) -> str:
    """Make a single-use reset link for a user, cancelling older ones; return the token."""
    now = utcnow()
    session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )
    token, token_hash = new_token()
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash,
            issued_by_id=issued_by.id,
            expires_at=now + lifetime,
        )
    )
    record(session, Action.PASSWORD_RESET_ISSUED, actor=issued_by, subject=user, study=study)
    return token


def find_password_reset(session: Session, token: str) -> PasswordReset:
    """Return the usable reset for a token, or raise with a plain reason."""
    reset = session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None:
        raise DomainError(_("This password link is not right. Check you copied all of it."))
    if reset.used_at is not None:
        raise DomainError(_("This password link has already been used. Ask for a new one."))
    if not reset.is_usable(utcnow()):
        raise DomainError(_("This password link has expired or was replaced. Ask for a new one."))
    return reset


def complete_password_reset(session: Session, *, reset: PasswordReset, password: str) -> User:
    """Set the new password and use up the link."""
    set_password(session, user=reset.user, password=password)
    reset.used_at = utcnow()
    record(session, Action.PASSWORD_RESET_USED, actor=reset.user, subject=reset.user)
    return reset.user


def email_password_link(user: User, *, link: str, issuer: User) -> bool:
    """E-mail a password link to its owner when mail is set up and they have an address."""
    if not (mail_enabled() and user.email):
        return False
    body = _(
        "Hello %(name)s,\n\n%(issuer)s has made a link for you to choose a new password "
        "for peer-research. It works once, for 3 days:\n%(link)s\n\n"
        "If you did not ask for this, tell your facilitator.\n",
        name=user.display_name,
        issuer=issuer.display_name,
        link=link,
    )
    return try_send_mail(to=user.email, subject=_("Choose a new password"), body=body)
