"""Fielding's one door: syncing interviews, what interviewers may fetch, and the fieldwork.

The sync itself lives in `sync.py` (steps and receipts) and `validation.py` (the checks);
the facilitators' views of the fieldwork in `fieldwork.py`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.studies.models import Role, Study
from peer_research.studies.services import find_membership, get_study
from surveys import definition as d
from surveys.fielding.fieldwork import (
    FieldworkSummary,
    InterviewPage,
    fieldwork_summary,
    held_submission,
    interview_page,
)
from surveys.fielding.models import Answer, HeldSubmission, HoldKind, Interview
from surveys.fielding.schemas import Outcome, Receipt
from surveys.fielding.sync import consent_gate, content_hash, sync_batch
from surveys.models import Questionnaire, QuestionnaireVersion

INTERVIEWER_ROLES = frozenset({Role.PEER_RESEARCHER})

__all__ = [
    "INTERVIEWER_ROLES",
    "Answer",
    "FieldworkSummary",
    "HeldSubmission",
    "HoldKind",
    "Interview",
    "InterviewPage",
    "Outcome",
    "Receipt",
    "consent_gate",
    "content_hash",
    "fieldwork_summary",
    "foreign_interviews",
    "held_submission",
    "interview_page",
    "latest_versions",
    "record_refused_request",
    "sync_batch",
    "version_for_interviewer",
]


def latest_versions(
    session: Session, study: Study
) -> list[tuple[Questionnaire, QuestionnaireVersion]]:
    """Return each of the study's questionnaires with its latest published version."""
    latest = (
        sa.select(
            QuestionnaireVersion.questionnaire_id,
            sa.func.max(QuestionnaireVersion.number).label("number"),
        )
        .group_by(QuestionnaireVersion.questionnaire_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Questionnaire, QuestionnaireVersion)
        .join(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .join(
            latest,
            sa.and_(
                latest.c.questionnaire_id == QuestionnaireVersion.questionnaire_id,
                latest.c.number == QuestionnaireVersion.number,
            ),
        )
        .where(Questionnaire.study_id == study.id)
        .options(sa.orm.undefer(QuestionnaireVersion.definition))
        .order_by(Questionnaire.title, Questionnaire.id)
    )
    return [(questionnaire, version) for questionnaire, version in rows]


def pictures_of(definition_json: dict) -> list[str]:
    """Return the stored names of every picture a version's definition shows, in order."""
    definition = d.from_json(definition_json)
    names: list[str] = []
    for question in definition.questions():
        names.extend(
            name for name in [question.image, *(c.image for c in question.choices)] if name
        )
    return list(dict.fromkeys(names))


def version_for_interviewer(
    session: Session, *, version_id: int, user: User
) -> tuple[QuestionnaireVersion | None, Study | None, bool]:
    """Return a published version, its study, and whether the user interviews for that study."""
    row = session.execute(
        sa.select(QuestionnaireVersion, Study)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .join(Study, Questionnaire.study_id == Study.id)
        .where(QuestionnaireVersion.id == version_id)
        .options(sa.orm.undefer(QuestionnaireVersion.definition))
    ).first()
    if row is None:
        return None, None, False
    version, study = row
    _study, membership = find_membership(session, slug=study.slug, user=user)
    allowed = membership is not None and membership.has_any_role(INTERVIEWER_ROLES)
    return version, study, allowed


def foreign_interviews(
    session: Session, *, study: Study, interviewer: User, uuids: list[str]
) -> set[str]:
    """Return which of these interview UUIDs are stored for another study or interviewer."""
    if not uuids:
        return set()
    query = sa.select(Interview.uuid).where(
        Interview.uuid.in_(sorted(set(uuids))),
        sa.or_(Interview.study_id != study.id, Interview.interviewer_id != interviewer.id),
    )
    return set(session.scalars(query))


def record_refused_request(
    session: Session,
    *,
    user: User,
    study: Study | None,
    study_slug: str | None,
    path: str,
    reason: str,
) -> None:
    """Audit a refused request to the sync API by a signed-in person (a security matter)."""
    if study is None and study_slug:
        study = get_study(session, study_slug)
    record(
        session,
        Action.SYNC_REFUSED,
        actor=user,
        study=study,
        detail={"reason": reason, "path": path[:200]},
    )
