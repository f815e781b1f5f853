"""Publish the draft as a frozen, numbered version, and read published versions."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from surveys import definition as d
from surveys.drafts import draft_definition
from surveys.models import Questionnaire, QuestionnaireVersion
from surveys.validation import Problem, check_definition


class PublishRefusedError(DomainError):
    """The draft has problems that stop it being published."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("The questionnaire cannot be published until these are fixed."))
        self.problems = problems


def publish_version(
    session: Session, *, questionnaire: Questionnaire, published_by: User | None
) -> QuestionnaireVersion:
    """Freeze the draft as the next version, if it has no problems."""
    definition = draft_definition(session, questionnaire)
    problems = check_definition(definition)
    if problems:
        raise PublishRefusedError(problems)
    number = (
        session.scalar(
            sa.select(sa.func.max(QuestionnaireVersion.number)).where(
                QuestionnaireVersion.questionnaire_id == questionnaire.id
            )
        )
        or 0
    ) + 1
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=number,
        definition=d.to_json(definition),
        published_by_id=published_by.id if published_by else None,
    )
    session.add(version)
    session.flush()
    record(
        session,
        Action.QUESTIONNAIRE_PUBLISHED,
        actor=published_by,
        study=questionnaire.study,
        detail={"questionnaire_id": questionnaire.id, "version": number},
    )
    return version


def get_version(
    session: Session, *, questionnaire: Questionnaire, number: int
) -> QuestionnaireVersion | None:
    """Return a published version by number."""
    return session.scalar(
        sa.select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )


def version_definition(version: QuestionnaireVersion) -> d.FormDefinition:
    """Return a published version's frozen definition."""
    return d.from_json(version.definition)
