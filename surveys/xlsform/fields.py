"""Read one survey row's fields: appearance, required, read-only, privacy, default, other."""

from __future__ import annotations

import re

from surveys.definition import PrivacyClass, QuestionType

from .context import SurveyContext, unsupported
from .conventions import FALSE_WORDS, SUPPORTED_APPEARANCES, TRUE_WORDS
from .kinds import Kind
from .reader import Row

PRIVACY_VALUES = ", ".join(privacy.value for privacy in PrivacyClass)


def question_appearance(
    row: Row, question_type: QuestionType, context: SurveyContext
) -> tuple[QuestionType, str]:
    """Return the question type and appearance, reading multiline and likert as types."""
    tokens = context.columns.value(row, "appearance").split()
    dropped = [token for token in tokens if token not in SUPPORTED_APPEARANCES]
    if dropped:
        report_appearance(row, dropped, context)
    kept = [token for token in dict.fromkeys(tokens) if token in SUPPORTED_APPEARANCES]
    if question_type is QuestionType.TEXT and "multiline" in kept:
        question_type = QuestionType.LONG_TEXT
        kept.remove("multiline")
    if question_type is QuestionType.SELECT_ONE and ({"likert", "faces"} & set(kept)):
        question_type = QuestionType.RATING
    if question_type is QuestionType.RATING and "likert" in kept:
        kept.remove("likert")
    return question_type, " ".join(kept)


def report_appearance(row: Row, tokens: list[str], context: SurveyContext) -> None:
    """Report appearances peer-research does not honour."""
    names = ", ".join(f"'{token}'" for token in tokens)
    plural = "appearances" if len(tokens) > 1 else "appearance"
    context.report.mapped(
        f"The {plural} {names} changes how ODK shows the question; peer-research has no such "
        "display, so it was left out.",
        **context.where(row, "appearance"),
    )


def other_option(row: Row, kind: Kind, question_type: QuestionType, context: SurveyContext) -> bool:
    """Return whether a choice question offers "Other, please say"."""
    if not kind.or_other:
        return False
    if question_type in (
        QuestionType.SELECT_ONE,
        QuestionType.SELECT_MULTIPLE,
        QuestionType.RATING,
    ):
        return True
    context.report.mapped(
        "Only select_one and select_multiple questions can offer 'Other'; it was left out.",
        **context.where(row, "type"),
    )
    return False


def required_flags(value: str) -> tuple[bool, str]:
    """Return (required, required_if) from a required cell: yes/no or an expression."""
    lowered = value.strip().lower()
    if not lowered or lowered in FALSE_WORDS:
        return False, ""
    if lowered in TRUE_WORDS:
        return True, ""
    return False, value.strip()


def read_only(row: Row, context: SurveyContext) -> bool:
    """Return whether the answer is read-only; an expression there is reported and ignored."""
    value = context.columns.value(row, "read_only")
    if not value or value.lower() in FALSE_WORDS:
        return False
    if value.lower() in TRUE_WORDS:
        return True
    context.report.mapped(
        f"peer-research cannot make an answer read-only only sometimes ('{value}'); it can be "
        "changed.",
        **context.where(row, "read_only"),
    )
    return False


def privacy_class(row: Row, context: SurveyContext) -> PrivacyClass:
    """Return the privacy class of the privacy column (none when empty)."""
    value = context.columns.value(row, "privacy")
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    if not key:
        return PrivacyClass.NONE
    try:
        return PrivacyClass(key)
    except ValueError:
        context.report.error(
            f"'{value}' is not a privacy class. Use one of: {PRIVACY_VALUES}.",
            **context.where(row, "privacy"),
        )
        return PrivacyClass.NONE


def default_answer(value: str, question_type: QuestionType) -> str:
    """Return a default answer, without the midnight a spreadsheet adds to dates."""
    if question_type is QuestionType.DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", value):
        return value[:10]
    return value


def report_row_features(row: Row, kind: Kind, context: SurveyContext) -> None:
    """Report per-row features peer-research does not use: filters, triggers, parameters."""
    columns = context.columns
    choice_filter = columns.value(row, "choice_filter")
    if choice_filter:
        unsupported(
            row,
            context,
            f"The choice filter '{choice_filter}' shows only some choices depending on other "
            "answers, which peer-research cannot do",
            "left out, so every choice is shown",
            column="choice_filter",
        )
    trigger = columns.value(row, "trigger")
    if trigger:
        unsupported(
            row,
            context,
            f"The trigger '{trigger}' recalculates this value only when {trigger} changes, "
            "which peer-research cannot do",
            "left out, so the value is recalculated whenever what it uses changes",
            column="trigger",
        )
    parameters = columns.value(row, "parameters")
    if parameters and not kind.unfieldable:
        context.report.mapped(
            f"The parameters '{parameters}' change how ODK asks the question; peer-research "
            "does not use them, so they were left out.",
            **context.where(row, "parameters"),
        )
