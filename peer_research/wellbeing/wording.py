"""Plain words for the wellbeing pages: why an alert was raised, where it is, and a
check-in's answers as question-and-answer rows."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from peer_research.wellbeing.chart import KIND_NAMES, SCORE_WORDS
from peer_research.wellbeing.models import AlertCause, AlertState

CAUSE_NAMES = {
    AlertCause.ASKED_FOR_CONTACT: _l("Asked for someone to get in touch"),
    AlertCause.LOW_SCORE: _l("Felt bad after an interview"),
    AlertCause.INTERVIEW_STOPPED: _l("An interview was stopped because someone was upset"),
    AlertCause.REACHED_OUT: _l("Said they would like to talk to someone"),
}
ALERT_STATE_NAMES = {
    AlertState.NEW: _l("New"),
    AlertState.ACKNOWLEDGED: _l("Seen, will get in touch"),
    AlertState.FOLLOWED_UP: _l("Followed up"),
}
YES_NO = {"yes": _l("Yes"), "no": _l("No"), True: _l("Yes"), False: _l("No")}
__all__ = ["ALERT_STATE_NAMES", "CAUSE_NAMES", "KIND_NAMES", "SCORE_WORDS", "AnswerRow"]


@dataclass(frozen=True)
class AnswerRow:
    """One question of a check-in and the interviewer's answer, in words."""

    question: str
    answer: str


def state_from_text(text: str) -> AlertState:
    """Return the alert state a list filter names; anything unknown means "new"."""
    try:
        return AlertState(text)
    except ValueError:
        return AlertState.NEW


def label_of(item: Mapping[str, Any], language: str = "en") -> str:
    """Return a question's words in a language, or in the first language it has."""
    label = item.get("label") or {}
    if not isinstance(label, Mapping):
        return str(label)
    return str(label.get(language) or next(iter(label.values()), "") or item.get("name", ""))


def answer_rows(check_in, questions: Iterable[Mapping[str, Any]] = ()) -> list[AnswerRow]:
    """List a check-in's answers with the words of their questions (the note is apart)."""
    answers = check_in.answers or {}
    rows = []
    for item in questions:
        name = item.get("name")
        if item.get("kind", "question") != "question" or name not in answers:
            continue
        rows.append(AnswerRow(label_of(item), _answer_words(item, answers[name], check_in)))
    if not rows:  # questions changed since: at least say how they felt
        rows.append(AnswerRow(str(_l("How they felt")), str(SCORE_WORDS[check_in.score])))
    return rows


def _answer_words(item: Mapping[str, Any], value: Any, check_in) -> str:
    """Return an answer in words: the choice's words, yes or no, or the text given."""
    for choice in item.get("choices") or ():
        if str(choice.get("name")) == str(value):
            return label_of(choice)
    if value in YES_NO:
        return str(YES_NO[value])
    if isinstance(value, int) and value == check_in.score and value in SCORE_WORDS:
        return f"{value} ({SCORE_WORDS[value]})"
    return str(value)


def find_question(questions: Mapping[str, Any], kind: str, name: str) -> Mapping | None:
    """Return the top-level question of a kind with that name, or None."""
    for item in questions.get(kind, ()) if kind in KIND_NAMES else ():
        if item.get("kind", "question") == "question" and item.get("name") == name:
            return item
    return None


def with_new_wording(
    questions: Mapping[str, Any], kind: str, name: str, *, label: str, hint: str
) -> dict[str, Any]:
    """Return a copy of the questions with new English words for one question."""
    changed = copy.deepcopy(dict(questions))
    for item in changed.get(kind, ()):
        if item.get("kind", "question") == "question" and item.get("name") == name:
            item["label"] = {**(item.get("label") or {}), "en": label}
            hints = {k: v for k, v in (item.get("hint") or {}).items() if k != "en"}
            item["hint"] = {**hints, "en": hint} if hint else hints
            if not item["hint"]:
                del item["hint"]
    return changed
