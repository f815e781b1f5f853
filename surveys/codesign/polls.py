"""Polls: opening them, and reading who may vote, who voted and how (never for anonymous polls).

A poll freezes the eligible voters and the rule when it opens; votes can change until it
closes (`votes.py`). Anonymous ballots have no user column and no time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, contains_eager, selectinload

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys.codesign import rules
from surveys.codesign.models import (
    AnonymousBallot,
    Decision,
    Poll,
    PollSubject,
    PollVoter,
    Position,
    Proposal,
    ProposalState,
    Visibility,
    Vote,
)
from surveys.codesign.settings import (
    DecisionSettings,
    decision_settings,
    design_group_user_ids,
    require_design_member,
)
from surveys.models import Questionnaire

# What each position is called wherever a vote is shown. "Abstain" is research jargon: the
# group says "Stand aside" (the stored value stays `abstain`).
POSITION_NAMES = {
    Position.AGREE: _l("Agree"),
    Position.ABSTAIN: _l("Stand aside"),
    Position.DISAGREE: _l("Disagree"),
    Position.BLOCK: _l("Block"),
}


def open_poll(
    session: Session,
    *,
    study: Study,
    questionnaire: Questionnaire | None,
    subject: PollSubject,
    opened_by: User,
    deadline: datetime,
    now: datetime | None,
    proposal: Proposal | None = None,
    proposed_rule: dict | None = None,
    reason: str = "",
    voter_ids: list[int] | None = None,
) -> Poll:
    """Open a poll with the study's rule and design group as they are now (`voter_ids`: who
    votes instead of the whole design group, for a poll about what only they may see)."""
    require_design_member(session, study=study, user=opened_by)
    now = now or utcnow()
    if deadline <= now:
        raise DomainError(_("Choose a closing time in the future."), field="deadline")
    settings = decision_settings(session, study)
    poll = Poll(
        study_id=study.id,
        questionnaire_id=questionnaire.id if questionnaire else None,
        subject=subject,
        proposal_id=proposal.id if proposal else None,
        proposed_rule=proposed_rule,
        reason=reason,
        visibility=Visibility.ANONYMOUS if settings.anonymous_polls else Visibility.NAMED,
        rule_kind=settings.rule.kind,
        consent_threshold=settings.rule.consent_threshold,
        quorum=settings.rule.quorum,
        opened_by_id=opened_by.id,
        opened_at=now,
        deadline=deadline,
    )
    if voter_ids is None:
        voter_ids = design_group_user_ids(session, study)
    poll.voters = [PollVoter(user_id=user_id) for user_id in sorted(set(voter_ids))]
    session.add(poll)
    session.flush()
    record(
        session,
        Action.POLL_OPENED,
        actor=opened_by,
        study=study,
        detail={"poll_id": poll.id, "subject": subject.value, "eligible": len(poll.voters)},
    )
    return poll


def open_polls_where(session: Session, *conditions) -> list[Poll]:
    """Return the open polls that meet the conditions, oldest first."""
    query = sa.select(Poll).where(Poll.closed_at.is_(None), *conditions).order_by(Poll.id)
    return list(session.scalars(query))


def open_proposal_poll(
    session: Session,
    *,
    proposal: Proposal,
    opened_by: User,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group to decide an open proposal."""
    questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
    if proposal.state != ProposalState.OPEN:
        raise DomainError(_("Only a suggestion that is open to the group can be put to a vote."))
    if open_polls_where(session, Poll.proposal_id == proposal.id):
        raise DomainError(_("There is already a poll on this suggestion."))
    return open_poll(
        session,
        study=questionnaire.study,
        questionnaire=questionnaire,
        subject=PollSubject.PROPOSAL,
        proposal=proposal,
        opened_by=opened_by,
        deadline=deadline,
        now=now,
    )


def open_publish_poll(
    session: Session,
    *,
    questionnaire: Questionnaire,
    opened_by: User,
    deadline: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Poll:
    """Ask the group whether to publish the draft as the next version, saying why."""
    if open_polls_where(
        session,
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.PUBLISH,
    ):
        raise DomainError(_("There is already a poll on publishing this questionnaire."))
    return open_poll(
        session,
        study=questionnaire.study,
        questionnaire=questionnaire,
        subject=PollSubject.PUBLISH,
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


def open_rule_poll(
    session: Session,
    *,
    study: Study,
    settings: DecisionSettings,
    opened_by: User,
    deadline: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Poll:
    """Ask the group to change how it decides (decided under the rule in force), saying why."""
    settings.rule.check()
    if open_polls_where(
        session, Poll.study_id == study.id, Poll.subject == PollSubject.RULE_CHANGE
    ):
        raise DomainError(_("There is already a poll on changing the rule."))
    return open_poll(
        session,
        study=study,
        questionnaire=None,
        subject=PollSubject.RULE_CHANGE,
        proposed_rule=settings.as_json(),
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


def open_questionnaire_poll(
    session: Session,
    *,
    questionnaire: Questionnaire,
    subject: PollSubject,
    proposed_rule: dict,
    opened_by: User,
    deadline: datetime,
    reason: str,
    now: datetime | None = None,
) -> Poll:
    """Open a poll about a questionnaire on what `proposed_rule` says (who builds its first
    draft), under the study's rule and design group as they are now."""
    return open_poll(
        session,
        study=questionnaire.study,
        questionnaire=questionnaire,
        subject=subject,
        proposed_rule=proposed_rule,
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


# Reading polls -------------------------------------------------------------------------


def latest_polls(session: Session, proposals: list[Proposal]) -> dict[int, Poll]:
    """Return the newest poll of each proposal that has one, by proposal id, in one query."""
    newest = (
        sa.select(sa.func.max(Poll.id))
        .where(Poll.proposal_id.in_([proposal.id for proposal in proposals]))
        .group_by(Poll.proposal_id)
    )
    query = sa.select(Poll).where(Poll.id.in_(newest))
    return {poll.proposal_id: poll for poll in session.scalars(query)}


@dataclass(frozen=True)
class Turnout:
    """How many of those who may vote in a poll have voted (never how)."""

    voted: int
    eligible: int


def turnout(session: Session, polls: list[Poll]) -> dict[int, Turnout]:
    """Return each poll's turnout by poll id, counted in one query."""
    query = (
        sa.select(PollVoter.poll_id, sa.func.count(PollVoter.voted_at), sa.func.count())
        .where(PollVoter.poll_id.in_([poll.id for poll in polls]))
        .group_by(PollVoter.poll_id)
    )
    return {
        poll_id: Turnout(voted, eligible) for poll_id, voted, eligible in session.execute(query)
    }


def latest_poll(session: Session, proposal: Proposal) -> Poll | None:
    """Return the newest poll on a proposal."""
    query = sa.select(Poll).where(Poll.proposal_id == proposal.id).order_by(Poll.id.desc())
    return session.scalars(query.limit(1)).first()


def decision_of(session: Session, poll: Poll) -> Decision | None:
    """Return the decision a closed poll recorded."""
    return session.scalar(sa.select(Decision).where(Decision.poll_id == poll.id))


def everyone_voted(session: Session, poll: Poll) -> bool:
    """Tell whether every person who may vote has voted."""
    waiting = sa.select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
    return not session.scalar(sa.select(waiting.exists()))


def poll_voters(session: Session, poll: Poll) -> list[PollVoter]:
    """Return who may vote and whether each has voted (never how), for reminders."""
    query = (
        sa.select(PollVoter)
        .where(PollVoter.poll_id == poll.id)
        .options(selectinload(PollVoter.user))
        .order_by(PollVoter.user_id)
    )
    return list(session.scalars(query))


def not_yet_voted(session: Session, poll: Poll) -> list[User]:
    """Return the people who may vote and have not yet (to remind them)."""
    query = (
        sa.select(User)
        .join(PollVoter, PollVoter.user_id == User.id)
        .where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
        .order_by(User.display_name, User.id)
    )
    return list(session.scalars(query))


def has_voted(session: Session, *, poll: Poll, user: User) -> bool:
    """Tell whether a person has voted in a poll."""
    row = session.get(PollVoter, (poll.id, user.id))
    return row is not None and row.voted_at is not None


def named_votes(session: Session, poll: Poll) -> list[Vote]:
    """Return who voted how in a named poll (an anonymous poll has none to show)."""
    if poll.anonymous:
        return []
    query = (
        sa.select(Vote)
        .where(Vote.poll_id == poll.id)
        .join(Vote.user)
        .options(contains_eager(Vote.user))
        .order_by(User.display_name, Vote.id)
    )
    return list(session.scalars(query))


def my_named_vote(session: Session, *, poll: Poll, user: User) -> Vote | None:
    """Return a person's own vote in a named poll.

    In an anonymous poll the app cannot show anyone their earlier vote, their own
    included: that would need a link from the person to the ballot. They can vote again.
    """
    if poll.anonymous:
        return None
    return session.scalar(sa.select(Vote).where(Vote.poll_id == poll.id, Vote.user_id == user.id))


def positions(session: Session, poll: Poll) -> list[Position]:
    """Return the positions cast in a poll, without names (for counting only)."""
    model = AnonymousBallot if poll.anonymous else Vote
    return list(session.scalars(sa.select(model.position).where(model.poll_id == poll.id)))


def poll_counts(session: Session, poll: Poll) -> rules.Counts | None:
    """Return the counts so far; None for an anonymous poll that is still open."""
    if poll.anonymous and poll.is_open:
        return None
    return rules.count(positions(session, poll), len(poll.voters))


def anonymous_reasons(session: Session, poll: Poll) -> list[str]:
    """Return the reasons given in a closed anonymous poll, without names, in text order."""
    return list(anonymous_reasons_of(session, [poll]).get(poll.id, ()))


def anonymous_reasons_of(session: Session, polls: list[Poll]) -> dict[int, tuple[str, ...]]:
    """Return each closed anonymous poll's reasons without names, in text order, by poll id
    (one query for all of them; open or named polls have none to show)."""
    closed = [poll.id for poll in polls if poll.anonymous and not poll.is_open]
    if not closed:
        return {}
    query = sa.select(
        AnonymousBallot.poll_id, AnonymousBallot.position, AnonymousBallot.reason
    ).where(AnonymousBallot.poll_id.in_(closed), AnonymousBallot.reason != "")
    found: dict[int, list[str]] = {}
    for poll_id, position, reason in session.execute(query):
        found.setdefault(poll_id, []).append(f"{POSITION_NAMES[position]}: {reason}")
    return {poll_id: tuple(sorted(lines)) for poll_id, lines in found.items()}


def study_of(session: Session, poll: Poll) -> Study:
    """Return the study a poll belongs to."""
    return session.get_one(Study, poll.study_id)


def get_study_poll(session: Session, *, study: Study, poll_id: int) -> Poll | None:
    """Return a poll of this study (None if there is none by that id)."""
    poll = session.get(Poll, poll_id)
    if poll is None or poll.study_id != study.id:
        return None
    return poll


def get_questionnaire_poll(
    session: Session, *, questionnaire: Questionnaire, poll_id: int
) -> Poll | None:
    """Return a poll about this questionnaire (None if there is none by that id)."""
    poll = session.get(Poll, poll_id)
    if poll is None or poll.questionnaire_id != questionnaire.id:
        return None
    return poll


def open_rule_change_poll(session: Session, *, study: Study) -> Poll | None:
    """Return the newest open poll on how the study's group decides, if there is one."""
    query = (
        sa.select(Poll)
        .where(
            Poll.study_id == study.id,
            Poll.subject == PollSubject.RULE_CHANGE,
            Poll.closed_at.is_(None),
        )
        .order_by(Poll.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def poll_opener(session: Session, *, poll: Poll) -> User | None:
    """Return the person who opened a poll (None if nobody is recorded)."""
    return session.get(User, poll.opened_by_id) if poll.opened_by_id else None
