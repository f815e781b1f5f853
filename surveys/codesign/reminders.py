"""Polls closing soon and reminders to vote: who has not voted yet is told, never how anyone voted.

Who has not voted comes from `poll_voters.voted_at`, so reminders and "closes soon" work the
same for named and anonymous polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.models import AuditEvent
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.notifications.models import Notification, Topic
from peer_research.notifications.services import notify
from peer_research.studies.models import Study
from peer_research.templating import when
from surveys.codesign.models import (
    Poll,
    PollVoter,
)
from surveys.codesign.notices import describe_poll, poll_path
from surveys.codesign.settings import require_design_member

CLOSING_SOON = timedelta(hours=24)
REMIND_EVERY = timedelta(hours=24)


# Votes closing soon ----------------------------------------------------------------------


def _not_yet_voted_ids(session: Session, poll: Poll) -> list[int]:
    """Return the ids of the people who may vote in a poll and have not yet."""
    query = sa.select(PollVoter.user_id).where(
        PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None)
    )
    return list(session.scalars(query))


def closing_notice_key(poll_id: int) -> str:
    """Return the dedupe key of a poll's "closes soon" notice."""
    return f"poll:{poll_id}:closing"


def notify_polls_closing_soon(
    session: Session,
    now: datetime,
    within: timedelta = CLOSING_SOON,
    study: Study | None = None,
) -> int:
    """Tell people who may vote and have not that a poll closes soon (once per poll each).

    Only polls with someone still to be told are looked at, so pages can call this on every
    load: it is one query when nothing is due. `study` limits it to one study's polls.
    Returns how many notifications were made.
    """
    key = sa.literal("poll:") + sa.cast(Poll.id, sa.String) + sa.literal(":closing")
    told = (
        sa.select(Notification.id)
        .where(Notification.user_id == PollVoter.user_id, Notification.dedupe_key == key)
        .exists()
    )
    someone_to_tell = (
        sa.select(PollVoter)
        .where(PollVoter.poll_id == Poll.id, PollVoter.voted_at.is_(None), ~told)
        .exists()
    )
    query = sa.select(Poll).where(
        Poll.closed_at.is_(None),
        Poll.deadline > now,
        Poll.deadline <= now + within,
        someone_to_tell,
    )
    if study is not None:
        query = query.where(Poll.study_id == study.id)
    due = list(session.scalars(query.order_by(Poll.id)))
    made = 0
    for poll in due:
        study = session.get_one(Study, poll.study_id)
        made += len(
            notify(
                session,
                users=_not_yet_voted_ids(session, poll),
                study=study,
                topic=Topic.POLL_CLOSING,
                message=_(
                    "Voting on %(what)s closes %(when)s, and we have not heard what you think yet.",
                    what=describe_poll(session, poll),
                    when=when(poll.deadline),
                ),
                link=poll_path(study, poll),
                dedupe_key=closing_notice_key(poll.id),
            )
        )
    return made


# Reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderState:
    """Whether a reminder can be sent for a poll now, and when the last one went."""

    waiting: int  # how many may vote and have not (never who voted how)
    last_sent_at: datetime | None
    next_at: datetime | None  # when another may be sent, if the last was recent

    @property
    def may_send(self) -> bool:
        """Tell whether a reminder can go now."""
        return self.waiting > 0 and self.next_at is None


def last_reminder_at(session: Session, *, poll: Poll, now: datetime) -> datetime | None:
    """Return when the last reminder for this poll went, if within the last day."""
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.action == Action.VOTE_REMINDER_SENT.value,
            AuditEvent.study_id == poll.study_id,
            AuditEvent.at >= min(now, utcnow()) - REMIND_EVERY - timedelta(hours=1),
        )
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        if event.detail.get("poll_id") == poll.id:
            sent = datetime.fromisoformat(event.detail["sent_at"])
            return sent if sent > now - REMIND_EVERY else None
    return None


def reminder_state(
    session: Session, *, poll: Poll, user: User | None = None, now: datetime | None = None
) -> ReminderState:
    """Return how many (other than `user`) have not voted and whether a reminder may go now."""
    now = now or utcnow()
    query = (
        sa.select(sa.func.count())
        .select_from(PollVoter)
        .where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
    )
    if user is not None:
        query = query.where(PollVoter.user_id != user.id)
    waiting = session.scalar(query)
    last = last_reminder_at(session, poll=poll, now=now)
    return ReminderState(
        waiting=waiting or 0,
        last_sent_at=last,
        next_at=last + REMIND_EVERY if last else None,
    )


def remind_voters(
    session: Session, *, poll: Poll, reminded_by: User, now: datetime | None = None
) -> int:
    """Remind everyone who may vote in an open poll and has not; return how many.

    Anyone in the design group may send it (an equal voice includes nudging the group),
    at most once a day per poll, so nobody is pestered. The reminder does not say who
    sent it or how anyone voted.
    """
    now = now or utcnow()
    study = session.get_one(Study, poll.study_id)
    require_design_member(session, study=study, user=reminded_by)
    # Hold the poll row so two reminders at once cannot both pass the once-a-day check.
    session.scalar(sa.select(Poll.id).where(Poll.id == poll.id).with_for_update())
    if not poll.is_open:
        raise DomainError(_("This poll has closed, so there is nobody to remind."))
    state = reminder_state(session, poll=poll, now=now)
    if state.next_at is not None:
        raise DomainError(
            _(
                "A reminder went %(sent)s. Another can be sent after %(next)s.",
                sent=when(state.last_sent_at),
                next=when(state.next_at),
            )
        )
    waiting = [
        user_id for user_id in _not_yet_voted_ids(session, poll) if user_id != reminded_by.id
    ]
    if not waiting:
        raise DomainError(_("Everyone else has voted, so there is nobody to remind."))
    notify(
        session,
        users=waiting,
        study=study,
        topic=Topic.REMINDER,
        message=_(
            "The group would like to know what you think about %(what)s. Voting closes %(when)s.",
            what=describe_poll(session, poll),
            when=when(poll.deadline),
        ),
        link=poll_path(study, poll),
        dedupe_key=f"poll:{poll.id}:reminder:{now:%Y%m%dT%H%M%S}",
    )
    record(
        session,
        Action.VOTE_REMINDER_SENT,
        actor=reminded_by,
        study=study,
        detail={"poll_id": poll.id, "reminded": len(waiting), "sent_at": now.isoformat()},
    )
    return len(waiting)
