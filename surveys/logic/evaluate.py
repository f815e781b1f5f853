"""Work out the value of an expression for one interview's answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from .ast import Binary, Call, Current, Negate, Node, Number, Reference, String
from .errors import LogicEvaluationError
from .functions import FUNCTIONS, arity_problem
from .parser import parse
from .values import (
    Value,
    answer_value,
    arithmetic,
    equals,
    lookup,
    order,
    to_boolean,
    to_number,
)

_ORDERING = frozenset({"<", "<=", ">", ">="})


def evaluate(
    expression: str | Node,
    answers: Mapping[str, object],
    current: object = None,
    *,
    today: date | None = None,
) -> Value:
    """Return the value of an expression (text, number or true/false) for these answers.

    `current` is the answer `.` stands for; `today` is the date today() returns (the local date
    when not given: the server passes the interview's own date).
    """
    node = parse(expression) if isinstance(expression, str) else expression
    day = today if today is not None else local_today()
    return _Interview(answers, answer_value(current), day.isoformat()).evaluate(node)


def local_today() -> date:
    """Return today's date where the server is."""
    return datetime.now(UTC).astimezone().date()


class _Interview:
    """The answers an expression is worked out against."""

    __slots__ = ("answers", "current", "today")

    def __init__(self, answers: Mapping[str, object], current: Value, today: str) -> None:
        self.answers = answers
        self.current = current
        self.today = today

    def evaluate(self, node: Node) -> Value:
        """Return the value of one node."""
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Reference):
            return lookup(self.answers, node.name)
        if isinstance(node, String | Number):
            return node.value
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Current):
            return self.current
        if isinstance(node, Negate):
            return -to_number(self.evaluate(node.operand))
        raise TypeError(f"not a logic node: {node!r}")

    def binary(self, node: Binary) -> Value:
        """Work out `left op right`; `and` and `or` stop as soon as the answer is known."""
        op = node.op
        if op == "and":
            return to_boolean(self.evaluate(node.left)) and to_boolean(self.evaluate(node.right))
        if op == "or":
            return to_boolean(self.evaluate(node.left)) or to_boolean(self.evaluate(node.right))
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        if op == "=":
            return equals(left, right)
        if op == "!=":
            return not equals(left, right)
        if op in _ORDERING:
            return order(op, left, right)
        return arithmetic(op, to_number(left), to_number(right))

    def call(self, node: Call) -> Value:
        """Call a function with its values (or, for `if` and `coalesce`, its nodes)."""
        function = FUNCTIONS.get(node.name)
        if function is None:
            raise LogicEvaluationError(f"There is no function called '{node.name}'")
        problem = arity_problem(node.name, len(node.args))
        if problem:
            raise LogicEvaluationError(problem)
        if function.lazy:
            return function.run(node.args, self.evaluate)
        return function.run([self.evaluate(arg) for arg in node.args], self)
