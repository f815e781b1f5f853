"""Create accounts, sign in with slowdown after failures, change and reset passwords.

Sign-in sessions are `sessions.py`'s business and the slowdown `throttle.py`'s; the names
other packages need are re-exported here, the accounts package's one door.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from peer_research.accounts import throttle
from peer_research.accounts.models import PasswordReset, User
from peer_research.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from peer_research.accounts.sessions import (
    count_sessions,
    end_other_sessions,
    end_session,
    load_user_for_session,
    sign_out_everywhere,
    start_session,
)
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.mail import mail_enabled, try_send_mail
from peer_research.tokens import hash_token, new_token

SignInLimits = throttle.SignInLimits

__all__ = [  # the names from sessions.py and throttle.py that other modules use
    "SignInLimits",
    "count_sessions",
    "end_session",
    "load_user_for_session",
    "sign_out_everywhere",
    "start_session",
]

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
# A hash to check against when the username is unknown, so that timing does not reveal it.
_UNKNOWN_USER_HASH: dict[str, str] = {}


class SignInRefusedError(DomainError):
    """The username or password was wrong."""


class SignInPausedError(DomainError):
    """Too many recent failures for this name from this address: wait a while."""


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
    session_lifetime: timedelta,
    now: datetime | None = None,
    before_writing: Callable[[], None] = lambda: None,
) -> User:
    """Check the username and password, slowing down guessing; start a sign-in session.

    `before_writing` is called after the checks (the password hash is the slow part) and
    before the first write, so a caller can keep the checks out of a write lock.
    """
    now = now or utcnow()
    canonical = normalise_username(identifier)[:254]
    user = find_user_for_sign_in(session, canonical)
    # An account's failures are kept under its username, however the person typed it.
    key = user.username if user is not None else canonical
    wait = throttle.pause_remaining(session, key=key, address=address, limits=limits, now=now)
    if wait is not None:
        before_writing()
        record(session, Action.SIGN_IN_THROTTLED, detail={"username": key})
        raise SignInPausedError(
            _(
                "There have been too many wrong passwords for this name from here. "
                "Wait %(wait)s and try again, or ask your facilitator to let you sign in now.",
                wait=wait_in_words(wait),
            )
        )
    if user is None:
        verify_password(_dummy_hash(), password)
    right = user is not None and verify_password(user.password_hash, password)
    before_writing()
    if user is None or not right:
        throttle.record_failure(session, key=key, address=address, limits=limits, now=now)
        record(session, Action.SIGN_IN_FAILED, subject=user, detail={"username": canonical})
        raise SignInRefusedError(
            _("The username or password is not right. Check them and try again."),
            field="password",
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.forget_failures_from(session, key=key, address=address)
    user.last_signed_in_at = now
    start_session(session, user=user, lifetime=session_lifetime, now=now)
    record(session, Action.SIGNED_IN, actor=user)
    return user


def wait_in_words(wait: timedelta) -> str:
    """Say how long to wait, rounded up: "30 seconds", "1 minute", "4 minutes"."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def _dummy_hash() -> str:
    """Return a hash to verify against when the account does not exist (equal timing)."""
    key = "hash"
    if key not in _UNKNOWN_USER_HASH:
        _UNKNOWN_USER_HASH[key] = hash_password("unknown user placeholder")
    return _UNKNOWN_USER_HASH[key]


def lift_sign_in_pause(session: Session, *, user: User, lifted_by: User, study=None) -> int:
    """Let a person sign in again now (a facilitator's or administrator's help); audited."""
    return throttle.lift_pause(session, user=user, lifted_by=lifted_by, study=study)


def paused_people(session: Session, *, users, limits: SignInLimits) -> set[int]:
    """Return the ids of the people who must wait before signing in from some address."""
    return throttle.paused_people(session, users=users, limits=limits, now=utcnow())


def set_password(session: Session, *, user: User, password: str) -> None:
    """Set a new password and end every other sign-in session of this user."""
    check_password(
        password, username=user.username, display_name=user.display_name, email=user.email
    )
    user.password_hash = hash_password(password)
    end_other_sessions(session, user=user)
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


def complete_password_reset(
    session: Session, *, reset: PasswordReset, password: str, session_lifetime: timedelta
) -> User:
    """Set the new password, use up the link, lift any sign-in pause and sign the person in.

    Every earlier sign-in session ends: whoever knew the old password is signed out.
    """
    user = reset.user
    user.session_identity = None  # the browser using the link may be signed in as anyone
    set_password(session, user=user, password=password)
    reset.used_at = utcnow()
    record(session, Action.PASSWORD_RESET_USED, actor=user, subject=user)
    throttle.lift_pause(session, user=user, lifted_by=user, reason="password link")
    start_session(session, user=user, lifetime=session_lifetime)
    return user


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
