"""Interviews for the sample studies: synced through the sync service, as tablets send them."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.db import utcnow


def sample_interviews(
    session: Session, study, questionnaire, people, count: int
) -> tuple[int, int]:
    """Sync `count` interviews of the latest version (every third stopped) and one that fails
    the checks; return the first stopped interview's id and the held one's."""
    from surveys import definition as d
    from surveys.fielding import services as fielding

    version = max(questionnaire.versions, key=lambda version: version.number)
    questions = d.from_json(version.definition).questions()
    answers = {q.name: "yes" if q.choices else f"Answer to {q.name}" for q in questions}
    items = [
        {
            "uuid": str(UUID(int=study.id * 1_000_000 + number)),
            **{"version_id": version.id, "language": "en", "answers": answers},
            "started_at": (utcnow() - timedelta(days=number % 5)).isoformat(),
            "status": "stopped" if number % 3 == 0 else "complete",
            "stop_reason": "tired" if number % 3 == 0 else None,
            "notes": [f"Note {number}"],
        }
        for number in range(count)
    ]
    for place, member in enumerate(people):
        fielding.sync_batch(
            session, study=study, interviewer=member, items=items[place :: len(people)]
        )
    broken = {**items[0], "uuid": str(UUID(int=study.id)), "answers": {"no_such_question": "x"}}
    fielding.sync_batch(session, study=study, interviewer=people[0], items=[broken])
    stopped = sa.select(sa.func.min(fielding.Interview.id)).where(
        fielding.Interview.study_id == study.id, fielding.Interview.status == "stopped"
    )
    held = sa.select(fielding.HeldSubmission.id).where(fielding.HeldSubmission.study_id == study.id)
    return session.scalar(stopped), session.scalar(held)
