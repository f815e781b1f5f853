"""Finding a questionnaire by its id, for pages that hold only the id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from surveys.models import Questionnaire


def get_questionnaire(session: Session, *, questionnaire_id: int) -> Questionnaire | None:
    """Return the questionnaire with this id (None if there is none)."""
    return session.get(Questionnaire, questionnaire_id)
