"""Read an uploaded XLSForm safely into sheets of rows, each row with the number the file shows.

The bytes are checked before any spreadsheet library sees them (see `file_checks.py`). The
rows themselves come from pyxform's own readers (see `backends.py`), so a sheet reads
exactly as pyxform reads it. Row numbers: `.xlsx` and `.xls` give the sheet's row (the header
is row 1); `.csv` gives the row of the whole file as a spreadsheet program shows it; `.md`
gives the line of the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyxform.xls2json_backends import DefinitionData

from .backends import XLSFORM_SHEETS, Numbers, definition_data, is_blank, text_row_numbers
from .file_checks import (
    MAX_ROWS,
    ConstantCells,
    UnreadableError,
    check_file,
    check_text,
    check_zip,
    open_quietly,
    scan_xlsx,
    too_many_rows_message,
)
from .report import ImportReport


@dataclass(frozen=True)
class Row:
    """One row of a sheet: the number the file shows and its non-empty cells by heading."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """One XLSForm sheet as read: its name as written, its headings and its rows."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    header_row: int = 1


@dataclass(frozen=True)
class Workbook:
    """The XLSForm sheets of a file, keyed by lower-case sheet name, and the others' names."""

    sheets: dict[str, Sheet]
    other_sheets: tuple[str, ...] = ()


def read_workbook(data: bytes, filename: str, report: ImportReport) -> Workbook | None:
    """Return the file's XLSForm sheets, or None (with errors in the report) if unreadable."""
    try:
        kind = check_file(data, filename, report)
        constants_found: ConstantCells = {}
        if kind == "xlsx":
            check_zip(data, report)
            constants_found = scan_xlsx(data, report)
        elif kind in ("csv", "md"):
            data = check_text(data, kind, report)
        return _read_sheets(data, kind, report, constants_found)
    except UnreadableError:
        return None


# Reading with pyxform --------------------------------------------------------------------


def _read_sheets(
    data: bytes, kind: str, report: ImportReport, constants_found: ConstantCells
) -> Workbook:
    """Read the sheets with pyxform's reader for this kind of file and number their rows."""
    definition = open_quietly(lambda: definition_data(data, kind), report, kind)
    numbering = text_row_numbers(data.decode("utf-8"), kind) if kind in ("csv", "md") else {}
    sheet_names = list(definition.sheet_names or [])
    sheets: dict[str, Sheet] = {}
    for key in XLSFORM_SHEETS:
        sheet = _sheet(definition, key, sheet_names, numbering.get(key), constants_found)
        if sheet is not None:
            sheets[key] = sheet
            if len(sheet.rows) > MAX_ROWS:
                report.error(too_many_rows_message(sheet.name), sheet=sheet.name)
    if report.has_errors:
        raise UnreadableError
    others = tuple(
        name for name in sheet_names if len(sheet_names) > 1 and name.lower() not in XLSFORM_SHEETS
    )
    return Workbook(sheets=sheets, other_sheets=others)


def _sheet(
    definition: DefinitionData,
    key: str,
    sheet_names: list[str],
    numbers: Numbers | None,
    constants_found: ConstantCells,
) -> Sheet | None:
    """Return one XLSForm sheet from pyxform's data, or None if the file has no such sheet."""
    rows = getattr(definition, key, None)
    header = getattr(definition, f"{key}_header", None)
    if rows is None and not header:
        return None
    headers = tuple(str(name) for name in (header[0] if header else {}) if str(name).strip())
    name = next((written for written in sheet_names if written.lower() == key), key)
    if numbers is None:
        numbers = Numbers(1, list(range(2, len(rows or ()) + 2)))
    numbered = []
    for index, cells in enumerate(rows or ()):
        number = numbers.rows[index] if index < len(numbers.rows) else index + 2
        values = _cells(cells)
        values.update(
            {
                heading: value
                for (sheet, row, heading), value in constants_found.items()
                if sheet == key and row == number
            }
        )
        numbered.append(Row(number, values))
    return Sheet(name=name, headers=headers, rows=tuple(numbered), header_row=numbers.header)


def _cells(cells: dict[Any, Any]) -> dict[str, str]:
    """Return a row's non-empty cells as text."""
    return {
        str(key): str(value)
        for key, value in cells.items()
        if key is not None and str(key).strip() and not is_blank(value)
    }
