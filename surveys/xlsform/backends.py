"""pyxform's readers, and the row numbers of each row they return.

Rows come from pyxform's own backends (`pyxform.xls2json_backends`) so that a sheet reads
exactly as pyxform reads it. `.xlsx` and `.xls` rows carry the sheet's row number (pyxform keeps
empty rows, so the n-th row is row n + 1); for `.csv` and `.md` files, where pyxform drops
blank lines, we follow its reader to find each row's place in the file: the row a spreadsheet
program shows for a CSV file, the line for a Markdown file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import xlrd
from pyxform import constants
from pyxform.xls2json_backends import (
    MD_CELL,
    MD_COMMENT,
    MD_COMMENT_INLINE,
    MD_PIPE_OR_ESCAPE,
    MD_SEPARATOR,
    DefinitionData,
    get_excel_column_headers,
    get_excel_rows,
    get_xlsform,
    xls_value_to_unicode,
)

XLSFORM_SHEETS = tuple(sorted(constants.SUPPORTED_SHEET_NAMES))


def definition_data(data: bytes, kind: str) -> DefinitionData:
    """Return pyxform's reading of the file's sheets (rows of text by column heading)."""
    if kind == "xls":
        return DefinitionData(**_xls_to_dict(data))
    return get_xlsform(data, file_type=f".{kind}")


def _xls_to_dict(data: bytes) -> dict[str, Any]:
    """Read an .xls file as pyxform's `xls_to_dict` does, keeping xlrd's messages off stdout.

    xlrd prints its doubts about damaged files to the stdout it saw when imported, which
    would spoil the command line's JSON report; pyxform gives no way to pass a log file.
    """
    book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    try:
        result: dict[str, Any] = {"sheet_names": []}
        sheets = book.sheets()
        for sheet in sheets:
            result["sheet_names"].append(sheet.name)
            key = sheet_key(sheet.name, len(sheets))
            if key is not None:
                result[key], result[f"{key}_header"] = _xls_sheet(book, sheet)
        return result
    finally:
        book.release_resources()


def _xls_sheet(book: Any, sheet: Any) -> tuple[list[dict[str, Any]], list[dict[str, None]]]:
    """Return one .xls sheet's rows and headings, with pyxform's own row and cell rules."""
    headers = get_excel_column_headers(cell.value for cell in next(sheet.get_rows(), []))
    cells = (
        tuple(sheet.cell(number, column) for column in range(len(headers)))
        for number in range(1, sheet.nrows)
    )

    def text(cell: Any, _row: int, _column: str) -> str | None:
        """Return a cell's value as pyxform writes it."""
        value = cell.value.strip() if isinstance(cell.value, str) else cell.value
        return None if is_blank(value) else xls_value_to_unicode(value, cell.ctype, book.datemode)

    rows = get_excel_rows(headers=headers, rows=cells, cell_func=text)
    return rows, [dict.fromkeys(header for header in headers if header is not None)]


@dataclass
class Numbers:
    """Where a sheet's header and data rows are in a text file."""

    header: int
    rows: list[int]


def text_row_numbers(text: str, kind: str) -> dict[str, Numbers]:
    """Return, per sheet, the file rows (CSV) or lines (Markdown) of its header and rows."""
    return _csv_row_numbers(text) if kind == "csv" else _md_line_numbers(text)


def _csv_row_numbers(text: str) -> dict[str, Numbers]:
    """Follow pyxform's CSV reader, noting the file row of every header and data row."""
    found: dict[Any, Numbers] = {}
    sheet: Any = None
    has_header = False
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        name, content = _csv_sheet_and_content(row)
        if name is not None:
            sheet = name
            if sheet and sheet not in found:
                sheet = sheet.lower()
                found[sheet] = Numbers(number, [])
            has_header = False
        if content is not None:
            entry = found.setdefault(sheet, Numbers(number, []))
            if has_header:
                entry.rows.append(number)
            else:
                entry.header, has_header = number, True
    return {str(key): value for key, value in found.items()}


def _csv_sheet_and_content(row: list[str]) -> tuple[str | None, list[str] | None]:
    """Split a CSV row into a sheet name and its content, as pyxform does."""
    if not row:
        return None, None
    if len(row) == 1:
        return row[0], None
    name = row[0].strip() or None
    content = [value.strip() for value in row[1:]]
    return name, content if any(content) else None


def _md_line_numbers(text: str) -> dict[str, Numbers]:
    """Follow pyxform's Markdown reader, noting the line of every table row per sheet."""
    sheets: dict[Any, list[int]] = {}
    sheet: Any = False
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match(MD_COMMENT, line):
            continue
        inline = re.match(MD_COMMENT_INLINE, line)
        if inline:
            line = inline.groups()[0]
        match = re.match(MD_CELL, line)
        if not match:
            continue
        if not re.match(MD_SEPARATOR, match.groups()[0]):
            cells = re.split(MD_PIPE_OR_ESCAPE, match.groups()[0])
            if _md_cell(cells[0]) is not None:
                if lines:
                    sheets[sheet] = lines
                lines, sheet = [], _md_cell(cells[0])
            if sheet and any(_md_cell(cell) is not None for cell in cells[1:]):
                lines.append(number)
        sheets[sheet] = lines
    named = {key: value for key, value in sheets.items() if key and value}
    result = {}
    for key, value in named.items():
        lower = str(key).lower()
        if lower not in XLSFORM_SHEETS and len(sheets) == 1:
            lower = constants.SURVEY
        result[lower] = Numbers(value[0], value[1:])
    return result


def _md_cell(cell: str) -> str | None:
    """Return a Markdown cell's text, or None if it is empty (as pyxform reads it)."""
    return None if not cell or cell.isspace() else cell.strip()


def sheet_key(title: str, sheet_count: int) -> str | None:
    """Return the XLSForm sheet a worksheet is read as, or None if pyxform skips it."""
    key = title.lower()
    if key in XLSFORM_SHEETS:
        return key
    return constants.SURVEY if sheet_count == 1 else None


def is_blank(value: Any) -> bool:
    """Tell whether a cell value is empty, as pyxform decides it."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))
