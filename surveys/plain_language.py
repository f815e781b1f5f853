"""Plain language: how easy the draft's wording is to read, and words that may shut people out.

Reading ease is the Flesch score of `reading_ease.py`, given for English texts only.

Jargon comes from the study's own list (`JargonTerm` rows), seeded with common research and
social-care terms the first time the list is used. Matching ignores letter case, matches
whole words and phrases only, treats hyphens and spaces between words alike
("co-production", "co production", "coproduction") and allows a plural "s"/"es".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys import definition as d
from surveys.models import JargonTerm
from surveys.reading_ease import (
    Band,
    band_of,
    count_syllables,
    is_english,
    reading_ease,
    shown_score,
)

__all__ = [
    "DEFAULT_JARGON",
    "MAX_SUGGESTION_LENGTH",
    "MAX_TERM_LENGTH",
    "SEEDED_MARKER",
    "Band",
    "DraftReview",
    "HasTerm",
    "Jargon",
    "JargonHit",
    "TextReview",
    "add_jargon_term",
    "band_of",
    "count_syllables",
    "ensure_jargon_list",
    "find_jargon",
    "is_english",
    "jargon_list_seeded",
    "jargon_terms",
    "label_feedback",
    "reading_ease",
    "remove_jargon_term",
    "review_draft",
    "shown_score",
    "term_key",
]

MAX_TERM_LENGTH = 100
MAX_SUGGESTION_LENGTH = 200

# The row that records that a study's list was seeded, so that a group that removes every
# default term does not get them back. Its empty term never matches anything.
SEEDED_MARKER = ""

DEFAULT_JARGON = (
    ("co-production", "working together"),
    ("strengths-based", "building on what people can do"),
    ("service user", "people who use services"),
    ("stakeholder", "people involved"),
    ("outcomes", "what changes for people"),
    ("signposting", "pointing people to other help"),
    ("cohort", "group of people"),
    ("qualitative", "about people's experiences, in their words"),
    ("quantitative", "about numbers"),
    ("longitudinal", "over a long time"),
    ("safeguarding", "keeping people safe from harm"),
    ("person-centred", "built around you"),
    ("care package", "the support you get"),
    ("domiciliary care", "care at home"),
    ("respite", "a break from caring"),
    ("multidisciplinary", "different kinds of workers together"),
    ("intervention", "support"),
    ("respondent", "person answering"),
    ("utilise", "use"),
)


# Jargon ---------------------------------------------------------------------------------


class HasTerm(Protocol):
    """Anything with a jargon term and a suggestion (a `JargonTerm` row, or `Jargon`)."""

    term: str
    suggestion: str


class Jargon(NamedTuple):
    """A jargon term and a plainer way to say it, outside the database."""

    term: str
    suggestion: str = ""


@dataclass(frozen=True)
class JargonHit:
    """A jargon term found in a text: the words as written, and the plainer suggestion."""

    term: str
    found: str
    suggestion: str
    start: int


_JOINER = r"[\s\-\u2010-\u2015]*"


def term_key(term: str) -> str:
    """Return the form two terms share when they are the same words ("Co production")."""
    return "".join(re.split(r"[\s\-\u2010-\u2015]+", term.strip().casefold()))


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    """Return the pattern that finds a term as whole words, any case, hyphen or space."""
    parts = [part for part in re.split(r"[\s\-\u2010-\u2015]+", term.strip()) if part]
    if not parts:
        return None
    plural = r"(?:s|es)?" if parts[-1][-1].isalpha() else ""
    body = _JOINER.join(re.escape(part) for part in parts)
    return re.compile(rf"(?<!\w){body}{plural}(?!\w)", re.IGNORECASE)


def find_jargon(text: str, jargon: Iterable[HasTerm]) -> list[JargonHit]:
    """Return the jargon in a text, in reading order; overlapping terms count once (longest)."""
    candidates: list[JargonHit] = []
    for entry in jargon:
        pattern = _term_pattern(entry.term)
        if pattern is None:
            continue
        candidates.extend(
            JargonHit(entry.term, match.group(0), entry.suggestion or "", match.start())
            for match in pattern.finditer(text)
        )
    hits: list[JargonHit] = []
    taken_until = -1
    for hit in sorted(candidates, key=lambda hit: (hit.start, -len(hit.found))):
        if hit.start >= taken_until:
            hits.append(hit)
            taken_until = hit.start + len(hit.found)
    return hits


def label_feedback(text: str, language: str, jargon: Iterable[HasTerm]) -> dict[str, Any]:
    """Return feedback on one text for the editor: score, band and jargon hits.

    `score` is a whole number from 0 to 100 and `band` the band's name, both None when the
    language is not English (the formula is for English only) or the text has no words.
    `jargon_hits` lists, in reading order, each use of a jargon term as a dict with the
    `term` on the list, the words `found` in the text and the plainer `suggestion`. The
    result is ready to send as JSON.
    """
    score = reading_ease(text) if is_english(language) else None
    return {
        "score": None if score is None else shown_score(score),
        "band": None if score is None else band_of(score).label,
        "jargon_hits": [
            {"term": hit.term, "found": hit.found, "suggestion": hit.suggestion}
            for hit in find_jargon(text, jargon)
        ],
    }


# The study's jargon list ----------------------------------------------------------------


def ensure_jargon_list(session: Session, *, study: Study) -> bool:
    """Seed a study's jargon list with the defaults the first time it is used.

    Safe to call from two requests at once: the marker row and each term are inserted in
    their own savepoint, and the unique constraint turns a lost race into "already there".
    Return whether this call seeded the list.
    """
    if _marker(session, study) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(JargonTerm(study_id=study.id, term=SEEDED_MARKER, suggestion=""))
    except IntegrityError:
        return False  # another request is seeding it
    known = {term_key(term.term) for term in _terms(session, study)}
    for term, suggestion in DEFAULT_JARGON:
        if term_key(term) in known:
            continue
        try:
            with session.begin_nested():
                session.add(JargonTerm(study_id=study.id, term=term, suggestion=suggestion))
        except IntegrityError:
            continue
    session.flush()
    return True


def jargon_list_seeded(session: Session, *, study: Study) -> bool:
    """Tell whether a study's jargon list has been seeded (reading it then writes nothing)."""
    return _marker(session, study) is not None


def _marker(session: Session, study: Study) -> int | None:
    """Return the id of the row that records the list was seeded, if there is one."""
    return session.scalar(
        sa.select(JargonTerm.id).where(
            JargonTerm.study_id == study.id, JargonTerm.term == SEEDED_MARKER
        )
    )


def _terms(session: Session, study: Study) -> list[JargonTerm]:
    """Return the study's jargon terms, without the seeded marker."""
    return list(
        session.scalars(
            sa.select(JargonTerm).where(
                JargonTerm.study_id == study.id, JargonTerm.term != SEEDED_MARKER
            )
        )
    )


def jargon_terms(session: Session, *, study: Study) -> list[JargonTerm]:
    """Return the study's jargon list in alphabetical order (seed it first if it is new)."""
    ensure_jargon_list(session, study=study)
    return sorted(_terms(session, study), key=lambda term: term.term.casefold())


def add_jargon_term(
    session: Session, *, study: Study, term: str, suggestion: str = ""
) -> JargonTerm:
    """Add a word or phrase to the study's jargon list, with a plainer way to say it."""
    term, suggestion = " ".join(term.split()), " ".join(suggestion.split())
    if not term:
        raise DomainError(_("Enter a word or phrase."), field="term")
    if len(term) > MAX_TERM_LENGTH:
        raise DomainError(_("Use 100 characters or fewer."), field="term")
    if not re.search(r"\w", term):
        raise DomainError(_("Use at least one letter or number."), field="term")
    if len(suggestion) > MAX_SUGGESTION_LENGTH:
        raise DomainError(_("Use 200 characters or fewer."), field="suggestion")
    existing = {term_key(row.term): row for row in jargon_terms(session, study=study)}
    if term_key(term) in existing:
        raise DomainError(
            _("“%(term)s” is already on the list.", term=existing[term_key(term)].term),
            field="term",
        )
    row = JargonTerm(study_id=study.id, term=term, suggestion=suggestion)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as error:  # someone added the same term a moment ago
        message = _("“%(term)s” is already on the list.", term=term)
        raise DomainError(message, field="term") from error
    return row


def remove_jargon_term(session: Session, *, study: Study, term_id: int) -> JargonTerm:
    """Take a word or phrase off the study's jargon list."""
    row = session.get(JargonTerm, term_id)
    if row is None or row.study_id != study.id or row.term == SEEDED_MARKER:
        raise DomainError(_("That word is not on this study's list. Someone may have removed it."))
    session.delete(row)
    session.flush()
    return row


# Reviewing a draft ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextReview:
    """One text of the draft with its reading ease and jargon."""

    item: d.Item
    field: str  # "label", "hint" or "choices" (every answer label together)
    text: str
    score: float | None  # None: not English, or no words
    hits: list[JargonHit]
    depth: int = 0  # how many sections it sits in

    @property
    def band(self) -> Band | None:
        """Return the reading ease band, if the text was scored."""
        return None if self.score is None else band_of(self.score)

    @property
    def shown_score(self) -> int | None:
        """Return the score people see (0 to 100)."""
        return None if self.score is None else shown_score(self.score)


@dataclass(frozen=True)
class DraftReview:
    """A plain-language review of a draft in one language."""

    language: d.Language
    scored: bool  # False when the language is not English
    texts: list[TextReview] = field(default_factory=list)

    @property
    def hard_count(self) -> int:
        """Count the texts scored "Fairly hard" or harder."""
        return sum(1 for text in self.texts if text.band is not None and text.band.is_hard)

    @property
    def jargon_count(self) -> int:
        """Count every use of a jargon term."""
        return sum(len(text.hits) for text in self.texts)


def review_draft(
    definition: d.FormDefinition, language: d.Language, jargon: Iterable[HasTerm]
) -> DraftReview:
    """Score every label and hint of a draft in one language and find its jargon.

    Answer labels are checked for jargon but not scored: a few words say nothing about
    reading ease.
    """
    jargon = list(jargon)
    scored = is_english(language.code)
    texts: list[TextReview] = []
    for item, parents in definition.walk():
        for field_name in ("label", "hint"):
            text = getattr(item, field_name).get(language.code, "").strip()
            if text:
                texts.append(
                    TextReview(
                        item=item,
                        field=field_name,
                        text=text,
                        score=reading_ease(text) if scored else None,
                        hits=find_jargon(text, jargon),
                        depth=len(parents),
                    )
                )
        answers = [
            choice.label.get(language.code, "").strip() for choice in getattr(item, "choices", ())
        ]
        answers = [answer for answer in answers if answer]
        if answers:
            joined = " · ".join(answers)
            texts.append(
                TextReview(
                    item=item,
                    field="choices",
                    text=joined,
                    score=None,
                    hits=find_jargon(joined, jargon),
                    depth=len(parents),
                )
            )
    return DraftReview(language=language, scored=scored, texts=texts)
