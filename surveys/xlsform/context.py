"""What the survey walk knows and where it reports: shared by the modules that read rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys.definition import Item

from .choices import ChoiceList
from .columns import SheetColumns
from .languages import LanguagePlan
from .reader import Row
from .report import ImportReport


@dataclass
class SurveyContext:
    """What the survey walk needs to know and where it records what it finds."""

    report: ImportReport
    sheet: str
    columns: SheetColumns
    plan: LanguagePlan
    lists: dict[str, ChoiceList]
    choice_columns: SheetColumns
    choices_sheet: str | None
    map_unsupported: bool
    check_labels: bool = True
    references: dict[str, list[int]] = field(default_factory=dict)
    names: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (row, scope)
    built: list[tuple[Row, Item]] = field(default_factory=list)

    def where(self, row: Row, column: str = "") -> dict[str, Any]:
        """Return the place of a finding on the survey sheet."""
        return {
            "sheet": self.sheet,
            "row": row.number,
            "column": self.columns.header(column) if column else "",
        }


def unsupported(
    row: Row, context: SurveyContext, problem: str, effect: str, *, column: str = "type"
) -> None:
    """Report something peer-research cannot do: an error, or mapped when the user chose so."""
    if context.map_unsupported:
        context.report.mapped(f"{problem}; it was {effect}.", **context.where(row, column))
    else:
        context.report.error(
            f"{problem}. To import anyway, choose to map what peer-research cannot ask, and "
            f"it will be {effect}.",
            **context.where(row, column),
        )


def texts(row: Row, field_name: str, context: SurveyContext) -> dict[str, str]:
    """Return a row's text in each language, reporting duplicates that lost out."""
    found, lost = context.columns.translated(row, field_name, context.plan.code_of)
    for header, text in lost:
        context.report.mapped(
            f"Two columns give this text in one language; '{text[:60]}' was left out.",
            sheet=context.sheet,
            row=row.number,
            column=header,
        )
    return found
