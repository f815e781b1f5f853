"""Equal voice: what each member of the design group has suggested, commented and voted.

Counts come from who wrote what and from `poll_voters.voted_at`, never from positions, so
anonymous polls stay anonymous here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from peer_research.accounts.models import User
from peer_research.studies.models import Membership, Study
from surveys.codesign.comments import Comment
from surveys.codesign.models import Poll, PollVoter, Proposal, ProposalState
from surveys.codesign.settings import design_group_user_ids
from surveys.models import Questionnaire


@dataclass(frozen=True)
class Participation:
    """What one member of the design group has done so far (counts only)."""

    user: User
    roles: frozenset
    suggestions: int
    comments: int
    votes: int
    open_polls_waiting: int  # open polls they may vote in and have not

    @property
    def not_heard_from(self) -> bool:
        """Tell whether they have not suggested or commented yet."""
        return self.suggestions == 0 and self.comments == 0


def _counts(session: Session, query: sa.Select) -> dict[int, int]:
    """Run a (user id, count) query into a dictionary."""
    return dict(session.execute(query).all())


def group_participation(session: Session, *, study: Study) -> list[Participation]:
    """Return, for each member of the study's design group, what they have done (by name)."""
    user_ids = design_group_user_ids(session, study)
    if not user_ids:
        return []
    in_study = sa.select(Questionnaire.id).where(Questionnaire.study_id == study.id)
    suggestions = _counts(
        session,
        sa.select(Proposal.author_id, sa.func.count())
        .where(
            Proposal.questionnaire_id.in_(in_study),
            Proposal.state != ProposalState.DRAFT,  # drafts are their author's own
        )
        .group_by(Proposal.author_id),
    )
    comments = _counts(
        session,
        sa.select(Comment.author_id, sa.func.count())
        .where(Comment.questionnaire_id.in_(in_study), Comment.removed_at.is_(None))
        .group_by(Comment.author_id),
    )
    voters = (
        sa.select(PollVoter.user_id, sa.func.count())
        .join(Poll, Poll.id == PollVoter.poll_id)
        .where(Poll.study_id == study.id)
        .group_by(PollVoter.user_id)
    )
    votes = _counts(session, voters.where(PollVoter.voted_at.is_not(None)))
    waiting = _counts(session, voters.where(PollVoter.voted_at.is_(None), Poll.closed_at.is_(None)))
    memberships = session.scalars(
        sa.select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(Membership.study_id == study.id, Membership.user_id.in_(user_ids))
        .order_by(User.display_name, User.id)
    )
    return [
        Participation(
            user=membership.user,
            roles=membership.roles,
            suggestions=suggestions.get(membership.user_id, 0),
            comments=comments.get(membership.user_id, 0),
            votes=votes.get(membership.user_id, 0),
            open_polls_waiting=waiting.get(membership.user_id, 0),
        )
        for membership in memberships
    ]


def polls_waiting_for(session: Session, *, study: Study, user: User) -> list[Poll]:
    """Return the open polls of the study a person may vote in and has not yet."""
    query = (
        sa.select(Poll)
        .join(PollVoter, PollVoter.poll_id == Poll.id)
        .where(
            Poll.study_id == study.id,
            Poll.closed_at.is_(None),
            PollVoter.user_id == user.id,
            PollVoter.voted_at.is_(None),
        )
        .order_by(Poll.deadline, Poll.id)
    )
    return list(session.scalars(query))
