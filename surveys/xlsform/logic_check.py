"""Warn, row by row, about logic the questionnaire editor will refuse when the draft is saved.

XLSForms often use functions beyond peer-research's logic language (`pulldata()`,
`jr:choice-name()`, paths): the import keeps the expression as written and says where it is,
so the team can rewrite it before publishing. The checks are the editor's own
(`surveys.logic.check` with the types of `surveys.validation`).
"""

from __future__ import annotations

from surveys import logic
from surveys.definition import Question
from surveys.validation import EXPRESSION_FIELDS, LOGIC_TYPES

from .context import SurveyContext

# Our field -> the survey sheet column it was read from.
FIELD_COLUMNS = {
    "relevance": "relevant",
    "constraint": "constraint",
    "calculation": "calculation",
    "required_if": "required",
    "repeat_count": "repeat_count",
}
FIELD_WORDS = {
    "relevance": "relevance",
    "constraint": "constraint",
    "calculation": "calculation",
    "required_if": "'required' expression",
    "repeat_count": "repeat count",
}


def warn_about_logic(context: SurveyContext) -> None:
    """Add a warning for each expression of an imported item that the editor would refuse."""
    names = {
        item.name: LOGIC_TYPES[item.type]
        for _row, item in context.built
        if isinstance(item, Question)
    }
    refused = {(finding.row, finding.column) for finding in context.report.errors}
    for row, item in context.built:
        for field, column in FIELD_COLUMNS.items():
            expression = getattr(item, field, "")
            where = context.where(row, column)
            if not expression.strip() or (where["row"], where["column"]) in refused:
                continue
            current = LOGIC_TYPES[item.type] if isinstance(item, Question) else None
            problems = logic.check(
                expression,
                known_names=names,
                allow_current=EXPRESSION_FIELDS[field],
                current_type=current,
            )
            for problem in problems:
                context.report.warning(
                    f"The questionnaire editor will not accept this {FIELD_WORDS[field]} "
                    f"('{expression[:60]}'): {problem.message} Rewrite it before publishing.",
                    **where,
                )
