"""Walk the survey sheet row by row and build the questionnaire's items.

Every row either becomes an item or gets a line in the report. Questions peer-research
cannot ask are refused (the import fails, each listed with its row) or, when the person
importing chose to map them, mapped as `unfieldable.py` describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys.definition import MAX_SECTION_DEPTH, Item, Question, QuestionType, Section

from .choices import ChoiceList, check_choice_list, pick_image
from .context import SurveyContext, texts, unsupported
from .conventions import SECTION_APPEARANCES, TRUE_WORDS, is_yes_no_list
from .fields import (
    default_answer,
    other_option,
    privacy_class,
    question_appearance,
    read_only,
    report_appearance,
    report_row_features,
    required_flags,
)
from .kinds import Kind, classify
from .names import check_label, check_references, find_references, register_name
from .reader import Row
from .unfieldable import plan_mapping

SELECT_TYPES = {
    "select_one": QuestionType.SELECT_ONE,
    "select_multiple": QuestionType.SELECT_MULTIPLE,
    "rank": QuestionType.RANKING,
}


@dataclass
class Frame:
    """An open section (or the questionnaire itself) collecting its items."""

    kind: str  # "root", "group", "repeat" or "loop"
    row: Row | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    too_deep: bool = False  # nested past the limit: reported, and its items are not kept


def build_items(rows: tuple[Row, ...], context: SurveyContext) -> tuple[Item, ...]:
    """Return the questionnaire's items from the survey sheet's rows."""
    context.references = find_references(rows)
    stack = [Frame("root")]
    for row in rows:
        _read_row(row, stack, context)
    while len(stack) > 1:
        frame = stack.pop()
        context.report.error(
            f"'{frame.row.cells.get(context.columns.header('type'), 'begin')}' is never closed: "
            f"add an 'end {frame.kind}' row where the {frame.kind} ends.",
            **context.where(frame.row, "type"),
        )
    check_references(context)
    return tuple(stack[0].items)


def _read_row(row: Row, stack: list[Frame], context: SurveyContext) -> None:
    """Turn one row into an item, a section boundary or a report line."""
    if not row.cells:
        return
    columns = context.columns
    if columns.value(row, "disabled").lower() in TRUE_WORDS:
        context.report.mapped(
            "This row is marked disabled, so it was left out.", **context.where(row, "disabled")
        )
        return
    written = columns.value(row, "type")
    if not written:
        if columns.value(row, "name") or columns.translated(row, "label", context.plan.code_of)[0]:
            context.report.error("This row has no type.", **context.where(row, "type"))
        return
    kind = classify(written)
    if kind is None:
        context.report.error(_unknown_type(written), **context.where(row, "type"))
    elif kind.begin:
        _begin(row, kind, stack, context)
    elif kind.end:
        _end(row, kind, stack, context)
    else:
        _add_question(row, kind, stack, context)


def _unknown_type(written: str) -> str:
    """Return the message for a type peer-research does not know."""
    if written.split()[0].lower().startswith(("select", "rank")):
        return (
            f"'{written}' needs the name of a choice list after it, e.g. "
            "'select_one yes_no' (the list is on the choices sheet)."
        )
    return f"'{written}' is not a question type peer-research knows."


# Sections -------------------------------------------------------------------------------


def _begin(row: Row, kind: Kind, stack: list[Frame], context: SurveyContext) -> None:
    """Open a section (or refuse a loop, which peer-research cannot ask)."""
    if kind.begin == "loop":
        context.report.error(
            "A loop asks the same questions once for each choice of a list, which "
            "peer-research cannot do. Use a repeat instead.",
            **context.where(row, "type"),
        )
        stack.append(Frame("loop", row))
        return
    if len(stack) > MAX_SECTION_DEPTH:
        if not stack[-1].too_deep:  # one line for the first section past the limit
            context.report.error(
                f"This {kind.begin} is {len(stack)} sections deep. Sections can go only "
                f"{MAX_SECTION_DEPTH} deep, one inside another: move it nearer the top.",
                **context.where(row, "type"),
            )
        stack.append(Frame(kind.begin, row, too_deep=True))
        return
    name = register_name(row, id(stack[-1]), context)
    fields = {
        "name": name,
        "label": texts(row, "label", context),
        "hint": texts(row, "hint", context),
        "relevance": context.columns.value(row, "relevant"),
        "appearance": _section_appearance(row, context),
    }
    repeat_count = context.columns.value(row, "repeat_count")
    if kind.begin == "repeat":
        fields.update(repeat=True, repeat_count=repeat_count)
    elif repeat_count:
        context.report.mapped(
            "Only repeats have a repeat count; it was left out of this group.",
            **context.where(row, "repeat_count"),
        )
    stack.append(Frame(kind.begin, row, fields))


def _end(row: Row, kind: Kind, stack: list[Frame], context: SurveyContext) -> None:
    """Close the innermost section and add it to the one around it."""
    frame = stack[-1]
    if frame.kind == "root":
        context.report.error(
            f"'{kind.written}' closes a {kind.end} that was never opened.",
            **context.where(row, "type"),
        )
        return
    if frame.kind != kind.end:
        context.report.error(
            f"'{kind.written}' closes the {frame.kind} opened on row {frame.row.number}, "
            f"which needs 'end {frame.kind}'.",
            **context.where(row, "type"),
        )
    stack.pop()
    if frame.kind == "loop" or frame.too_deep:
        return
    section = Section(items=tuple(frame.items), **frame.fields)
    check_label(frame.row, section, None, context)
    stack[-1].items.append(section)
    context.built.append((frame.row, section))


def _section_appearance(row: Row, context: SurveyContext) -> str:
    """Return the appearances of a section peer-research honours, reporting the rest."""
    kept = []
    for word in context.columns.value(row, "appearance").split():
        if word in SECTION_APPEARANCES:
            kept.append(word)
        elif word == "table-list":
            kept.append("field-list")
            context.report.mapped(
                "'table-list' shows questions as a grid; peer-research shows the section's "
                "questions together on one screen ('field-list') instead.",
                **context.where(row, "appearance"),
            )
        else:
            report_appearance(row, [word], context)
    return " ".join(dict.fromkeys(kept))


# Questions ------------------------------------------------------------------------------


def _add_question(row: Row, kind: Kind, stack: list[Frame], context: SurveyContext) -> None:
    """Add the question a row describes, or report why it is not added."""
    name = register_name(row, id(stack[-1]), context)
    if kind.unfieldable is not None:
        question = _map_unfieldable(row, kind, name, context)
    else:
        question = _build_question(row, kind, name, context)
    if question is not None:
        stack[-1].items.append(question)
        context.built.append((row, question))


def _map_unfieldable(row: Row, kind: Kind, name: str, context: SurveyContext) -> Question | None:
    """Report a question peer-research cannot ask; when mapping, return what replaces it."""
    columns = context.columns
    mapping = plan_mapping(
        kind,
        name=name,
        appearance=columns.value(row, "appearance"),
        parameters=columns.value(row, "parameters"),
        calculation=columns.value(row, "calculation"),
        default=columns.value(row, "default"),
        used_on=[number for number in context.references.get(name, []) if number != row.number],
    )
    unsupported(row, context, mapping.problem, mapping.effect)
    if not context.map_unsupported:
        return None
    if mapping.hidden_value is not None:
        return Question(
            name=name, type=QuestionType.CALCULATE, label={}, calculation=mapping.hidden_value
        )
    if mapping.as_type is None:
        return None
    overrides = dict(mapping.overrides)
    bounds = overrides.pop("range", None)
    if bounds:
        overrides["constraint"] = _within(columns.value(row, "constraint"), *bounds)
    return _build_question(row, kind, name, context, as_type=mapping.as_type, **overrides)


def _within(constraint: str, low: str, high: str) -> str:
    """Return a constraint that also keeps the answer between two bounds."""
    bounds = f". >= {low} and . <= {high}"
    return f"({constraint}) and {bounds}" if constraint else bounds


def _build_question(
    row: Row,
    kind: Kind,
    name: str,
    context: SurveyContext,
    *,
    as_type: QuestionType | None = None,
    **overrides: Any,
) -> Question | None:
    """Return the question a row describes, optionally asked as another type."""
    columns = context.columns
    question_type = as_type or kind.type or SELECT_TYPES[kind.select]
    choices: tuple = ()
    list_name = ""
    if question_type in SELECT_TYPES.values():
        entry = _choice_list(row, kind, context)
        if entry is None:
            return None
        choices, list_name = tuple(entry.choices), entry.name
    question_type, appearance = question_appearance(row, question_type, context)
    required, required_if = required_flags(columns.value(row, "required"))
    image = pick_image(row, columns, context.plan, context.report, context.sheet)
    fields: dict[str, Any] = {
        "name": name,
        "type": question_type,
        "label": texts(row, "label", context),
        "hint": texts(row, "hint", context),
        "required": required,
        "required_if": required_if,
        "required_message": texts(row, "required_message", context),
        "default": default_answer(columns.value(row, "default"), question_type),
        "relevance": columns.value(row, "relevant"),
        "constraint": columns.value(row, "constraint"),
        "constraint_message": texts(row, "constraint_message", context),
        "calculation": columns.value(row, "calculation"),
        "choices": choices,
        "choice_list": list_name,
        "other_option": other_option(row, kind, question_type, context),
        "appearance": appearance,
        "image": image,
        "read_only": read_only(row, context),
        "privacy": privacy_class(row, context),
    }
    fields.update(overrides)
    fields = _yes_no(fields, context)
    report_row_features(row, kind, context)
    question = Question(**fields)
    if question.type is QuestionType.CALCULATE and not (question.calculation or question.default):
        context.report.error(
            f"The calculation '{name}' has nothing to calculate: fill in its calculation.",
            **context.where(row, "calculation"),
        )
    check_label(row, question, image, context)
    return question


def _choice_list(row: Row, kind: Kind, context: SurveyContext) -> ChoiceList | None:
    """Return the choice list a question uses, reporting a missing or faulty list."""
    entry = context.lists.get(kind.list_name)
    if entry is None:
        where = (
            "the file has no choices sheet"
            if context.choices_sheet is None
            else f"the choices sheet has no list called '{kind.list_name}'"
        )
        context.report.error(
            f"'{kind.written}' uses the choice list '{kind.list_name}', but {where}.",
            **context.where(row, "type"),
        )
        return None
    check_choice_list(
        entry,
        context.choice_columns,
        context.plan,
        context.report,
        context.choices_sheet or "choices",
        check_labels=context.check_labels,
    )
    return entry


def _yes_no(fields: dict[str, Any], context: SurveyContext) -> dict[str, Any]:
    """Read a plain select_one over exactly the yes/no list we write as a yes/no question."""
    if (
        fields["type"] is QuestionType.SELECT_ONE
        and not fields["other_option"]
        and is_yes_no_list(fields["choices"], context.plan.languages)
    ):
        return {**fields, "type": QuestionType.YES_NO, "choices": (), "choice_list": ""}
    return fields
