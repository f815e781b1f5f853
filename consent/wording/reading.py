"""What the consent form pages read: versions, the draft, suggestions, and what changed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consent.models import ConsentFormVersion
from consent.versions import current_version, draft_of, version_by_number
from consent.wording import parts
from consent.wording.changes import ChangeLine, change_lines
from consent.wording.models import SuggestionState, WordingSuggestion
from peer_research.studies.models import Study


def has_draft(session: Session, study: Study) -> bool:
    """Tell whether the study's consent form has a draft yet (pages make one when not)."""
    query = sa.select(ConsentFormVersion.id).where(
        ConsentFormVersion.study_id == study.id, ConsentFormVersion.number.is_(None)
    )
    return session.scalar(query.limit(1)) is not None


def start_draft(session: Session, study: Study) -> None:
    """Make the study's draft (from the latest version, or the usual first wording)."""
    draft_of(session, study)


@dataclass(frozen=True)
class FormState:
    """The consent form as its page shows it: the version in use, the draft, what is open."""

    current: ConsentFormVersion | None
    draft: ConsentFormVersion
    draft_changes: list[ChangeLine]  # the draft against the version in use
    open_suggestions: list[WordingSuggestion]


def form_state(session: Session, study: Study) -> FormState:
    """Return the study's consent form, its draft and the suggestions being decided."""
    current = current_version(session, study.id)
    draft = draft_of(session, study)
    return FormState(
        current=current,
        draft=draft,
        draft_changes=change_lines(current.content, draft.content) if current else [],
        open_suggestions=suggestions_of(session, study, open_only=True),
    )


def suggestions_of(
    session: Session, study: Study, *, open_only: bool = False, limit: int = 100
) -> list[WordingSuggestion]:
    """Return the study's suggestions about the consent form, newest first."""
    query = sa.select(WordingSuggestion).where(WordingSuggestion.study_id == study.id)
    if open_only:
        query = query.where(WordingSuggestion.state == SuggestionState.OPEN)
    query = query.order_by(WordingSuggestion.id.desc()).limit(limit)
    return list(session.scalars(query))


def suggestions_named(
    session: Session, *, study: Study, ids: set[int]
) -> dict[int, WordingSuggestion]:
    """Return the study's suggestions with these ids, by id, in one query."""
    if not ids:
        return {}
    query = sa.select(WordingSuggestion).where(
        WordingSuggestion.study_id == study.id, WordingSuggestion.id.in_(ids)
    )
    return {suggestion.id: suggestion for suggestion in session.scalars(query)}


def get_suggestion(
    session: Session, *, study: Study, suggestion_id: int
) -> WordingSuggestion | None:
    """Return one of the study's suggestions about the consent form, or None."""
    suggestion = session.get(WordingSuggestion, suggestion_id)
    if suggestion is None or suggestion.study_id != study.id:
        return None
    return suggestion


def suggestion_lines(suggestion: WordingSuggestion) -> list[ChangeLine]:
    """Return what a suggestion changes, part by part, word by word."""
    return change_lines(None, None, before_parts=suggestion.base, after_parts=suggestion.proposed)


def stale_part_of(session: Session, *, study: Study, suggestion: WordingSuggestion) -> str | None:
    """Say which part of the draft changed under an open suggestion, in plain words, or None."""
    if not suggestion.is_open:
        return None
    stale = parts.stale_part(draft_of(session, study).content, suggestion.base)
    return parts.describe(stale) if stale else None


@dataclass(frozen=True)
class VersionPage:
    """A published version, the one before it, and what changed between them."""

    version: ConsentFormVersion
    previous: ConsentFormVersion | None
    changes: list[ChangeLine]


def version_page(session: Session, *, study: Study, number: int) -> VersionPage | None:
    """Return a published version with what changed since the one before, or None."""
    version = version_by_number(session, study.id, number)
    if version is None:
        return None
    previous = version_by_number(session, study.id, number - 1) if number > 1 else None
    lines = change_lines(previous.content, version.content) if previous else []
    return VersionPage(version=version, previous=previous, changes=lines)
