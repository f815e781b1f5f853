"""What to do with a question peer-research interviews cannot ask, when the user asks to map it.

- geopoint, geotrace, geoshape: text (the interviewer types the place)
- barcode: text (the interviewer types the code)
- dateTime: date (the time of day is not asked)
- range: a whole number (decimal if a bound or the step has decimals), constrained from start
  to end
- select_one_from_file, select_multiple_from_file, select_one_external: text
- hidden: a hidden calculation holding its default
- today: a hidden calculation of today()
- image, audio, video, file, osm (and signatures); start, end, deviceid, phonenumber, username,
  email, simserial, subscriberid, audit, background-audio/geopoint; xml-external, csv-external:
  left out, or kept as an empty hidden value when other rows use `${name}`

In "refuse" mode each of these is an error instead, and the report says what mapping would do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.definition import QuestionType

from .kinds import Kind, Unfieldable, what_it_asks

# Why peer-research cannot ask each kind, after "'geopoint' asks for a GPS location, ...".
_REASONS = {
    Unfieldable.LOCATION: "which peer-research interviews cannot record",
    Unfieldable.BARCODE: "which peer-research interviews cannot do",
    Unfieldable.MEDIA: "which peer-research interviews cannot do",
    Unfieldable.DATETIME: "which peer-research asks as two questions",
    Unfieldable.METADATA: "which peer-research does not record",
    Unfieldable.HIDDEN: "which peer-research keeps as a calculation",
    Unfieldable.EXTERNAL: "which peer-research cannot read",
    Unfieldable.RANGE: "which peer-research does not show",
}
_OWN_TIMES = frozenset({"start", "end", "today"})
_RANGE_DEFAULTS = {"start": "1", "end": "10", "step": "1"}


@dataclass(frozen=True)
class Mapping:
    """How an unfieldable row is mapped: asked as another type, kept hidden, or left out."""

    problem: str  # what the row asks and why peer-research cannot
    effect: str  # what mapping it does, in words
    as_type: QuestionType | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    hidden_value: str | None = None  # keep only a hidden calculation with this expression


def plan_mapping(
    kind: Kind,
    *,
    name: str,
    appearance: str,
    parameters: str,
    calculation: str,
    default: str,
    used_on: list[int],
) -> Mapping:
    """Return how to map a row peer-research cannot ask; `used_on` lists rows using ${name}."""
    problem = f"'{kind.written}' {what_it_asks(kind, appearance)}, {_REASONS[kind.unfieldable]}"
    if kind.written.lower() in _OWN_TIMES:
        problem = (
            f"'{kind.written}' {what_it_asks(kind, appearance)}; peer-research interviews "
            "record their own times"
        )
    if kind.unfieldable in (Unfieldable.LOCATION, Unfieldable.BARCODE, Unfieldable.EXTERNAL):
        what = {Unfieldable.LOCATION: "the place", Unfieldable.BARCODE: "the code"}
        typed = what.get(kind.unfieldable, "the answer")
        return Mapping(problem, f"asked as text (the interviewer types {typed})", QuestionType.TEXT)
    if kind.unfieldable is Unfieldable.DATETIME:
        return Mapping(problem, "asked as a date, without the time of day", QuestionType.DATE)
    if kind.unfieldable is Unfieldable.RANGE:
        return _range(problem, parameters)
    if kind.unfieldable is Unfieldable.HIDDEN:
        value = calculation or _quoted(default)
        return Mapping(
            problem,
            "kept as a hidden calculated value",
            QuestionType.CALCULATE,
            {"calculation": value, "default": ""},
        )
    if kind.written.lower() == "today":
        return Mapping(
            problem, "kept as a hidden value holding today's date", hidden_value="today()"
        )
    return _left_out(problem, name, used_on)


def _left_out(problem: str, name: str, used_on: list[int]) -> Mapping:
    """Return the mapping that leaves a row out, or keeps an empty value other rows use."""
    if not used_on:
        return Mapping(problem, "left out")
    numbers = sorted(set(used_on))
    rows = ", ".join(str(number) for number in numbers)
    users = f"row {rows} uses" if len(numbers) == 1 else f"rows {rows} use"
    return Mapping(
        problem,
        f"left out, keeping an empty hidden value called '{name}' because {users} ${{{name}}}",
        hidden_value="''",
    )


def _range(problem: str, parameters: str) -> Mapping:
    """Return the mapping of a slider: a number with a constraint from its start to its end."""
    values = {
        **_RANGE_DEFAULTS,
        **dict(re.findall(r"(start|end|step)\s*=\s*([-+0-9.]+)", parameters)),
    }
    decimal = any("." in values[key] for key in _RANGE_DEFAULTS)
    low, high = sorted((values["start"], values["end"]), key=float)
    as_type = QuestionType.DECIMAL if decimal else QuestionType.INTEGER
    words = "a decimal number" if decimal else "a whole number"
    return Mapping(
        problem,
        f"asked as {words} from {low} to {high}",
        as_type,
        {"range": (low, high)},
    )


def _quoted(text: str) -> str:
    """Return text as a string literal of the logic language."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "''"
