"""What facilitators see of the fieldwork: counts, stopped interviews, the quarantine, answers."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from peer_research.accounts.models import User
from peer_research.studies.models import Study
from surveys import definition as d
from surveys.fielding.models import Answer, HeldSubmission, Interview, InterviewStatus
from surveys.models import QuestionnaireVersion

LIST_LENGTH = 50  # interviews, stopped interviews and held submissions shown on the page


@dataclass(frozen=True)
class InterviewerCount:
    """How many interviews one interviewer brought home, complete and stopped."""

    name: str
    complete: int
    stopped: int


@dataclass(frozen=True)
class FieldworkSummary:
    """The fieldwork of a study at a glance."""

    total: int
    by_interviewer: list[InterviewerCount]
    by_day: list[tuple[date, int, int]]  # day, complete, stopped
    latest: list[Interview]
    stopped: list[Interview]
    held: list[HeldSubmission]
    held_count: int
    withdrawn: int = 0  # interviews of participants who withdrew: in no count above


def fieldwork_summary(session: Session, study: Study) -> FieldworkSummary:
    """Return the counts per interviewer and day, the latest and stopped interviews, the held.

    Interviews of participants who withdrew are in no count; the latest list shows them
    as withdrawn.
    """
    stopped_case = sa.case((Interview.status == InterviewStatus.STOPPED, 1), else_=0)
    counted = sa.and_(Interview.study_id == study.id, Interview.withdrawn_at.is_(None))
    per_person = session.execute(
        sa.select(User.display_name, sa.func.count(), sa.func.sum(stopped_case))
        .join(User, User.id == Interview.interviewer_id)
        .where(counted)
        .group_by(User.id, User.display_name)
        .order_by(User.display_name)
    ).all()
    day = sa.func.date(Interview.started_at)
    per_day = session.execute(
        sa.select(day, sa.func.count(), sa.func.sum(stopped_case))
        .where(counted)
        .group_by(day)
        .order_by(day.desc())
        .limit(60)
    ).all()
    interviews = sa.select(Interview).where(Interview.study_id == study.id)
    newest = (Interview.received_at.desc(), Interview.id.desc())
    held = sa.select(HeldSubmission).where(HeldSubmission.study_id == study.id)
    return FieldworkSummary(
        total=sum(count for _name, count, _stopped in per_person),
        by_interviewer=[
            InterviewerCount(name, count - int(stopped or 0), int(stopped or 0))
            for name, count, stopped in per_person
        ],
        by_day=[(_as_date(when), count - int(s or 0), int(s or 0)) for when, count, s in per_day],
        latest=list(session.scalars(interviews.order_by(*newest).limit(LIST_LENGTH))),
        stopped=list(
            session.scalars(
                interviews.where(
                    Interview.status == InterviewStatus.STOPPED, Interview.withdrawn_at.is_(None)
                )
                .order_by(*newest)
                .limit(LIST_LENGTH)
            )
        ),
        held=list(
            session.scalars(
                held.order_by(HeldSubmission.received_at.desc(), HeldSubmission.id.desc()).limit(
                    LIST_LENGTH
                )
            )
        ),
        held_count=session.scalar(
            sa.select(sa.func.count())
            .select_from(HeldSubmission)
            .where(HeldSubmission.study_id == study.id)
        )
        or 0,
        withdrawn=session.scalar(
            sa.select(sa.func.count())
            .select_from(Interview)
            .where(Interview.study_id == study.id, Interview.withdrawn_at.is_not(None))
        )
        or 0,
    )


def _as_date(value: Any) -> date:
    """Return a day from the database (SQLite gives text, PostgreSQL a date)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class ShownAnswer:
    """One question of an interview as a facilitator reads it."""

    label: str
    name: str
    answer: str  # the answer in words ("" when there is none)
    section: str = ""  # the repeat item it belongs to, e.g. "People who help, 2"


@dataclass
class InterviewPage:
    """An interview, its questionnaire and its answers in the questionnaire's order."""

    interview: Interview
    version: QuestionnaireVersion
    title: str
    answers: list[ShownAnswer] = field(default_factory=list)


def interview_page(session: Session, *, study: Study, interview_id: int) -> InterviewPage | None:
    """Return one of the study's interviews with its answers by label, or None; a withdrawn
    participant's interview comes without its answers."""
    interview = session.scalar(
        sa.select(Interview).where(Interview.id == interview_id, Interview.study_id == study.id)
    )
    if interview is None:
        return None
    version = session.scalar(
        sa.select(QuestionnaireVersion)
        .where(QuestionnaireVersion.id == interview.version_id)
        .options(undefer(QuestionnaireVersion.definition))
    )
    definition = d.from_json(version.definition)
    if interview.withdrawn_at is not None:
        return InterviewPage(interview, version, definition.title)
    rows: dict[str, list[str]] = defaultdict(list)
    for key, value in session.execute(
        sa.select(Answer.question_key, Answer.value).where(Answer.interview_id == interview.id)
    ):
        rows[key].append(value)
    language = interview.language
    page = InterviewPage(interview, version, definition.title)
    page.answers = list(_shown(definition, rows, language))
    return page


def _shown(definition: d.FormDefinition, rows: dict[str, list[str]], language: str):
    """Yield each question with its answer, repeats once per stored item."""
    counts = _repeat_counts(rows)
    for item, parents in definition.walk():
        if not isinstance(item, d.Question) or item.type in d.ANSWERLESS_TYPES:
            continue
        repeat = next((parent for parent in parents if parent.repeat), None)
        if repeat is None:
            yield ShownAnswer(
                _text(item.label, language), item.name, _answer(item, rows, item.name, language)
            )
            continue
        for number in range(1, counts.get(repeat.name, 0) + 1):
            key = f"{repeat.name}[{number}]/{item.name}"
            section = f"{_text(repeat.label, language)}, {number}"
            yield ShownAnswer(
                _text(item.label, language), item.name, _answer(item, rows, key, language), section
            )


def _repeat_counts(rows: dict[str, list[str]]) -> dict[str, int]:
    """Return how many items of each repeat have answers stored."""
    counts: dict[str, int] = {}
    for key in rows:
        if "[" in key and "]/" in key:
            name, _, rest = key.partition("[")
            number = rest.partition("]")[0]
            if number.isdigit():
                counts[name] = max(counts.get(name, 0), int(number))
    return counts


def _text(texts: d.Translated, language: str) -> str:
    """Return a text in the interview's language, or the first one there is."""
    return texts.get(language) or next(iter(texts.values()), "")


def _answer(question: d.Question, rows: dict[str, list[str]], key: str, language: str) -> str:
    """Return an answer in words: choices by their labels, a ranking in order."""
    labels = {choice.name: _text(choice.label, language) for choice in question.choices}
    if question.type == d.QuestionType.RANKING:
        places = sorted(
            (int(k.rpartition("#")[2]), v[0]) for k, v in rows.items() if k.startswith(key + "#")
        )
        values = [value for _place, value in places]
    else:
        values = rows.get(key, [])
    words = [labels.get(value, value) for value in values]
    other = rows.get(key + ":other")
    if other:
        words.append(f"Other: {other[0]}")
    return ", ".join(words)


def held_submission(
    session: Session, *, study: Study, held_id: int
) -> tuple[HeldSubmission, str] | None:
    """Return one of the study's held submissions and what was sent, as readable JSON."""
    held = session.scalar(
        sa.select(HeldSubmission)
        .where(HeldSubmission.id == held_id, HeldSubmission.study_id == study.id)
        .options(undefer(HeldSubmission.submitted))
    )
    if held is None:
        return None
    return held, json.dumps(held.submitted, indent=2, ensure_ascii=False, sort_keys=True)
