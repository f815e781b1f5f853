"""Reading check-ins: the interviewer's own history, and support leads' view of them.

A check-in is seen by its interviewer and the study's support leads only. A hidden note
is shown to nobody but the interviewer who wrote it (and they can show it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.studies.models import Study
from peer_research.wellbeing.models import CheckIn
from peer_research.wellbeing.people import (
    WellbeingInputError,
    WellbeingRefusedError,
    require_support_lead,
)
from peer_research.wellbeing.schemas import MAX_NOTE_CHARACTERS

MAX_HISTORY = 500


@dataclass(frozen=True)
class FeelingPoint:
    """One point of the interviewer's chart: when, before or after, and the score."""

    given_at: datetime
    kind: str
    score: int


def my_check_ins(session: Session, *, study: Study, user: User) -> list[CheckIn]:
    """Return a person's own check-ins in a study, newest first."""
    query = (
        sa.select(CheckIn)
        .where(CheckIn.study_id == study.id, CheckIn.interviewer_id == user.id)
        .order_by(CheckIn.given_at.desc(), CheckIn.id.desc())
        .limit(MAX_HISTORY)
    )
    return list(session.scalars(query))


def feeling_over_time(session: Session, *, study: Study, user: User) -> list[FeelingPoint]:
    """Return a person's own scores in time order, for their chart and its table."""
    query = (
        sa.select(CheckIn.given_at, CheckIn.kind, CheckIn.score)
        .where(CheckIn.study_id == study.id, CheckIn.interviewer_id == user.id)
        .order_by(CheckIn.given_at, CheckIn.id)
        .limit(MAX_HISTORY)
    )
    return [FeelingPoint(at, str(kind), score) for at, kind, score in session.execute(query)]


def _own_check_in(session: Session, *, study: Study, user: User, check_in_id: int) -> CheckIn:
    """Return one of the person's own check-ins; refuse anyone else's."""
    check_in = session.get(CheckIn, check_in_id)
    if check_in is None or (check_in.study_id, check_in.interviewer_id) != (study.id, user.id):
        raise WellbeingRefusedError(_("There is no such check-in of yours in this study."))
    return check_in


def add_to_note(
    session: Session, *, study: Study, user: User, check_in_id: int, text: str
) -> CheckIn:
    """Add words to the end of a person's own check-in note."""
    check_in = _own_check_in(session, study=study, user=user, check_in_id=check_in_id)
    text = text.strip()
    if not text:
        raise WellbeingInputError(_("Write what you want to add."), field="text")
    combined = f"{check_in.note}\n\n{text}" if check_in.note else text
    if len(combined) > MAX_NOTE_CHARACTERS:
        raise WellbeingInputError(
            _("A note can be at most %(count)d characters.", count=MAX_NOTE_CHARACTERS),
            field="text",
        )
    check_in.note = combined
    session.flush()
    return check_in


def set_note_hidden(
    session: Session, *, study: Study, user: User, check_in_id: int, hidden: bool
) -> CheckIn:
    """Hide a person's own note from everyone else (or show it again to support leads)."""
    check_in = _own_check_in(session, study=study, user=user, check_in_id=check_in_id)
    check_in.note_hidden = hidden
    session.flush()
    return check_in


def check_ins_of_interviewer(
    session: Session, *, study: Study, viewer: User, interviewer_id: int
) -> list[CheckIn]:
    """Return an interviewer's check-ins for a support lead, newest first (notes as shown:
    `CheckIn.visible_note`); refuse anyone else."""
    require_support_lead(session, study=study, user=viewer)
    query = (
        sa.select(CheckIn)
        .where(CheckIn.study_id == study.id, CheckIn.interviewer_id == interviewer_id)
        .order_by(CheckIn.given_at.desc(), CheckIn.id.desc())
        .limit(MAX_HISTORY)
    )
    return list(session.scalars(query))
