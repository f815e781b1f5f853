"""Names, labels and `${name}` references of the survey sheet's items."""

from __future__ import annotations

import re

from pyxform.parsing.expression import is_xml_tag

from surveys.definition import Item, Question, QuestionType, Section

from .choices import missing_label_message
from .context import SurveyContext
from .reader import Row

REFERENCE = re.compile(r"\$\{([^}]*)\}")
# Fields whose `${name}` references must name an item of the questionnaire.
REFERRING_FIELDS = (
    "label",
    "hint",
    "constraint_message",
    "required_message",
    "relevant",
    "constraint",
    "required",
    "calculation",
    "default",
    "repeat_count",
    "read_only",
)


def register_name(row: Row, scope: int, context: SurveyContext) -> str:
    """Return the row's name, reporting a missing, invalid or repeated one.

    `scope` tells sections apart, so that the report can say whether a repeated name is in
    the same section or elsewhere; names must be unique in the whole questionnaire.
    """
    name = context.columns.value(row, "name")
    where = context.where(row, "name")
    if not name:
        context.report.error("This row has no name. Every question and section needs one.", **where)
        return name
    if not is_xml_tag(name):
        context.report.error(
            f"'{name}' cannot be used as a name: start with a letter or _, then use only "
            "letters, digits, _, - and . (no spaces).",
            **where,
        )
    if name in context.names:
        first_row, first_scope = context.names[name]
        place = "in the same section" if first_scope == scope else "elsewhere in the form"
        context.report.error(
            f"'{name}' is also the name of row {first_row} ({place}). Answers are kept by "
            "name, so every question and section needs its own.",
            **where,
        )
    else:
        context.names[name] = (row.number, scope)
    return name


def check_label(row: Row, item: Item, image: str | None, context: SurveyContext) -> None:
    """Report an item with no label in the default language (calculations need none)."""
    if not context.check_labels:
        return
    if isinstance(item, Question) and item.type is QuestionType.CALCULATE:
        return
    if context.plan.default.code in item.label:
        return
    if not item.label and (image or isinstance(item, Section)):
        return  # a picture-only note, or a section without a heading
    what = f"The section '{item.name}'" if isinstance(item, Section) else f"'{item.name}'"
    context.report.error(
        missing_label_message(what, dict(item.label), context.plan), **context.where(row, "label")
    )


def find_references(rows: tuple[Row, ...]) -> dict[str, list[int]]:
    """Return, for each name used as ${name} anywhere, the rows that use it."""
    found: dict[str, list[int]] = {}
    for row in rows:
        for value in row.cells.values():
            for name in REFERENCE.findall(value):
                found.setdefault(name.strip(), []).append(row.number)
    return found


def check_references(context: SurveyContext) -> None:
    """Report ${name} references to names no row of the survey sheet has."""
    headers = [
        column.header for name in REFERRING_FIELDS for column in context.columns.columns(name)
    ]
    for row, _item in context.built:
        for header in headers:
            for name in REFERENCE.findall(row.cells.get(header, "")):
                if name not in context.names:
                    context.report.error(
                        f"This uses ${{{name}}}, but no question is called '{name}'.",
                        sheet=context.sheet,
                        row=row.number,
                        column=header,
                    )
