"""A count of everything the group does in a study, so open pages can refresh.

Every transaction that changes the draft, a suggestion, a poll, a vote, a decision, the
rule, a comment or reaction, or publishes, adds one to `studies.activity_count` as it
commits; live pages compare that number with the one they were made with. Reading it costs
nothing (the study is loaded for the access check anyway) and stays the same at any study
size. It says nothing about what happened, and nothing at all about positions in anonymous
polls: their ballots are not watched (the first vote marks `poll_voters.voted_at`, which
everyone may know; changing an anonymous vote changes nothing here).
"""

from __future__ import annotations

from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.studies.models import Study
from surveys.codesign.comments import Comment, CommentReaction
from surveys.codesign.models import Decision, DecisionRule, Poll, PollVoter, Proposal, Vote
from surveys.models import DraftItem, Questionnaire, QuestionnaireVersion

# The watched records, by what leads from each to its study.
_STUDY = {Questionnaire, Poll, Decision, DecisionRule}  # they name the study themselves
_QUESTIONNAIRE = {DraftItem, QuestionnaireVersion, Proposal, Comment}
_POLL = {PollVoter, Vote}
_PENDING = "codesign.activity"
_KINDS = ("study", "questionnaire", "poll", "comment")


def activity_token(study: Study) -> str:
    """Return the study's activity count as live pages compare it (no query)."""
    return str(study.activity_count)


def watch_activity() -> None:
    """Count the group's activity as transactions commit (idempotent; the app factory calls it)."""
    if not sa.event.contains(Session, "after_flush", _note_changes):
        sa.event.listen(Session, "after_flush", _note_changes)
        sa.event.listen(Session, "before_commit", _count_activity)
        sa.event.listen(Session, "after_soft_rollback", _forget_changes)


def _note_changes(session: Session, _flush_context) -> None:
    """Remember which studies the records just written belong to (by the nearest id)."""
    pending = session.info.setdefault(_PENDING, {kind: set() for kind in _KINDS})
    modified = (record for record in session.dirty if session.is_modified(record))
    changed = chain(session.new, session.deleted, modified)
    for record in changed:
        kind = type(record)
        if kind in _STUDY:
            pending["study"].add(record.study_id)
        elif kind in _QUESTIONNAIRE:
            pending["questionnaire"].add(record.questionnaire_id)
        elif kind in _POLL:
            pending["poll"].add(record.poll_id)
        elif kind is CommentReaction:
            pending["comment"].add(record.comment_id)


def _count_activity(session: Session) -> None:
    """Add one to the activity count of every study the transaction changed.

    The update is the transaction's last statement, so holding the study's row until the
    commit cannot make two writers wait for each other.
    """
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()):
        return
    comment_questionnaires = sa.select(Comment.questionnaire_id).where(
        Comment.id.in_(pending["comment"])
    )
    questionnaires = sa.select(Questionnaire.study_id).where(
        Questionnaire.id.in_(pending["questionnaire"])
        | Questionnaire.id.in_(comment_questionnaires)
    )
    polls = sa.select(Poll.study_id).where(Poll.id.in_(pending["poll"]))
    studies = Study.id.in_(pending["study"]) | Study.id.in_(questionnaires) | Study.id.in_(polls)
    session.execute(
        sa.update(Study)
        .where(studies)
        .values(activity_count=Study.activity_count + 1)
        .execution_options(synchronize_session=False)
    )


def _forget_changes(session: Session, _previous_transaction) -> None:
    """Drop what a rolled-back transaction wrote: nothing of it happened."""
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
