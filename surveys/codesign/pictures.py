"""Pictures no one uses any more: deleted when a change is made or a suggestion withdrawn."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from surveys import media
from surveys.codesign.models import LIVE_STATES, Proposal
from surveys.models import Questionnaire


def remove_unused_pictures(session: Session, *, questionnaire: Questionnaire) -> int:
    """Delete the pictures no draft item, live suggestion or published version names."""
    live_changes = session.scalars(
        sa.select(Proposal.proposed).where(
            Proposal.questionnaire_id == questionnaire.id, Proposal.state.in_(LIVE_STATES)
        )
    )
    return media.remove_unused_media(
        session,
        questionnaire=questionnaire,
        also_used=set().union(*(media.pictures_named_in(change) for change in live_changes)),
    )
