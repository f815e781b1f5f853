"""Check an expression against a questionnaire before anyone relies on it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String
from .errors import LogicSyntaxError
from .functions import FUNCTIONS, arity_problem
from .parser import parse
from .printer import to_source
from .regex import PatternError, compile_pattern

_ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
_COMPARISON = frozenset({"=", "!=", "<", "<=", ">", ">="})
_CHOICE_FUNCTIONS = frozenset({"selected", "count-selected", "selected-at"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Question types whose answers are certainly not a list of choices.
_NOT_CHOICES = frozenset(
    {
        "text", "integer", "decimal", "range", "date", "time", "datetime", "dateTime", "note",
        "acknowledge", "trigger", "geopoint", "geotrace", "geoshape", "image", "audio",
        "video", "file", "barcode", "start", "end", "today", "deviceid",
    }
)  # fmt: skip
# Functions of ODK forms that this platform does not offer (yet).
_ODK_ONLY = frozenset(
    {
        "format-date", "format-date-time", "date-time", "decimal-date-time", "decimal-time",
        "now", "once", "uuid", "random", "pow", "log", "log10", "exp", "exp10", "sqrt", "sin",
        "cos", "tan", "asin", "acos", "atan", "atan2", "pi", "sum", "count", "count-non-empty",
        "position", "indexed-repeat", "join", "translate", "area", "distance", "digest",
        "base64-decode", "checklist", "weighted-checklist", "jr:choice-name", "instance",
        "current", "last", "property", "version", "randomize", "geofence", "boolean-from-int",
    }
)  # fmt: skip


@dataclass(frozen=True)
class LogicProblem:
    """Something wrong with an expression: where (0-based), what, and what kind of problem.

    `code` is one of syntax, unknown-name, unknown-function, arguments, type, current, regex.
    """

    position: int
    message: str
    code: str


def check(
    expression: str | Node,
    *,
    known_names: Mapping[str, str],
    allow_current: bool,
    current_type: str | None = None,
) -> list[LogicProblem]:
    """Return the problems of an expression, given the questions (name -> type) it may use.

    `allow_current` says whether `.` (the question's own answer) may be used, as in a
    constraint; `current_type` is that question's type, if known.
    """
    try:
        node = parse(expression) if isinstance(expression, str) else expression
    except LogicSyntaxError as error:
        return [LogicProblem(error.position, error.message, "syntax")]
    checker = _Checker(known_names, allow_current, current_type)
    checker.visit(node)
    return sorted(checker.problems, key=lambda problem: problem.position)


def _suggestion(word: str, candidates: Iterable[str], template: str) -> str:
    """Return ' Did you mean ...?' for a close match, or ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f" Did you mean {template.format(close[0])}?" if close else ""


class _Checker:
    """Walk a tree and collect its problems."""

    def __init__(
        self, known_names: Mapping[str, str], allow_current: bool, current_type: str | None
    ) -> None:
        self.known_names = known_names
        self.allow_current = allow_current
        self.current_type = current_type
        self.problems: list[LogicProblem] = []

    def report(self, node: Node, code: str, message: str) -> None:
        """Note a problem at a node."""
        self.problems.append(LogicProblem(node.position, message, code))  # type: ignore[attr-defined]

    def visit(self, node: Node) -> None:
        """Check a node and everything under it."""
        if isinstance(node, Reference) and node.name not in self.known_names:
            hint = _suggestion(node.name, self.known_names, "${{{}}}")
            message = f"There is no question called ${{{node.name}}}.{hint}"
            self.report(node, "unknown-name", message)
        elif isinstance(node, Current) and not self.allow_current:
            self.report(
                node, "current", "'.' stands for this question's own answer, which can only "
                "be used in its constraint: name the question instead, like ${name}"
            )  # fmt: skip
        elif isinstance(node, Negate):
            self.check_sum_part(node.operand)
            self.visit(node.operand)
        elif isinstance(node, Binary):
            self.check_binary(node)
            self.visit(node.left)
            self.visit(node.right)
        elif isinstance(node, Call):
            self.check_call(node)
            for arg in node.args:
                self.visit(arg)

    def question_type(self, node: Node) -> str | None:
        """Return the question type of a reference or of `.`, if known."""
        if isinstance(node, Reference):
            return self.known_names.get(node.name)
        return self.current_type if isinstance(node, Current) else None

    def check_binary(self, node: Binary) -> None:
        """Check sums on lists of choices and dates compared with numbers."""
        if node.op in _ARITHMETIC:
            self.check_sum_part(node.left)
            self.check_sum_part(node.right)
        elif node.op in _COMPARISON:
            self.check_date_comparison(node.left, node.right)
            self.check_date_comparison(node.right, node.left)

    def check_sum_part(self, node: Node) -> None:
        """Refuse arithmetic on a select-multiple answer."""
        if (self.question_type(node) or "").startswith("select_multiple"):
            name = to_source(node)
            self.report(
                node, "type", f"{name} is a question with several choices, so it can't be used "
                f"in a sum; count its choices with count-selected({name})"
            )  # fmt: skip

    def check_date_comparison(self, side: Node, other: Node) -> None:
        """Refuse comparing a date question with a number or with text that is not a date."""
        if self.question_type(side) != "date":
            return
        name = to_source(side)
        number = other.operand if isinstance(other, Negate) else other
        if isinstance(number, Number):
            self.report(
                other, "type", f"{name} is a date, so compare it with a date in quotes like "
                f"'2000-01-31' or with today(), not with the number {to_source(other)}"
            )  # fmt: skip
        elif isinstance(other, String) and other.value and not _DATE.fullmatch(other.value):
            self.report(
                other, "type", f"{name} is a date: write dates as 'YYYY-MM-DD', for example "
                "'2000-01-31'"
            )  # fmt: skip

    def check_call(self, node: Call) -> None:
        """Check the function's name, its number of values, its question and its pattern."""
        if node.name not in FUNCTIONS:
            if node.name in _ODK_ONLY:
                message = f"The function '{node.name}' is not available here."
            else:
                hint = _suggestion(node.name, FUNCTIONS, "'{}'")
                message = f"There is no function called '{node.name}'.{hint}"
            self.report(node, "unknown-function", message)
            return
        problem = arity_problem(node.name, len(node.args))
        if problem:
            self.report(node, "arguments", problem)
            return
        if node.name in _CHOICE_FUNCTIONS:
            self.check_choice_question(node)
        if node.name == "regex" and isinstance(node.args[1], String):
            try:
                compile_pattern(node.args[1].value)
            except PatternError as error:
                message = f"The pattern in regex() can't be used: {error}"
                self.report(node.args[1], "regex", message)

    def check_choice_question(self, node: Call) -> None:
        """Refuse selected() and friends on something other than a question with choices."""
        first = node.args[0]
        if not isinstance(first, Reference | Current):
            self.report(
                first, "type", f"The first value in {node.name}() should be a question where "
                "people choose from a list, like ${colours}"
            )  # fmt: skip
            return
        question_type = self.question_type(first)
        if question_type in _NOT_CHOICES:
            article = "an" if question_type[0] in "aeiou" else "a"
            self.report(
                first, "type", f"{node.name}() works on questions where people choose from a "
                f"list, but {to_source(first)} is {article} {question_type} question"
            )  # fmt: skip
