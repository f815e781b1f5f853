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
from surveys.codesign.comments import Comment, CommentReaction
from surveys.codesign.models import Decision, DecisionRule, Poll, PollVoter, Proposal, Vote
from surveys.models import DraftItem, Questionnaire, QuestionnaireVersion


def activity_token(session: Session, study: Study) -> str:
    """Return a short fingerprint that changes whenever the study's group acts (one query)."""
    questionnaires = sa.select(Questionnaire.id).where(Questionnaire.study_id == study.id)
    polls = sa.select(Poll.id).where(Poll.study_id == study.id)
    comments = sa.select(Comment.id).where(Comment.questionnaire_id.in_(questionnaires))

    def aggregate(*columns, where):
        return [sa.select(column).where(where).scalar_subquery() for column in columns]

    count = sa.func.count
    latest = sa.func.max
    values = [
        *aggregate(
            count(DraftItem.id),
            latest(DraftItem.updated_at),
            where=DraftItem.questionnaire_id.in_(questionnaires),
        ),
        *aggregate(
            count(Proposal.id),
            latest(Proposal.updated_at),
            where=Proposal.questionnaire_id.in_(questionnaires),
        ),
        *aggregate(count(PollVoter.voted_at), where=PollVoter.poll_id.in_(polls)),
        *aggregate(count(Poll.closed_at), where=Poll.study_id == study.id),
        *aggregate(count(Vote.id), latest(Vote.changed_at), where=Vote.poll_id.in_(polls)),
        *aggregate(count(Decision.id), latest(Decision.id), where=Decision.study_id == study.id),
        *aggregate(latest(DecisionRule.id), where=DecisionRule.study_id == study.id),
        *aggregate(
            count(Comment.id),
            latest(Comment.edited_at),
            latest(Comment.removed_at),
            where=Comment.questionnaire_id.in_(questionnaires),
        ),
        *aggregate(count(), where=CommentReaction.comment_id.in_(comments)),
        *aggregate(
            count(QuestionnaireVersion.id),
            where=QuestionnaireVersion.questionnaire_id.in_(questionnaires),
        ),
        *aggregate(count(Questionnaire.id), where=Questionnaire.study_id == study.id),
    ]
    row = tuple(session.execute(sa.select(*values)).one())
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]
