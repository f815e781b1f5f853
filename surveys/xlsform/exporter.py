"""Write a questionnaire definition as an XLSForm `.xlsx` that pyxform converts without error.

Our types map back to XLSForm: long text is `text` with the `multiline` appearance, a rating
is `select_one` with `likert`, ranking is `rank`, yes/no is `select_one yes_no` over a
generated list (see `conventions.py`), "Other, please say" is `or_other`. Every text column
is written once per language (`label::English (en)`), a picture the same in every language
(`media::image::English (en)`: we keep one per question), the privacy class in our own
`privacy` column.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from surveys.definition import (
    XLSFORM_TYPES,
    Choice,
    FormDefinition,
    Item,
    PrivacyClass,
    Question,
    QuestionType,
    Section,
)

from .conventions import YES_NO_LIST, yes_no_choices
from .languages import heading

TEXT_COLUMNS = ("label", "hint", "required_message", "constraint_message")
# Appearances that carry one of our types through XLSForm (see `survey._question_appearance`).
TYPE_APPEARANCES = {QuestionType.LONG_TEXT: "multiline", QuestionType.RATING: "likert"}
Sheet = list[list[str]]


def export_xlsform(definition: FormDefinition) -> bytes:
    """Return the definition as the bytes of an XLSForm `.xlsx` file."""
    return write_xlsx(xlsform_sheets(definition))


def xlsform_sheets(definition: FormDefinition) -> dict[str, Sheet]:
    """Return the survey, choices and settings sheets as rows of text, headings first."""
    lists = ChoiceLists(definition)
    return {
        "survey": _survey_sheet(definition, lists),
        "choices": _choices_sheet(definition, lists),
        "settings": _settings_sheet(definition),
    }


def write_xlsx(sheets: dict[str, Sheet]) -> bytes:
    """Return an `.xlsx` file with one sheet per entry, every cell written as text."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for number, row in enumerate(rows):
            sheet.append([_text_cell(sheet, value, bold=number == 0) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str, *, bold: bool) -> WriteOnlyCell:
    """Return a cell holding text, even text that starts with "=" (not a formula)."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) or None)
    if value:
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


# Choice lists ----------------------------------------------------------------------------


class ChoiceLists:
    """The choice lists to write, and the list each choice question uses.

    Lists keep the names they came from (`Question.choice_list`); two different lists with
    one name, or a question without a list name, get a free name. Yes/no questions share
    the generated `yes_no` list, named after all the other lists so that theirs win.
    """

    def __init__(self, definition: FormDefinition) -> None:
        """Name every choice list of the definition."""
        self.lists: dict[str, tuple[Choice, ...]] = {}
        self.by_question: dict[int, str] = {}
        questions = list(definition.questions())
        for question in questions:
            if question.choices and question.type is not QuestionType.YES_NO:
                wanted = question.choice_list or question.name
                self.by_question[id(question)] = self._add(wanted, question.choices)
        yes_no = yes_no_choices(definition.languages)
        for question in questions:
            if question.type is QuestionType.YES_NO:
                self.by_question[id(question)] = self._add(YES_NO_LIST, yes_no)

    def _add(self, wanted: str, choices: tuple[Choice, ...]) -> str:
        """Return the name a list is written under, adding it if it is new."""
        name, number = wanted, 2
        while name in self.lists and self.lists[name] != choices:
            name, number = f"{wanted}_{number}", number + 1
        self.lists[name] = choices
        return name

    def of(self, question: Question) -> str:
        """Return the name of the list a question uses ("" if none)."""
        return self.by_question.get(id(question), "")


# Sheets ----------------------------------------------------------------------------------


def _survey_sheet(definition: FormDefinition, lists: ChoiceLists) -> Sheet:
    """Return the survey sheet: one row per question, two per section (begin and end)."""
    languages = [heading(language) for language in definition.languages]
    codes = [language.code for language in definition.languages]
    header = ["type", "name"]
    for column in TEXT_COLUMNS[:2]:
        header += [f"{column}::{language}" for language in languages]
    header += ["required"] + [f"required_message::{language}" for language in languages]
    header += ["relevant", "constraint"]
    header += [f"constraint_message::{language}" for language in languages]
    header += ["calculation", "default", "appearance", "repeat_count", "read_only", "privacy"]
    header += [f"media::image::{language}" for language in languages]
    rows = [header]
    for values in _item_rows(definition.items, lists):
        row = [values.get("type", ""), values.get("name", "")]
        for column in TEXT_COLUMNS[:2]:
            row += [values.get(column, {}).get(code, "") for code in codes]
        row += [values.get("required", "")]
        row += [values.get("required_message", {}).get(code, "") for code in codes]
        row += [values.get("relevant", ""), values.get("constraint", "")]
        row += [values.get("constraint_message", {}).get(code, "") for code in codes]
        row += [
            values.get(column, "")
            for column in ("calculation", "default", "appearance", "repeat_count", "read_only")
        ]
        row += [values.get("privacy", "")] + [values.get("image", "")] * len(codes)
        rows.append(row)
    return rows


def _item_rows(items: tuple[Item, ...], lists: ChoiceLists) -> Iterator[dict]:
    """Yield the values of each survey row for the items, sections opened and closed."""
    for item in items:
        if isinstance(item, Section):
            yield _section_row(item)
            yield from _item_rows(item.items, lists)
            yield {"type": "end repeat" if item.repeat else "end group"}
        else:
            yield _question_row(item, lists)


def _section_row(section: Section) -> dict:
    """Return the values of a section's begin row."""
    return {
        "type": "begin repeat" if section.repeat else "begin group",
        "name": section.name,
        "label": section.label,
        "hint": section.hint,
        "relevant": section.relevance,
        "appearance": section.appearance,
        "repeat_count": section.repeat_count if section.repeat else "",
    }


def _question_row(question: Question, lists: ChoiceLists) -> dict:
    """Return the values of a question's row."""
    return {
        "type": _question_type(question, lists),
        "name": question.name,
        "label": question.label,
        "hint": question.hint,
        "required": "yes"
        if question.required and not question.required_if
        else question.required_if,
        "required_message": question.required_message,
        "relevant": question.relevance,
        "constraint": question.constraint,
        "constraint_message": question.constraint_message,
        "calculation": question.calculation,
        "default": question.default,
        "appearance": _appearance(question),
        "read_only": "yes" if question.read_only else "",
        "privacy": "" if question.privacy is PrivacyClass.NONE else question.privacy.value,
        "image": question.image or "",
    }


def _question_type(question: Question, lists: ChoiceLists) -> str:
    """Return the XLSForm type of a question, with its choice list and or_other."""
    written = XLSFORM_TYPES[question.type]
    list_name = lists.of(question)
    if list_name:
        written = f"{written} {list_name}"
        if question.other_option:
            written += " or_other"
    return written


def _appearance(question: Question) -> str:
    """Return a question's appearance, with the one that carries its type first."""
    tokens = question.appearance.split()
    carrier = TYPE_APPEARANCES.get(question.type)
    if carrier:
        tokens = [carrier, *tokens]
    return " ".join(dict.fromkeys(tokens))


def _choices_sheet(definition: FormDefinition, lists: ChoiceLists) -> Sheet:
    """Return the choices sheet: one row per choice of each list."""
    languages = [heading(language) for language in definition.languages]
    codes = [language.code for language in definition.languages]
    header = ["list_name", "name", *(f"label::{language}" for language in languages)]
    header += [f"media::image::{language}" for language in languages]
    rows = [header]
    for list_name, choices in lists.lists.items():
        for choice in choices:
            labels = [choice.label.get(code, "") for code in codes]
            rows.append([list_name, choice.name, *labels, *[choice.image or ""] * len(codes)])
    return rows


def _settings_sheet(definition: FormDefinition) -> Sheet:
    """Return the settings sheet: title, form id and default language."""
    return [
        ["form_title", "form_id", "default_language"],
        [definition.title, definition.form_id, heading(definition.default_language)],
    ]
