"""Casting and changing votes; the vote that completes a poll closes it.

An anonymous ballot is keyed by HMAC-SHA256(voter_key, "poll_id:user_id") with no user
and no time (see `polls.py`), so nobody can read back who voted how.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from surveys.codesign.decisions import close_poll
from surveys.codesign.models import AnonymousBallot, Decision, Poll, PollVoter, Position, Vote
from surveys.codesign.polls import everyone_voted, study_of


def derive_voter_key(secret_key: str | bytes) -> bytes:
    """Derive the key for anonymous ballots from the app's secret key (not the key itself)."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, b"peer-research anonymous ballots v1", hashlib.sha256).digest()


def _ballot_key(voter_key: bytes, poll_id: int, user_id: int) -> str:
    return hmac.new(voter_key, f"{poll_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def _lock_open_poll(session: Session, poll: Poll, now: datetime) -> None:
    """Hold the poll's row while voting, and refuse a poll that has closed or run out.

    The conditional UPDATE serialises a vote with a close: whichever comes second sees
    the other's result.
    """
    result = session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None), Poll.deadline > now)
        .values(id=Poll.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(_("This poll has closed, so votes can no longer be cast or changed."))


def cast_vote(
    session: Session,
    *,
    poll: Poll,
    voter: User,
    position: Position | str,
    reason: str | None = None,
    voter_key: bytes | None = None,
    now: datetime | None = None,
) -> Decision | None:
    """Cast or change one's vote; return the decision if this vote closed the poll.

    Voting again changes the vote (one person, one vote). A block needs a reason. Anonymous
    polls need `voter_key` (see `derive_voter_key`). When everyone who may vote has voted,
    the poll closes at once.
    """
    now = now or utcnow()
    try:
        position = Position(position)
    except ValueError:
        raise DomainError(
            _("Choose agree, stand aside, disagree or block."), field="position"
        ) from None
    reason = (reason or "").strip()
    if poll.closed_at is not None:
        raise DomainError(_("This poll has closed, so votes can no longer be cast or changed."))
    voter_row = session.get(PollVoter, (poll.id, voter.id))
    if voter_row is None:
        raise DomainError(
            _("Only the members of the design group when this poll opened can vote in it.")
        )
    if position == Position.BLOCK and not reason:
        raise DomainError(_("Say why you block this, so the group can respond."), field="reason")
    _lock_open_poll(session, poll, now)
    if poll.anonymous:
        if not voter_key:
            raise ValueError("an anonymous poll needs the voter key")
        key = _ballot_key(voter_key, poll.id, voter.id)
        ballot = session.get(AnonymousBallot, (poll.id, key))
        if ballot is None:
            session.add(
                AnonymousBallot(poll_id=poll.id, ballot_key=key, position=position, reason=reason)
            )
        else:
            ballot.position, ballot.reason = position, reason
    else:
        vote = session.scalar(
            sa.select(Vote).where(Vote.poll_id == poll.id, Vote.user_id == voter.id)
        )
        if vote is None:
            session.add(
                Vote(
                    poll_id=poll.id, user_id=voter.id, position=position, reason=reason, cast_at=now
                )
            )
        else:
            vote.position, vote.reason, vote.changed_at = position, reason, now
    changed = voter_row.voted_at is not None
    if not changed:
        voter_row.voted_at = now
    session.flush()
    detail = {"poll_id": poll.id, "changed": changed}
    if not poll.anonymous:
        detail["position"] = position.value
    record(session, Action.VOTE_CAST, actor=voter, study=study_of(session, poll), detail=detail)
    if everyone_voted(session, poll):
        return close_poll(session, poll=poll, now=now)
    return None
