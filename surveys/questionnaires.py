"""Questionnaires of a study: create one empty or from an imported definition, and find them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys import definition as d
from surveys.drafts import write_draft_items
from surveys.models import Questionnaire


def create_questionnaire(
    session: Session,
    *,
    study: Study,
    title: str,
    languages: Iterable[d.Language],
    created_by: User | None,
) -> Questionnaire:
    """Create an empty questionnaire draft in a study."""
    languages = list(languages)
    if not languages:
        raise DomainError(_("Choose the questionnaire's main language."), field="language")
    questionnaire = Questionnaire(
        study_id=study.id,
        title=title.strip(),
        languages=[{"code": lang.code, "name": lang.name} for lang in languages],
        created_by_id=created_by.id if created_by else None,
    )
    session.add(questionnaire)
    session.flush()
    return questionnaire


def questionnaires_of(session: Session, study: Study) -> list[Questionnaire]:
    """Return a study's questionnaires, newest first."""
    query = (
        sa.select(Questionnaire)
        .where(Questionnaire.study_id == study.id)
        .order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())
    )
    return list(session.scalars(query))


def get_study_questionnaire(
    session: Session, *, study: Study, questionnaire_id: int
) -> Questionnaire | None:
    """Return a questionnaire by id only if it belongs to this study."""
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None or questionnaire.study_id != study.id:
        return None
    return questionnaire


def import_questionnaire(
    session: Session, *, study: Study, definition: d.FormDefinition, imported_by: User | None
) -> Questionnaire:
    """Create a questionnaire whose draft is the given definition (from an XLSForm)."""
    questionnaire = create_questionnaire(
        session,
        study=study,
        title=definition.title,
        languages=definition.languages,
        created_by=imported_by,
    )
    questionnaire.form_id = definition.form_id
    write_draft_items(
        session, questionnaire=questionnaire, items=definition.items, changed_by=imported_by
    )
    session.flush()
    record(
        session,
        Action.QUESTIONNAIRE_IMPORTED,
        actor=imported_by,
        study=study,
        detail={"questionnaire_id": questionnaire.id, "title": questionnaire.title},
    )
    return questionnaire


def get_questionnaire(session: Session, *, questionnaire_id: int) -> Questionnaire | None:
    """Return the questionnaire with this id (None if there is none)."""
    return session.get(Questionnaire, questionnaire_id)
