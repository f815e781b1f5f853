"""What fielding does when a participant withdraws (`consent.signals.participant_withdrawn`).

"Keep what was analysed" marks the participant's interviews withdrawn: from that moment
they are out of every count, analysis, release and export, and their answers are no longer
shown. "Remove everything" deletes the interviews, their answers and any submission of
theirs still held for a facilitator. Either way nothing new is accepted for the code: the
consent gate refuses it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consent.services import WithdrawalChoice
from consent.signals import participant_withdrawn
from peer_research.db import utcnow
from surveys.fielding.models import Answer, HeldSubmission, Interview


def take_out_withdrawn(
    _sender: Any, *, session: Session, study_id: int, participant_code: str, choice: Any
) -> None:
    """Take a withdrawn participant's interviews out of analysis, or delete them."""
    if WithdrawalChoice(choice) == WithdrawalChoice.REMOVE_ALL:
        delete_interviews_of(session, study_id, participant_code)
    else:
        mark_interviews_withdrawn(session, study_id, participant_code)


def mark_interviews_withdrawn(session: Session, study_id: int, participant_code: str) -> int:
    """Mark the participant's interviews withdrawn; return how many."""
    result = session.execute(
        sa.update(Interview)
        .where(
            Interview.study_id == study_id,
            Interview.participant_code == participant_code,
            Interview.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def delete_interviews_of(session: Session, study_id: int, participant_code: str) -> int:
    """Delete the participant's interviews, their answers and their held submissions."""
    ids = list(
        session.scalars(
            sa.select(Interview.id).where(
                Interview.study_id == study_id, Interview.participant_code == participant_code
            )
        )
    )
    if ids:
        session.execute(sa.delete(Answer).where(Answer.interview_id.in_(ids)))
        session.execute(
            sa.delete(Interview)
            .where(Interview.id.in_(ids))
            .execution_options(synchronize_session="fetch")
        )
    held = [
        held_id
        for held_id, submitted in session.execute(
            sa.select(HeldSubmission.id, HeldSubmission.submitted).where(
                HeldSubmission.study_id == study_id
            )
        )
        if isinstance(submitted, dict) and submitted.get("participant_code") == participant_code
    ]
    if held:
        session.execute(
            sa.delete(HeldSubmission)
            .where(HeldSubmission.id.in_(held))
            .execution_options(synchronize_session="fetch")
        )
    return len(ids)


def connect_receivers() -> None:
    """Listen to withdrawals (idempotent: blinker keeps one connection per receiver)."""
    participant_withdrawn.connect(take_out_withdrawn)
