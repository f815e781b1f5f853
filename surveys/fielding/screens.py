"""What the interviewer's pages show: the versions to interview with, the check-in and debrief
questions, and the app's files.

Queries for `surveys/fielding/pages.py` live here, so that the pages run none of their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, undefer

from peer_research.studies.models import Study
from surveys import definition as d
from surveys.models import Questionnaire, QuestionnaireVersion

# The files the interview screens use, relative to the static folder, cached by the
# service worker so that the app opens without a signal.
SHELL_FOLDERS = ("js", "vendor/govuk", "img/faces")
SHELL_FILES = ("css/app.css", "favicon.svg")
SHELL_SUFFIXES = (".js", ".css", ".svg")


@dataclass(frozen=True)
class FieldworkVersion:
    """The published version of a questionnaire that new interviews use."""

    questionnaire: Questionnaire
    version: QuestionnaireVersion
    definition: d.FormDefinition

    @property
    def pictures(self) -> list[str]:
        """Return the stored names of every picture the version shows."""
        names: list[str] = []
        for item, _parents in self.definition.walk():
            if isinstance(item, d.Question):
                names += [item.image or "", *(choice.image or "" for choice in item.choices)]
        return sorted({name for name in names if name})


def fieldwork_versions(session: Session, study: Study) -> list[FieldworkVersion]:
    """Return the latest published version of each of a study's questionnaires, by title."""
    latest = (
        sa.select(
            QuestionnaireVersion.questionnaire_id,
            sa.func.max(QuestionnaireVersion.number).label("number"),
        )
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(Questionnaire.study_id == study.id)
        .group_by(QuestionnaireVersion.questionnaire_id)
        .subquery()
    )
    query = (
        sa.select(QuestionnaireVersion)
        .join(
            latest,
            sa.and_(
                QuestionnaireVersion.questionnaire_id == latest.c.questionnaire_id,
                QuestionnaireVersion.number == latest.c.number,
            ),
        )
        .join(QuestionnaireVersion.questionnaire)
        .options(
            contains_eager(QuestionnaireVersion.questionnaire),
            undefer(QuestionnaireVersion.definition),
        )
        .order_by(Questionnaire.title, Questionnaire.id)
    )
    return [
        FieldworkVersion(
            questionnaire=version.questionnaire,
            version=version,
            definition=d.from_json(version.definition),
        )
        for version in session.scalars(query)
    ]


def study_version(session: Session, study: Study, version_id: int) -> FieldworkVersion | None:
    """Return a published version by id, only if its questionnaire belongs to this study."""
    version = session.get(
        QuestionnaireVersion, version_id, options=[undefer(QuestionnaireVersion.definition)]
    )
    if version is None or version.questionnaire.study_id != study.id:
        return None
    return FieldworkVersion(
        questionnaire=version.questionnaire,
        version=version,
        definition=d.from_json(version.definition),
    )


def shell_files(static_folder: str) -> list[str]:
    """Return the static files of the interview app, sorted, relative to the static folder."""
    root = Path(static_folder)
    found = [name for name in SHELL_FILES if (root / name).is_file()]
    for folder in SHELL_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in SHELL_SUFFIXES:
                found.append(path.relative_to(root).as_posix())
    return sorted(set(found))


def shell_build(static_folder: str, files: list[str]) -> str:
    """Return a short fingerprint of the app's files: it changes whenever one of them does."""
    digest = hashlib.sha256()
    root = Path(static_folder)
    for name in files:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


# The interviewer's own check-ins: "before" each visit, "after" each interview (the debrief).
CHECK_IN_KINDS = ("before", "after")


def wellbeing_form(bundle: Mapping[str, object], kind: str, title: str) -> d.FormDefinition:
    """Return a study's check-in ("before") or debrief ("after") questions as a form, drawn
    by the interview's question macros; its language is the one the questions are written in.

    The wellbeing bundle keeps each kind's questions as `surveys.definition` items (a list of
    items, or a form with "items").
    """
    questions = bundle.get("questions")
    chosen = questions.get(kind, []) if isinstance(questions, Mapping) else []
    if isinstance(chosen, Mapping):
        chosen = chosen.get("items", [])
    items = tuple(d.item_from_json(item) for item in chosen)
    written = [code for item in items for code in item.label]
    code = "en" if "en" in written or not written else written[0]
    return d.FormDefinition(title=title, languages=(d.Language(code, code),), items=items)
