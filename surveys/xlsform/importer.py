"""Import an XLSForm (.xlsx, .xls, .csv, .md) as a questionnaire definition, with a report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from surveys.definition import FormDefinition, Question, Section

from .choices import read_choice_lists
from .columns import (
    SheetColumns,
    choice_columns,
    settings_columns,
    survey_columns,
)
from .languages import LanguagePlan, plan_languages
from .logic_check import warn_about_logic
from .reader import Sheet, Workbook, read_workbook
from .report import ImportReport
from .survey import SurveyContext, build_items

Unsupported = Literal["refuse", "map"]
TEXT_ORDER = ("label", "hint", "constraint_message", "required_message")


@dataclass(frozen=True)
class ImportResult:
    """The questionnaire read from a file (None when refused) and the report on it."""

    definition: FormDefinition | None
    report: ImportReport

    @property
    def imported(self) -> bool:
        """Tell whether the file became a questionnaire."""
        return self.definition is not None


def import_xlsform(
    data: bytes, filename: str, *, unsupported: Unsupported = "refuse"
) -> ImportResult:
    """Read an XLSForm's bytes as a questionnaire definition, reporting everything found.

    With `unsupported="refuse"` a form with questions peer-research cannot ask is refused,
    each listed in the report; with `"map"` they are mapped (see `unfieldable.py`). Any
    error in the report means no definition. Bad input never raises.
    """
    if unsupported not in ("refuse", "map"):
        raise ValueError(f"unsupported must be 'refuse' or 'map', not {unsupported!r}")
    report = ImportReport(filename=PurePath(filename).name)
    workbook = read_workbook(data, filename, report)
    definition = None
    if workbook is not None:
        definition = _build(workbook, filename, report, map_unsupported=unsupported == "map")
    if report.has_errors:
        definition = None
    _sort_findings(report, workbook)
    report.imported = definition is not None
    if definition is not None:
        report.counts = _counts(definition)
    return ImportResult(definition, report)


def _build(
    workbook: Workbook, filename: str, report: ImportReport, *, map_unsupported: bool
) -> FormDefinition | None:
    """Return the definition the workbook's sheets describe (errors go in the report)."""
    survey = workbook.sheets.get("survey")
    if survey is None or not survey.headers:
        report.error(
            "The file has no survey sheet: an XLSForm needs a sheet called 'survey' with the "
            "questions (and usually 'choices' and 'settings' sheets)."
        )
        return None
    choices = workbook.sheets.get("choices")
    settings = _settings(workbook.sheets.get("settings"), report)
    columns = survey_columns(survey.headers)
    if not columns.columns("type"):
        report.error("The survey sheet has no 'type' column.", sheet=survey.name, row=1)
        return None
    choice_cols = choice_columns(choices.headers if choices else ())
    plan = _languages(survey, columns, choices, choice_cols, settings, report)
    context = SurveyContext(
        report=report,
        sheet=survey.name,
        columns=columns,
        plan=plan,
        lists=read_choice_lists(choices, choice_cols, plan, report),
        choice_columns=choice_cols,
        choices_sheet=choices.name if choices else None,
        map_unsupported=map_unsupported,
        check_labels=_default_language_written(
            survey, columns, choices, choice_cols, settings, plan, report
        ),
    )
    items = build_items(survey.rows, context)
    warn_about_logic(context)
    if not items and not report.has_errors:
        report.error("The survey sheet has no questions to import.", sheet=survey.name)
    _report_unused_columns(survey, columns, report)
    if choices:
        _report_unused_columns(choices, choice_cols, report)
        _report_unused_lists(context, choices.name)
    _report_other_sheets(workbook, report)
    return FormDefinition(
        title=settings.title or PurePath(filename).stem,
        languages=tuple(plan.languages),
        items=items,
        form_id=settings.form_id,
    )


# Settings and languages -----------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The settings peer-research reads, and where default_language is written."""

    title: str = ""
    form_id: str = ""
    default_language: str = ""
    sheet: str = "settings"
    row: int = 2
    default_language_column: str = "default_language"


def _settings(sheet: Sheet | None, report: ImportReport) -> Settings:
    """Return the settings peer-research uses, reporting the others as left out."""
    rows = [row for row in sheet.rows if row.cells] if sheet is not None else []
    if not rows:
        return Settings()
    row = rows[0]
    columns = settings_columns(sheet.headers)
    for column in columns.unused:
        value = row.cells.get(column.header, "")
        if value:
            report.warning(
                f"The setting '{column.header}' ('{value[:40]}') is not used by peer-research; "
                "it was left out.",
                sheet=sheet.name,
                row=row.number,
                column=column.header,
            )
    return Settings(
        title=columns.value(row, "title"),
        form_id=columns.value(row, "form_id"),
        default_language=columns.value(row, "default_language"),
        sheet=sheet.name,
        row=row.number,
        default_language_column=columns.header("default_language"),
    )


def _languages(
    survey: Sheet,
    columns: SheetColumns,
    choices: Sheet | None,
    choice_cols: SheetColumns,
    settings: Settings,
    report: ImportReport,
) -> LanguagePlan:
    """Return the questionnaire's languages from the text columns in use."""
    sheets = [(survey, columns)] + ([(choices, choice_cols)] if choices else [])
    used_labels = [part for sheet, cols in sheets for part in _used_parts(sheet, cols, ("label",))]
    every_part = [
        column.language
        for _sheet, cols in sheets
        for name in TEXT_ORDER
        for column in cols.columns(name)
    ]
    plan = plan_languages(used_labels, every_part, settings.default_language)
    for part in plan.made_up:
        report.warning(
            f"The language '{part}' has no language code, so peer-research calls it "
            f"'{plan.code_of(part)}'. Write it with its code, e.g. 'label::{part} (xx)', "
            "so that tablets can read it aloud in the right language.",
            sheet=survey.name,
            row=1,
        )
    return plan


def _used_parts(sheet: Sheet, columns: SheetColumns, fields: tuple[str, ...]) -> list[str | None]:
    """Return the language parts of a sheet's columns for some fields that hold any text."""
    used = {header for row in sheet.rows for header in row.cells}
    return [
        column.language
        for name in fields
        for column in columns.columns(name)
        if column.header in used
    ]


def _default_language_written(
    survey: Sheet,
    columns: SheetColumns,
    choices: Sheet | None,
    choice_cols: SheetColumns,
    settings: Settings,
    plan: LanguagePlan,
    report: ImportReport,
) -> bool:
    """Tell whether any label is in the default language; if not, report it once."""
    sheets = [(survey, columns)] + ([(choices, choice_cols)] if choices else [])
    parts = [part for sheet, cols in sheets for part in _used_parts(sheet, cols, ("label",))]
    if not parts or any(plan.code_of(part) == plan.default.code for part in parts):
        return True
    written = (
        ", ".join(dict.fromkeys(language.name for language in plan.languages[1:]))
        or "other languages"
    )
    report.error(
        f"The settings sheet makes {plan.default.name} the default language, but no label is "
        f"written in it (the labels are in {written}). Add label columns in "
        f"{plan.default.name}, or change default_language.",
        sheet=settings.sheet,
        row=settings.row,
        column=settings.default_language_column,
    )
    return False


# Report lines for what was not read ------------------------------------------------------


def _report_unused_columns(sheet: Sheet, columns: SheetColumns, report: ImportReport) -> None:
    """Report each column peer-research does not read, with the rows that fill it."""
    for column in columns.unused:
        rows = [row.number for row in sheet.rows if row.cells.get(column.header)]
        if not rows:
            continue
        where = f"({_row_list(rows)})"
        if not column.known:
            report.warning(
                f"'{column.header}' is not an XLSForm column; it was not read {where}.",
                sheet=sheet.name,
                row=sheet.header_row,
                column=column.header,
            )
            continue
        why = column.note or "is an XLSForm feature peer-research does not use"
        report.mapped(
            f"The column '{column.header}' {why}; it was left out {where}.",
            sheet=sheet.name,
            row=sheet.header_row,
            column=column.header,
        )


def _report_unused_lists(context: SurveyContext, sheet: str) -> None:
    """Report choice lists no question uses."""
    for entry in context.lists.values():
        if not entry.checked:
            context.report.warning(
                f"No question uses the choice list '{entry.name}'; it was left out "
                f"({_row_list([row.number for row in entry.rows])}).",
                sheet=sheet,
                row=entry.rows[0].number,
            )


def _report_other_sheets(workbook: Workbook, report: ImportReport) -> None:
    """Report sheets that are not read: other XLSForm sheets and sheets of notes."""
    notes = {
        "external_choices": "holds choices for select_one_external questions",
        "entities": "sets up ODK Central entities",
        "osm": "holds OpenStreetMap tags",
    }
    for key, note in notes.items():
        sheet = workbook.sheets.get(key)
        if sheet is not None and sheet.rows:
            report.mapped(
                f"The {sheet.name} sheet {note}, which peer-research does not use; it was not "
                "read.",
                sheet=sheet.name,
            )
    for name in workbook.other_sheets:
        report.warning(
            f"The sheet '{name}' is not part of an XLSForm; it was not read.", sheet=name
        )


def _row_list(numbers: list[int]) -> str:
    """Return "row 4", "rows 4, 9 and 12" or "rows 4, 9, 12 ... and 30 more"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    shown = ", ".join(str(number) for number in numbers[:8])
    if len(numbers) > 8:
        return f"rows {shown} and {len(numbers) - 8} more"
    return f"rows {', '.join(str(number) for number in numbers[:-1])} and {numbers[-1]}"


def _sort_findings(report: ImportReport, workbook: Workbook | None) -> None:
    """Put findings in the order of the file: the file itself, then sheet by sheet, row by row."""
    order = {"survey": 1, "choices": 2, "settings": 3}
    ranks = {
        sheet.name: order.get(key, 4)
        for key, sheet in (workbook.sheets if workbook else {}).items()
    }
    report.findings.sort(
        key=lambda finding: (
            ranks.get(finding.sheet, 5) if finding.sheet else 0,
            finding.row or 0,
        )
    )


def _counts(definition: FormDefinition) -> dict[str, int]:
    """Return how many questions, sections and languages the definition has."""
    items = [item for item, _parents in definition.walk()]
    return {
        "questions": sum(isinstance(item, Question) for item in items),
        "sections": sum(isinstance(item, Section) for item in items),
        "languages": len(definition.languages),
    }
