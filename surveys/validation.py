"""Check a whole questionnaire: names, labels, choices and every logic expression."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from surveys import logic
from surveys.definition import (
    CHOICE_TYPES,
    MAX_SECTION_DEPTH,
    XLSFORM_TYPES,
    FormDefinition,
    Item,
    Question,
    QuestionType,
    Section,
    fits_nesting_limit,
)

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")

# How each question type looks to the logic language's type checker: its XLSForm type, except
# that a ranking's answer is a list of choices as a select_multiple's is, and the checker's
# messages call an acknowledgement a text question.
LOGIC_TYPES = {
    **XLSFORM_TYPES,
    QuestionType.RANKING: "select_multiple",
    QuestionType.ACKNOWLEDGE: "text",
}

# The expression fields of an item, whether "." (the answer itself) may be used in each.
EXPRESSION_FIELDS = {
    "relevance": False,
    "constraint": True,
    "calculation": False,
    "required_if": False,
    "repeat_count": False,
    "default": False,
}


@dataclass(frozen=True)
class Problem:
    """Something that stops a questionnaire being published, tied to an item and field."""

    item: str
    field: str
    message: str


def known_names(definition: FormDefinition) -> dict[str, str]:
    """Return every question name with the type the logic checker knows it by."""
    return {question.name: LOGIC_TYPES[question.type] for question in definition.questions()}


def check_expression(
    expression: str, *, field: str, names: dict[str, str], item: Item | None
) -> list[str]:
    """Return plain-language problems of one expression field of an item."""
    if not expression.strip() or field == "default":
        return []
    current_type = LOGIC_TYPES[item.type] if isinstance(item, Question) else None
    problems = logic.check(
        expression,
        known_names=names,
        allow_current=EXPRESSION_FIELDS[field],
        current_type=current_type,
    )
    return [problem.message for problem in problems]


def check_item(
    item: Item, definition: FormDefinition, names: dict[str, str] | None = None
) -> list[Problem]:
    """Return the problems of one item within its questionnaire (names: known_names, if known)."""
    problems = [
        Problem(item.name, field, message) for field, message in _item_basics(item, definition)
    ]
    names = known_names(definition) if names is None else names
    for field in EXPRESSION_FIELDS:
        expression = getattr(item, field, "")
        for message in check_expression(expression, field=field, names=names, item=item):
            problems.append(Problem(item.name, field, message))
    return problems


def _item_basics(item: Item, definition: FormDefinition) -> Iterator[tuple[str, str]]:
    """Yield (field, message) for a bad name, a missing label or missing choices."""
    if not NAME_PATTERN.match(item.name):
        yield (
            "name",
            _(
                "Use letters, numbers and underscores for the name in the data, "
                "starting with a letter."
            ),
        )
    default = definition.default_language.code
    if not item.label.get(default, "").strip() and not _is_hidden(item):
        yield (
            "label",
            _("Write the question in %(language)s.", language=definition.default_language.name),
        )
    if isinstance(item, Question) and item.type in CHOICE_TYPES and not item.choices:
        yield "choices", _("Add at least one answer to choose from.")
    if isinstance(item, Question) and item.type == QuestionType.CALCULATE and not item.calculation:
        yield "calculation", _("Write the calculation.")
    if isinstance(item, Question):
        seen: set[str] = set()
        for choice in item.choices:
            if choice.name in seen:
                yield (
                    "choices",
                    _("Two answers have the same name %(name)s in the data.", name=choice.name),
                )
            seen.add(choice.name)


def _is_hidden(item: Item) -> bool:
    """Tell whether an item is never shown (a calculation), so it needs no label."""
    return isinstance(item, Question) and item.type == QuestionType.CALCULATE


def check_definition(definition: FormDefinition) -> list[Problem]:
    """Return every problem that stops the questionnaire being published."""
    problems: list[Problem] = []
    seen: set[str] = set()
    names = known_names(definition)
    for item, _parents in definition.walk():
        if item.name in seen:
            problems.append(
                Problem(item.name, "name", _("Two items are called %(name)s.", name=item.name))
            )
        seen.add(item.name)
        problems.extend(check_item(item, definition, names))
    if any(len(parents) >= MAX_SECTION_DEPTH for _item, parents in definition.walk()):
        problems.append(Problem("", "section", too_deep_message()))
    if not any(True for _question in definition.questions()):
        problems.append(Problem("", "", _("Add at least one question.")))
    problems.extend(circular_references(definition))
    return problems


def too_deep_message() -> str:
    """Return the plain words for sections nested deeper than the limit."""
    return _(
        "Sections can go only %(limit)d deep, one inside another. Choose a section nearer "
        "the top, or the top level.",
        limit=MAX_SECTION_DEPTH,
    )


def nesting_problem(definition: FormDefinition, item: Item, section: str | None) -> str | None:
    """Return what is wrong when putting an item into a section nests sections too deep."""
    return None if fits_nesting_limit(definition, item, section) else too_deep_message()


def dependencies(definition: FormDefinition) -> dict[str, set[str]]:
    """Return, for each item, the names its logic refers to."""
    graph: dict[str, set[str]] = {}
    for item, _parents in definition.walk():
        names: set[str] = set()
        for field in EXPRESSION_FIELDS:
            expression = getattr(item, field, "")
            if field != "default" and expression.strip():
                try:
                    names |= logic.references(expression)
                except logic.LogicSyntaxError:
                    continue  # reported by check_item
        graph[item.name] = names
    return graph


def circular_references(definition: FormDefinition) -> list[Problem]:
    """Report logic that depends on itself, directly or through other questions."""
    return [
        Problem(cycle[0], "logic", logic.describe_cycle(cycle))
        for cycle in logic.find_cycles(dependencies(definition))
    ]


def sections_of(definition: FormDefinition) -> list[Section]:
    """Return every section, in order."""
    return [item for item, _parents in definition.walk() if isinstance(item, Section)]
