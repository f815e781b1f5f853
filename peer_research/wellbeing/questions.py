"""The check-in and debrief questions: good defaults, and checking the answers a tablet sends.

Questions are stored in the shape of `surveys.definition` items (`item_to_json`), so the
tablet renders them with the interview's own question macros. A study may change their
wording and add questions of the ordinary types; three names carry meaning and stay:

- `feeling` (both): a five-point rating with faces, choices "1" (worst) to "5" (best);
  its answer is the check-in's score, for alerts and the interviewer's chart.
- `get_in_touch` (debrief): "yes" asks a support lead to get in touch.
- the interviewer's optional note is not an answer: it travels as the check-in's `note`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from surveys.definition import (
    CHOICE_TYPES,
    YES_NO_NAMES,
    Choice,
    Question,
    QuestionType,
    Section,
    item_from_json,
    item_to_json,
)

FEELING = "feeling"
READY = "ready"
UPSETTING = "upsetting"
GET_IN_TOUCH = "get_in_touch"
KINDS = ("before", "after")
SCORES = range(1, 6)
MAX_TEXT_CHARACTERS = 2000
MAX_QUESTIONS = 20
FACES = (
    ("1", "Very bad"),
    ("2", "Bad"),
    ("3", "OK"),
    ("4", "Good"),
    ("5", "Very good"),
)


def _feeling(label: str) -> Question:
    """Return the five-point faces scale of how the interviewer feels."""
    return Question(
        name=FEELING,
        type=QuestionType.RATING,
        label={"en": label},
        required=True,
        appearance="faces",
        choices=tuple(Choice(name=name, label={"en": words}) for name, words in FACES),
    )


def _yes_no(name: str, label: str, hint: str = "") -> Question:
    """Return a yes/no question."""
    return Question(
        name=name,
        type=QuestionType.YES_NO,
        label={"en": label},
        hint={"en": hint} if hint else {},
        required=True,
    )


def default_questions() -> dict[str, list[dict[str, Any]]]:
    """Return the check-in and debrief questions every study starts with."""
    before = (
        _feeling("How are you feeling right now?"),
        _yes_no(READY, "Do you feel ready to do this interview?"),
    )
    after = (
        _feeling("How are you feeling now the interview is over?"),
        _yes_no(UPSETTING, "Was anything in the interview upsetting for you?"),
        _yes_no(
            GET_IN_TOUCH,
            "Would you like someone to get in touch with you?",
            "A support lead from the study will contact you. You can also use the support "
            "contacts at any time.",
        ),
    )
    return {
        "before": [item_to_json(item) for item in before],
        "after": [item_to_json(item) for item in after],
    }


def questions_of(questions: Mapping[str, Any], kind: str) -> dict[str, Question]:
    """Return one kind's questions by name (sections' questions included)."""
    found: dict[str, Question] = {}
    pending = [item_from_json(item) for item in questions.get(kind, [])]
    while pending:
        item = pending.pop(0)
        if isinstance(item, Section):
            pending[:0] = list(item.items)
        elif item.type is not QuestionType.NOTE:
            found[item.name] = item
    return found


def check_questions(questions: Any) -> list[str]:
    """Return what is wrong with a study's questions (empty when they can be used)."""
    if not isinstance(questions, Mapping) or set(questions) != set(KINDS):
        return ["The questions must be given for the check-in and the debrief."]
    problems = []
    for kind in KINDS:
        items = questions[kind]
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_QUESTIONS:
            problems.append(f"The {kind} questions must be a list of 1 to {MAX_QUESTIONS}.")
            continue
        try:
            by_name = questions_of(questions, kind)
        except (KeyError, TypeError, ValueError):
            problems.append(f"One of the {kind} questions cannot be read.")
            continue
        feeling = by_name.get(FEELING)
        if feeling is None or feeling.type is not QuestionType.RATING:
            problems.append(f"The {kind} questions must keep the five-point feeling scale.")
        elif sorted(choice.name for choice in feeling.choices) != [str(n) for n in SCORES]:
            problems.append("The feeling scale must have the points 1 to 5.")
    return problems


def check_answers(questions: Mapping[str, Any], kind: str, answers: Any) -> list[str]:
    """Return what is wrong with one check-in's answers (empty when they fit)."""
    if not isinstance(answers, Mapping):
        return ["The answers must be an object, by question name."]
    asked = questions_of(questions, kind)
    problems = [f"“{name}” is not one of the questions." for name in answers if name not in asked]
    for name, question in asked.items():
        if name not in answers:
            if question.required and not question.relevance:
                problems.append(f"“{name}” needs an answer.")
            continue
        problem = _answer_problem(question, answers[name])
        if problem:
            problems.append(f"“{name}”: {problem}")
    return problems


def _answer_problem(question: Question, value: Any) -> str | None:
    """Return why one answer does not fit its question, or None."""
    kind = question.type
    if value is None:
        return None if not question.required else "needs an answer."
    if kind is QuestionType.YES_NO:
        names = {choice.name for choice in question.choices} or YES_NO_NAMES
        return None if value in names else "must be yes or no."
    if kind is QuestionType.SELECT_MULTIPLE:
        names = {choice.name for choice in question.choices}
        fits = isinstance(value, list) and len(set(value)) == len(value) <= len(names)
        return None if fits and all(item in names for item in value) else "not among the choices."
    if kind in CHOICE_TYPES:
        names = {choice.name for choice in question.choices}
        return None if isinstance(value, str) and value in names else "not among the choices."
    if kind is QuestionType.INTEGER:
        fits = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31
        return None if fits else "must be a whole number."
    if kind is QuestionType.DECIMAL:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number and math.isfinite(value) else "must be a number."
    if isinstance(value, str) and len(value) <= MAX_TEXT_CHARACTERS:
        return None
    return f"must be text of at most {MAX_TEXT_CHARACTERS} characters."


def score_of(answers: Mapping[str, Any]) -> int | None:
    """Return the feeling score (1 to 5) from the answers, or None if there is none."""
    value = answers.get(FEELING)
    if isinstance(value, str) and value.isdigit() and int(value) in SCORES:
        return int(value)
    return None


def asked_for_contact(answers: Mapping[str, Any]) -> bool:
    """Tell whether the interviewer asked for someone to get in touch."""
    return answers.get(GET_IN_TOUCH) == "yes"
