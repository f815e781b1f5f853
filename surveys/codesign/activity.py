"""A fingerprint of everything the group does in a study, so open pages can refresh.

The fingerprint changes when anyone changes the draft, suggests, votes, closes a poll,
decides, comments or reacts, or publishes. It says nothing about what happened, and
nothing at all about positions in anonymous polls (their ballots carry no time and are
not counted here), so it is safe to give to every member.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.studies.models import Study
from surveys.codesign.models import (
    Comment,
    CommentReaction,
    Decision,
    DecisionRule,
    Poll,
    PollVoter,
    Proposal,
    Vote,
)
from surveys.models import DraftItem, Questionnaire, QuestionnaireVersion


def activity_token(session: Session, study: Study) -> str:
    """Return a short fingerprint that changes whenever the study's group acts."""
    questionnaires = sa.select(Questionnaire.id).where(Questionnaire.study_id == study.id)
    polls = sa.select(Poll.id).where(Poll.study_id == study.id)
    comments = sa.select(Comment.id).where(Comment.questionnaire_id.in_(questionnaires))
    in_study = DraftItem.questionnaire_id.in_(questionnaires)
    parts = [
        sa.select(sa.func.count(), sa.func.max(DraftItem.updated_at)).where(in_study),
        sa.select(sa.func.count(), sa.func.max(Proposal.updated_at)).where(
            Proposal.questionnaire_id.in_(questionnaires)
        ),
        sa.select(sa.func.count(PollVoter.voted_at), sa.func.count(Poll.closed_at))
        .select_from(Poll)
        .outerjoin(PollVoter, PollVoter.poll_id == Poll.id)
        .where(Poll.study_id == study.id),
        sa.select(sa.func.count(), sa.func.max(Vote.changed_at)).where(Vote.poll_id.in_(polls)),
        sa.select(sa.func.count(), sa.func.max(Decision.id)).where(Decision.study_id == study.id),
        sa.select(sa.func.count(), sa.func.max(DecisionRule.id)).where(
            DecisionRule.study_id == study.id
        ),
        sa.select(
            sa.func.count(),
            sa.func.max(Comment.edited_at),
            sa.func.max(Comment.removed_at),
        ).where(Comment.questionnaire_id.in_(questionnaires)),
        sa.select(sa.func.count()).where(CommentReaction.comment_id.in_(comments)),
        sa.select(sa.func.count()).where(QuestionnaireVersion.questionnaire_id.in_(questionnaires)),
        sa.select(sa.func.count()).where(Questionnaire.study_id == study.id),
    ]
    values = [tuple(session.execute(part).one()) for part in parts]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]
