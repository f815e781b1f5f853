"""What the condition builder can show: questions, comparisons, conditions, rules and values.

The kinds of question and the comparisons that fit each, the model of a rule (conditions
joined by "all of" or "any of"), and whether a value fits a question. Writing and reading
rules in the logic language is :mod:`surveys.logic.builder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CURRENT = "."  # the subject of a constraint: the answer being checked
# The kinds of question the builder knows, and the comparisons that fit each.
ANSWERED = ("answered", "not_answered")
CHOICE_COMPARISONS = ("is", "is_not", "any_of", "none_of", *ANSWERED)
ORDER_COMPARISONS = ("equals", "more_than", "less_than", "at_least", "at_most", "between")
COMPARISONS = {
    "one_choice": CHOICE_COMPARISONS,
    "many_choices": CHOICE_COMPARISONS,
    "number": (*ORDER_COMPARISONS, *ANSWERED),
    "date": (*ORDER_COMPARISONS, *ANSWERED),
    "time": (*ORDER_COMPARISONS, *ANSWERED),
    "text": ("is", "is_not", "contains", *ANSWERED),
    "answer": ANSWERED,
}
# How many values each comparison takes (None: one or more).
VALUE_COUNTS = {
    "is": 1, "is_not": 1, "any_of": None, "none_of": None, "answered": 0, "not_answered": 0,
    "equals": 1, "more_than": 1, "less_than": 1, "at_least": 1, "at_most": 1, "between": 2,
    "contains": 1,
}  # fmt: skip
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
MAX_VALUE_LENGTH = 500


@dataclass(frozen=True)
class Subject:
    """A question a condition can be about: its name, kind, and choice names (if any)."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One condition: a question (by name, or `.`), a comparison and its values."""

    subject: str
    comparison: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Conditions joined by "all" (every one must be true) or "any" (one is enough)."""

    combine: str = "all"
    conditions: tuple[Condition, ...] = ()


class ConditionError(ValueError):
    """A condition that cannot be written: which one (0-based), which part, and why."""

    def __init__(self, index: int, part: str, message: str) -> None:
        """Keep where the problem is, for the form to show it beside the part."""
        super().__init__(message)
        self.index = index
        self.part = part
        self.message = message


def value_problem(value: str, subject: Subject) -> str | None:
    """Return why a value does not fit a question, or None when it does."""
    if len(value) > MAX_VALUE_LENGTH:
        return f"Use {MAX_VALUE_LENGTH} characters or fewer."
    if subject.kind in ("one_choice", "many_choices"):
        return None if value in subject.choices else "Choose one of the question's answers."
    if subject.kind == "number" and not NUMBER.fullmatch(value):
        return "Enter a number, like 18 or 2.5."
    if subject.kind == "date" and not _is_date(value):
        return "Enter a real date, like 2030-03-08."
    if subject.kind == "time" and not TIME.fullmatch(value):
        return "Enter a time on the 24-hour clock, like 09:30 or 17:00."
    if "'" in value and '"' in value:
        return "Use either ' or \" in the text, not both."
    return None


def _is_date(value: str) -> bool:
    """Tell whether text is a real date written YYYY-MM-DD."""
    if not DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def order_key(value: str, kind: str) -> float | str:
    """Return what values of a kind are ordered by."""
    return float(value) if kind == "number" else value
