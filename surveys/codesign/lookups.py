"""Finding one proposal or poll for a page, checked against the questionnaire or study
the address names, and the person who opened a poll."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.studies.models import Study
from surveys.codesign.models import Poll, PollSubject, Proposal
from surveys.models import Questionnaire


def get_proposal(
    session: Session, *, questionnaire: Questionnaire, proposal_id: int
) -> Proposal | None:
    """Return a proposal about this questionnaire (None if there is none by that id)."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.questionnaire_id != questionnaire.id:
        return None
    return proposal


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
