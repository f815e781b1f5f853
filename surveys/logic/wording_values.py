"""Values in plain words: "the answer to “Age” plus 1", "today's date", "“Care at home”".

Part of the plain-words reading (see :mod:`surveys.logic.reading`). A question's answer is
named by its label; a text compared with a choice question's answer is that choice's label,
never its stored value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String

ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
BOOLEAN_OPERATORS = frozenset({"and", "or", "=", "!=", "<", "<=", ">", ">="})
BOOLEAN_FUNCTIONS = frozenset(
    {"selected", "regex", "not", "boolean", "boolean-from-string", "contains", "starts-with",
     "ends-with"}
)  # fmt: skip
# Question types with one answer: `selected()` on them means "is".
ONE_ANSWER_TYPES = frozenset({"select_one", "yes_no", "rating"})
DATE_TYPES = frozenset({"date"})
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LONGEST_LABEL = 80
# Sums inside sums inside sums are no longer plain words.
MAX_ARITHMETIC_NESTING = 2


class TooComplex(Exception):  # noqa: N818 (a signal caught by the reader, never shown)
    """Raised when part of an expression cannot be said well in plain words."""


@dataclass(frozen=True)
class QuestionInfo:
    """What a reading needs of a question: its label in the reader's language, its type
    (a `QuestionType` value such as "select_one"; "" if unknown) and its choices
    (stored value -> label in the reader's language)."""

    label: str
    type: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)


def quoted(text: str) -> str:
    """Put text in curly quotes, shortened when it is long."""
    text = " ".join(text.split())
    if len(text) > LONGEST_LABEL:
        text = text[: LONGEST_LABEL - 1].rstrip() + "…"
    return f"“{text}”"


def date_words(text: str) -> str:
    """Write a 'YYYY-MM-DD' date the way people read dates ("1 January 2024")."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return text
    locale = str(get_locale() or "en")
    try:  # plain English writes the day first, as the British do
        return format_date(day, format="long", locale="en_GB" if locale == "en" else locale)
    except (ValueError, LookupError):
        return text


def number_words(node: Number) -> str:
    """Write a number without needless zeros ("007" is 7, "2.50" is 2.5)."""
    value = node.value
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class ValueReader:
    """Reads nodes as values (noun phrases)."""

    def __init__(
        self,
        questions: Mapping[str, QuestionInfo],
        current: QuestionInfo | None,
        rough: Callable[[], None],
        condition_text: Callable[[Node], str],
    ) -> None:
        """Keep the questions, and how to report a rough part and to say a condition."""
        self.questions = questions
        self.current = current
        self.rough = rough
        self.condition_text = condition_text

    def info(self, node: Node) -> QuestionInfo | None:
        """Return the question a node is the answer to, if it is one we know."""
        if isinstance(node, Reference):
            return self.questions.get(node.name)
        if isinstance(node, Current):
            return self.current
        return None

    def type_of(self, node: Node) -> str:
        """Return the type of the question a node is the answer to ("" if none)."""
        info = self.info(node)
        return info.type if info else ""

    def is_date(self, node: Node) -> bool:
        """Tell whether a node is a date (a date question, today(), date(...), 'YYYY-MM-DD')."""
        if isinstance(node, Call) and node.name in ("today", "date"):
            return True
        if isinstance(node, String):
            return ISO_DATE.fullmatch(node.value) is not None
        return self.type_of(node) in DATE_TYPES

    def question_name(self, node: Node) -> str:
        """Name the question a node is the answer to: “Label” or "this question"."""
        if isinstance(node, Current):
            return _("this question")
        if isinstance(node, Reference):
            info = self.questions.get(node.name)
            if info is None:
                self.rough()
                return _("a question that is not in this questionnaire")
            if not info.label.strip():
                self.rough()
                if info.type == "calculate":
                    return _("a hidden calculation")
                return _("a question with no words")
            return quoted(info.label)
        return self.value(node)

    def subject(self, node: Node) -> str:
        """Say what a condition is about."""
        return self.value(node)

    def value_against(self, node: Node, subject: Node) -> str:
        """Say a value compared with a subject: a choice's label when the subject has choices."""
        if isinstance(subject, Call) and subject.name == "selected-at":
            subject = subject.args[0]
        info = self.info(subject)
        if isinstance(node, String) and info is None and isinstance(subject, Current):
            self.rough()  # the question's own choices are unknown: its value may be a code
        if isinstance(node, String) and info is not None and info.choices:
            label = info.choices.get(node.value.strip())
            if label is not None:
                return quoted(label)
            self.rough()
            return _("an answer that is not in its list")
        return self.value(node)

    def value(self, node: Node, depth: int = 0) -> str:
        """Say a node as a value."""
        if isinstance(node, Reference | Current):
            if isinstance(node, Current):
                return _("the answer")
            if self.type_of(node) == "calculate":  # worked out, not answered
                return _("the value of %(question)s", question=self.question_name(node))
            return _("the answer to %(question)s", question=self.question_name(node))
        if isinstance(node, Number):
            return number_words(node)
        if isinstance(node, String):
            if node.value == "":
                return _("nothing")
            if not node.value.strip():
                return _("a space")
            return date_words(node.value) if ISO_DATE.fullmatch(node.value) else quoted(node.value)
        if isinstance(node, Negate):
            if isinstance(node.operand, Number):
                return "-" + number_words(node.operand)
            return _("minus %(value)s", value=self.value(node.operand, depth + 1))
        if isinstance(node, Binary) and node.op in ARITHMETIC:
            return self._arithmetic(node, depth)
        if isinstance(node, Binary) or (isinstance(node, Call) and node.name in BOOLEAN_FUNCTIONS):
            return _("whether %(condition)s", condition=self.condition_text(node))
        if isinstance(node, Call) and node.name in VALUE_CALLS:
            return VALUE_CALLS[node.name](self, node, depth + 1)
        raise TooComplex

    def _arithmetic(self, node: Binary, depth: int) -> str:
        """Say a sum, difference, product, division or remainder."""
        if depth > MAX_ARITHMETIC_NESTING or _is_arithmetic(node.right):
            raise TooComplex
        left = self.value(node.left, depth + 1)
        right = self.value(node.right, depth + 1)
        if _is_arithmetic(node.left) and node.left.op != node.op:
            left = _("%(value)s,", value=left)
        if node.op == "-" and self.is_date(node.left) and self.is_date(node.right):
            return _("the number of days from %(start)s to %(end)s", start=right, end=left)
        words = {
            "+": _("%(left)s plus %(right)s"),
            "-": _("%(left)s minus %(right)s"),
            "*": _("%(left)s times %(right)s"),
            "div": _("%(left)s divided by %(right)s"),
            "mod": _("the remainder when %(left)s is divided by %(right)s"),
        }[node.op]
        return words % {"left": left, "right": right}

    def values(self, nodes: tuple[Node, ...], depth: int) -> list[str]:
        """Say several values."""
        return [self.value(node, depth) for node in nodes]


def _is_arithmetic(node: Node) -> bool:
    return isinstance(node, Binary) and node.op in ARITHMETIC


def _join_and(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("%(rest)s and %(last)s", rest=", ".join(parts[:-1]), last=parts[-1])


def _one(words: Any) -> Callable[[ValueReader, Call, int], str]:
    """Make the reading of a function of one value from its words (with %(value)s)."""

    def read(reader: ValueReader, node: Call, depth: int) -> str:
        value = reader.value(node.args[0], depth)
        if _is_arithmetic(node.args[0]) and str(words).startswith(
            "%(value)s"
        ):  # "65 minus 1, rounded down": the sum comes first
            value = _("%(value)s,", value=value)
        return str(words) % {"value": value}

    return read


def _count_selected(reader: ValueReader, node: Call, depth: int) -> str:
    return _(
        "the number of answers picked for %(question)s",
        question=reader.question_name(node.args[0]),
    )


def _selected_at(reader: ValueReader, node: Call, depth: int) -> str:
    question = reader.question_name(node.args[0])
    place = node.args[1]
    if isinstance(place, Number) and place.value.is_integer() and place.value >= 0:
        return _(
            "answer number %(place)d picked for %(question)s",
            place=int(place.value) + 1,
            question=question,
        )
    return _(
        "the answer picked for %(question)s at place %(place)s, counting from 0",
        question=question,
        place=reader.value(place, depth),
    )


def _if(reader: ValueReader, node: Call, depth: int) -> str:
    condition, then, otherwise = node.args
    return _(
        "%(then)s if %(condition)s, otherwise %(otherwise)s",
        then=reader.value(then, depth),
        condition=reader.condition_text(condition),
        otherwise=reader.value(otherwise, depth),
    )


def _coalesce(reader: ValueReader, node: Call, depth: int) -> str:
    parts = reader.values(node.args, depth)
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = _("%(first)s, or if that is empty, %(then)s", first=part, then=text)
    return text


def _concat(reader: ValueReader, node: Call, depth: int) -> str:
    parts = reader.values(node.args, depth)
    if len(parts) == 1:
        return _("%(value)s as text", value=parts[0])
    return _("%(parts)s written one after the other", parts=_join_and(parts))


def _date(reader: ValueReader, node: Call, depth: int) -> str:
    argument = node.args[0]
    if isinstance(argument, String) and ISO_DATE.fullmatch(argument.value):
        return date_words(argument.value)
    return _("%(value)s as a date", value=reader.value(argument, depth))


def _round(reader: ValueReader, node: Call, depth: int) -> str:
    value = reader.value(node.args[0], depth)
    if len(node.args) == 1:
        return _("%(value)s rounded to a whole number", value=value)
    places = node.args[1]
    if isinstance(places, Number) and places.value.is_integer() and places.value >= 0:
        count = int(places.value)
        return ngettext(
            "%(value)s rounded to %(num)d decimal place",
            "%(value)s rounded to %(num)d decimal places",
            count,
            value=value,
        )
    return _(
        "%(value)s rounded to %(places)s decimal places",
        value=value,
        places=reader.value(places, depth),
    )


def _extreme(words: Any) -> Callable[[ValueReader, Call, int], str]:
    def read(reader: ValueReader, node: Call, depth: int) -> str:
        parts = reader.values(node.args, depth)
        return parts[0] if len(parts) == 1 else str(words) % {"values": _join_and(parts)}

    return read


def _substr(reader: ValueReader, node: Call, depth: int) -> str:
    text = reader.value(node.args[0], depth)
    numbers = [arg for arg in node.args[1:] if isinstance(arg, Number) and arg.value.is_integer()]
    if len(numbers) != len(node.args) - 1:
        reader.rough()
        return _("part of %(text)s", text=text)
    start = int(numbers[0].value) + 1
    if len(numbers) == 1:
        return _("%(text)s from character %(start)d on", text=text, start=start)
    return _(
        "characters %(start)d to %(end)d of %(text)s",
        start=start,
        end=int(numbers[1].value),
        text=text,
    )


def _constant(words: Any) -> Callable[[ValueReader, Call, int], str]:
    return lambda reader, node, depth: str(words)


VALUE_CALLS: dict[str, Callable[[ValueReader, Call, int], str]] = {
    "count-selected": _count_selected,
    "selected-at": _selected_at,
    "string-length": _one(_l("the number of characters in %(value)s")),
    "if": _if,
    "coalesce": _coalesce,
    "concat": _concat,
    "today": _constant(_l("today's date")),
    "date": _date,
    "int": _one(_l("the whole number part of %(value)s")),
    "number": _one(_l("%(value)s as a number")),
    "round": _round,
    "floor": _one(_l("%(value)s rounded down to a whole number")),
    "ceiling": _one(_l("%(value)s rounded up to a whole number")),
    "abs": _one(_l("%(value)s without its minus sign")),
    "min": _extreme(_l("the smallest of %(values)s")),
    "max": _extreme(_l("the largest of %(values)s")),
    "true": _constant(_l("true")),
    "false": _constant(_l("false")),
    "string": _one(_l("%(value)s as text")),
    "substr": _substr,
    "normalize-space": _one(_l("%(value)s with extra spaces removed")),
}
