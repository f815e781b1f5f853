"""The functions of the logic language: how many values each takes and what it returns."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .ast import Node
from .errors import LogicEvaluationError
from .regex import PatternError, search
from .values import (
    NAN,
    Value,
    choices,
    days_to_date,
    normalize_space,
    round_half_away,
    to_boolean,
    to_integer_like,
    to_number,
    to_string,
    trim,
    truncate,
)


class Context(Protocol):
    """What a function may know about the interview besides its values."""

    today: str


@dataclass(frozen=True)
class Function:
    """A function: the fewest and most values it takes, and how to work it out.

    A lazy function gets its nodes and works out only the ones it needs (`if`, `coalesce`).
    """

    minimum: int
    maximum: int | None
    run: Callable[..., Value]
    lazy: bool = False


def _if(nodes: Sequence[Node], evaluate: Callable[[Node], Value]) -> Value:
    """Return the second value if the first is true, else the third."""
    return evaluate(nodes[1] if to_boolean(evaluate(nodes[0])) else nodes[2])


def _coalesce(nodes: Sequence[Node], evaluate: Callable[[Node], Value]) -> Value:
    """Return the first value that is not empty (the last one otherwise)."""
    for node in nodes[:-1]:
        value = evaluate(node)
        if to_string(value) != "":
            return value
    return evaluate(nodes[-1])


def _regex(values: Sequence[Value], context: Context) -> bool:
    """Say whether the pattern matches anywhere in the text (a search, as in ODK)."""
    try:
        return search(to_string(values[1]), to_string(values[0]))
    except PatternError as error:
        raise LogicEvaluationError(f"The pattern in regex() can't be used: {error}") from error


def _selected_at(values: Sequence[Value], context: Context) -> str:
    """Return the choice at a 0-based place in a select-multiple answer, or ''."""
    items = choices(values[0])
    index = truncate(to_number(values[1]))
    return items[int(index)] if 0 <= index < len(items) else ""


def _substr(values: Sequence[Value], context: Context) -> str:
    """Return characters from `start` up to (not including) `end`, counting from 0."""
    text = to_string(values[0])
    start = to_integer_like(to_number(values[1]), len(text))
    end = to_integer_like(to_number(values[2]), len(text)) if len(values) > 2 else len(text)
    return text[start:end]


def _round(values: Sequence[Value], context: Context) -> float:
    """Round half away from zero, to whole numbers or to a number of decimal places."""
    digits = to_number(values[1]) if len(values) > 1 else 0.0
    return round_half_away(to_number(values[0]), digits)


def _extreme(values: Sequence[Value], smallest: bool) -> float:
    """Return the smallest or largest number, NaN if any is not one (-0 is below 0)."""
    numbers = [to_number(value) for value in values]
    if any(math.isnan(number) for number in numbers):
        return NAN
    pick = min if smallest else max
    return pick(numbers, key=lambda number: (number, math.copysign(1.0, number)))


def _unary(convert: Callable[[Value], Value]) -> Callable[[Sequence[Value], Context], Value]:
    """Make a function of one value from a conversion."""
    return lambda values, context: convert(values[0])


def _text_test(test: Callable[[str, str], bool]) -> Callable[[Sequence[Value], Context], bool]:
    """Make a function of two texts."""
    return lambda values, context: test(to_string(values[0]), to_string(values[1]))


def _whole(operation: Callable[[float], float]) -> Callable[[Value], float]:
    """Make floor or ceiling that keeps NaN, infinities and the sign of zero."""

    def run(value: Value) -> float:
        number = to_number(value)
        if not math.isfinite(number):
            return number
        return math.copysign(float(operation(number)), number)

    return run


FUNCTIONS: dict[str, Function] = {
    "selected": Function(2, 2, lambda v, c: trim(to_string(v[1])) in choices(v[0])),
    "count-selected": Function(1, 1, _unary(lambda value: float(len(choices(value))))),
    "selected-at": Function(2, 2, _selected_at),
    "string-length": Function(1, 1, _unary(lambda value: float(len(to_string(value))))),
    "regex": Function(2, 2, _regex),
    "if": Function(3, 3, _if, lazy=True),
    "coalesce": Function(2, None, _coalesce, lazy=True),
    "concat": Function(1, None, lambda v, c: "".join(to_string(value) for value in v)),
    "today": Function(0, 0, lambda v, c: c.today),
    "date": Function(1, 1, _unary(lambda value: days_to_date(to_number(value)))),
    "int": Function(1, 1, _unary(lambda value: truncate(to_number(value)))),
    "number": Function(1, 1, _unary(to_number)),
    "round": Function(1, 2, _round),
    "floor": Function(1, 1, _unary(_whole(math.floor))),
    "ceiling": Function(1, 1, _unary(_whole(math.ceil))),
    "abs": Function(1, 1, _unary(lambda value: abs(to_number(value)))),
    "min": Function(1, None, lambda v, c: _extreme(v, smallest=True)),
    "max": Function(1, None, lambda v, c: _extreme(v, smallest=False)),
    "true": Function(0, 0, lambda v, c: True),
    "false": Function(0, 0, lambda v, c: False),
    "not": Function(1, 1, _unary(lambda value: not to_boolean(value))),
    "boolean": Function(1, 1, _unary(to_boolean)),
    "string": Function(1, 1, _unary(to_string)),
    "boolean-from-string": Function(1, 1, _unary(lambda value: to_string(value) in ("true", "1"))),
    "contains": Function(2, 2, _text_test(lambda text, part: part in text)),
    "starts-with": Function(2, 2, _text_test(str.startswith)),
    "ends-with": Function(2, 2, _text_test(str.endswith)),
    "substr": Function(2, 3, _substr),
    "normalize-space": Function(1, 1, _unary(lambda value: normalize_space(to_string(value)))),
}


def arity_problem(name: str, count: int) -> str | None:
    """Explain why a known function can't take `count` values, or return None if it can."""
    function = FUNCTIONS[name]
    if function.minimum <= count and (function.maximum is None or count <= function.maximum):
        return None
    if function.maximum == 0:
        wanted = "nothing"
    elif function.maximum is None:
        wanted = f"at least {_values(function.minimum)}"
    elif function.maximum == function.minimum:
        wanted = _values(function.minimum)
    else:
        wanted = f"{function.minimum} or {_values(function.maximum)}"
    return f"The function {name}() takes {wanted} inside its brackets, but has {count}"


def _values(count: int) -> str:
    """Say '1 value' or '2 values'."""
    return f"{count} value" if count == 1 else f"{count} values"
