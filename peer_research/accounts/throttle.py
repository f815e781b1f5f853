"""Slowing down password guessing without letting a stranger lock a real person out.

Each failed sign-in is a `sign_in_failures` row: the account's username (or the name
typed, when no account has it) and the address it came from. The pause is per name *and*
address: after a few failures from one address for one name, that pair must wait, and
the wait doubles with each further failure (30 seconds, 1 minute, 2, 4... up to a
limit). So:

- an address that has not been failing for an account is never refused: the right
  password from the person's own device works whatever a stranger did elsewhere, and a
  day centre behind one address is not locked out by one person's made-up names;
- when an account is being guessed from many addresses, or an address is guessing many
  names, each pair gets one free failure instead of several before the waits begin;
- a facilitator (for members of their study) or a password link lifts the pause.

The rows live in the database, so the count holds across gunicorn workers and servers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import SignInFailure, User
from peer_research.audit.services import Action, record

FIRST_PAUSE = timedelta(seconds=30)


@dataclass(frozen=True)
class SignInLimits:
    """How many failures pass before waits begin, and how long the waits get."""

    per_name_and_address: int  # free failures for one name from one address
    per_address: int  # failures from one address (all names) that count as guessing
    per_account: int  # failures for one name (all addresses) that count as guessing
    window: timedelta  # how long a failure is remembered
    longest_pause: timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SignInLimits:
        """Read the limits from the app's settings."""
        return cls(
            per_name_and_address=config["SIGN_IN_MAX_FAILURES"],
            per_address=config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
            per_account=config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
            window=_duration(config["SIGN_IN_FAILURE_WINDOW"]),
            longest_pause=_duration(config["SIGN_IN_LONGEST_PAUSE"]),
        )


def _duration(value: timedelta | float) -> timedelta:
    """Return a setting as a duration (environment variables give seconds)."""
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _count(session: Session, condition: sa.ColumnElement[bool], since: datetime) -> int:
    """Count the failures matching the condition since the given time."""
    query = sa.select(sa.func.count()).where(condition, SignInFailure.at >= since)
    return session.scalar(query) or 0


def _pause_ends(failures: int, last: datetime, allowance: int, limits: SignInLimits) -> datetime:
    """Return when a pair's pause ends (in the past when it may try again)."""
    if failures < allowance:
        return last
    doublings = min(failures - allowance, 16)
    return last + min(FIRST_PAUSE * 2**doublings, limits.longest_pause)


def _allowance(session: Session, *, key: str, address: str, limits: SignInLimits, since) -> int:
    """Return the free failures of a pair: one only while the name or address is under attack."""
    if _count(session, SignInFailure.username == key, since) >= limits.per_account:
        return 1
    if _count(session, SignInFailure.address == address, since) >= limits.per_address:
        return 1
    return limits.per_name_and_address


def pause_remaining(
    session: Session, *, key: str, address: str, limits: SignInLimits, now: datetime
) -> timedelta | None:
    """Return how long this name must wait before trying again from this address, if at all."""
    since = now - limits.window
    failures, last = session.execute(
        sa.select(sa.func.count(), sa.func.max(SignInFailure.at)).where(
            SignInFailure.username == key,
            SignInFailure.address == address,
            SignInFailure.at >= since,
        )
    ).one()
    if not failures:
        return None  # never refuse an address that has not been failing for this name
    allowance = _allowance(session, key=key, address=address, limits=limits, since=since)
    ends = _pause_ends(failures, last, allowance, limits)
    return ends - now if ends > now else None


def record_failure(
    session: Session, *, key: str, address: str, limits: SignInLimits, now: datetime
) -> None:
    """Remember a failed sign-in, and forget failures older than the window."""
    session.execute(sa.delete(SignInFailure).where(SignInFailure.at < now - limits.window))
    session.add(SignInFailure(username=key, address=address, at=now))
    session.flush()


def forget_failures_from(session: Session, *, key: str, address: str) -> None:
    """Forget a name's failures from one address after the right password came from it.

    Failures from other addresses stay: signing in does not reset a stranger's count.
    """
    session.execute(
        sa.delete(SignInFailure).where(
            SignInFailure.username == key, SignInFailure.address == address
        )
    )


def _names_of(user: User) -> list[str]:
    """Return the names failures of this account may be kept under."""
    return [user.username, *([user.email] if user.email else [])]


def lift_pause(
    session: Session, *, user: User, lifted_by: User, study: Any = None, reason: str = "lifted"
) -> int:
    """Forget every failure for the account, from every address; audit it if there were any."""
    lifted = (
        session.execute(
            sa.delete(SignInFailure).where(SignInFailure.username.in_(_names_of(user)))
        ).rowcount
        or 0
    )
    if lifted:
        record(
            session,
            Action.SIGN_IN_PAUSE_LIFTED,
            actor=lifted_by,
            subject=user,
            study=study,
            detail={"failures": lifted, "how": reason},
        )
    return lifted


def paused_people(
    session: Session, *, users: Iterable[User], limits: SignInLimits, now: datetime
) -> set[int]:
    """Return the ids of the people who must wait before signing in from some address."""
    by_name = {user.username: user.id for user in users}
    if not by_name:
        return set()
    since = now - limits.window
    pairs = session.execute(
        sa.select(SignInFailure.username, SignInFailure.address)
        .where(SignInFailure.username.in_(by_name), SignInFailure.at >= since)
        .group_by(SignInFailure.username, SignInFailure.address)
    ).all()
    return {
        by_name[name]
        for name, address in pairs
        if pause_remaining(session, key=name, address=address, limits=limits, now=now)
    }
