"""Check an uploaded XLSForm before a spreadsheet library reads its rows, and refuse it safely.

Size and kind first; for `.xlsx` the zip's uncompressed size and compression ratio (zip
bombs), then formulas and row counts; for `.csv` and `.md` that the bytes are UTF-8 text.
Each refusal is an error in the import report, and reading stops with `UnreadableError`.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, NoReturn

import openpyxl
from openpyxl.utils import get_column_letter
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import RE_WHITESPACE

from .backends import is_blank, sheet_key
from .report import ImportReport

MAX_BYTES = 10 * 1024 * 1024  # the largest file accepted
MAX_ROWS = 5_000  # the most rows a sheet may have
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the most an .xlsx may unpack to
MAX_RATIO = 100  # the most an .xlsx may grow when unpacked (zip bombs grow thousands of times)
MAX_ZIP_MEMBERS = 1_000
MAX_COLUMNS = 500  # columns looked at for formulas; XLSForms use a few dozen
EMPTY_ROWS_THAT_END_A_SHEET = 60  # pyxform stops reading a sheet after this many empty rows

EXTENSIONS = {".xlsx": "xlsx", ".xls": "xls", ".csv": "csv", ".md": "md"}
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
CONSTANT_FORMULA = re.compile(r"^=\s*(TRUE|FALSE)\s*(?:\(\s*\))?\s*$", re.IGNORECASE)
KIND_NAMES = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an old-style Excel workbook (.xls)",
    "csv": "a CSV file",
    "md": "a Markdown table",
}

ConstantCells = dict[tuple[str, int, str], str]  # (sheet key, row, heading) -> value


class UnreadableError(Exception):
    """The file cannot be read; the findings are already in the report."""


# Checks before reading ------------------------------------------------------------------


def check_file(data: bytes, filename: str, report: ImportReport) -> str:
    """Return the kind of file to read it as, after checking its size and extension."""
    if not data:
        _refuse(report, "The file is empty.")
    if len(data) > MAX_BYTES:
        _refuse(
            report,
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the most peer-research reads is "
            f"{MAX_BYTES // 1024 // 1024} MB. A questionnaire is rarely over 1 MB: check that "
            "the file holds only the survey, choices and settings sheets.",
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        _refuse(
            report,
            f"'{PurePath(filename).name}' is not an XLSForm file peer-research can read. "
            "Save the questionnaire as .xlsx (Excel), .xls, .csv or .md.",
        )
    expected = EXTENSIONS[suffix]
    found = _sniff(data)
    if found == expected or (found == "text" and expected in ("csv", "md")):
        return expected
    if found == "text":
        _refuse(
            report,
            f"The file is named {suffix} but is not {KIND_NAMES[expected]}: it may be damaged, "
            "or another kind of file renamed. Open it in a spreadsheet program and save it "
            "again as .xlsx.",
        )
    report.warning(
        f"The file is named {suffix} but is {KIND_NAMES[found]}; it was read as that.",
    )
    return found


def _sniff(data: bytes) -> str:
    """Return the kind of file the first bytes show: xlsx, xls or text."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE2_MAGIC):
        return "xls"
    return "text"


def check_zip(data: bytes, report: ImportReport) -> None:
    """Refuse an .xlsx that is not a sound zip, or that would unpack to far more than it is."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # a damaged zip makes zipfile fail in many ways (even NotImplementedError)
        _refuse(report, "The .xlsx file is damaged and cannot be opened. Save it again and retry.")
    if len(members) > MAX_ZIP_MEMBERS:
        _refuse(
            report, f"The .xlsx file holds {len(members)} parts; a spreadsheet has a few dozen."
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNCOMPRESSED:
        _refuse(
            report,
            f"The .xlsx file would unpack to {unpacked / 1024 / 1024:.0f} MB; the most "
            f"peer-research unpacks is {MAX_UNCOMPRESSED // 1024 // 1024} MB. It was not opened.",
        )
    if unpacked > MAX_RATIO * len(data):
        _refuse(
            report,
            f"The .xlsx file would grow {unpacked // len(data)} times when unpacked, which "
            "spreadsheets never do (it looks like a 'zip bomb'). It was not opened.",
        )


def check_text(data: bytes, kind: str, report: ImportReport) -> bytes:
    """Return a text XLSForm's bytes without a byte-order mark, refusing what is not text."""
    data = data.removeprefix(UTF8_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse(
            report,
            f"The {kind.upper()} file is not UTF-8 text. Save it as 'CSV UTF-8' (or UTF-8 "
            "text) and import it again.",
        )
    if "\x00" in text:
        _refuse(report, f"The file is not {KIND_NAMES[kind]}: it holds binary data.")
    return data


def scan_xlsx(data: bytes, report: ImportReport) -> ConstantCells:
    """Refuse formulas and over-long sheets in an .xlsx before pyxform reads its values.

    Return the cells holding a constant formula (=TRUE() or =FALSE()), which are read as
    their value: such cells are common in XLSForms saved by Excel.
    """
    found: ConstantCells = {}
    if not open_quietly(lambda: _has_formulas(data), report):
        return found  # the usual case: no need to read the workbook twice
    workbook = open_quietly(
        lambda: openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False),
        report,
    )
    try:
        worksheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
        for sheet in worksheets:
            key = sheet_key(sheet.title, len(worksheets))
            if key is not None:
                found.update(_scan_sheet(sheet, key, report))
    except UnreadableError:
        raise
    except Exception as error:  # corrupt files make openpyxl fail in many ways
        _refuse_unreadable(report, "xlsx", error)
    finally:
        workbook.close()
    if report.has_errors:
        raise UnreadableError
    return found


def _has_formulas(data: bytes) -> bool:
    """Tell whether any worksheet of an .xlsx holds a formula (an <f> element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if WORKSHEET_PART.fullmatch(member) and FORMULA_TAG.search(archive.read(member)):
                return True
    return False


def _scan_sheet(sheet: Any, key: str, report: ImportReport) -> ConstantCells:
    """Report formula cells of one sheet, refuse it if it has too many rows, return constants."""
    found: ConstantCells = {}
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    headers: list[Any] = []
    filled_rows = last_filled = 0
    for number, cells in enumerate(sheet.iter_rows(max_col=width), start=1):
        if number == 1:
            headers = [cell.value for cell in cells]
        filled = False
        for position, cell in enumerate(cells):
            if is_blank(cell.value):
                continue
            filled = True
            if getattr(cell, "data_type", None) != "f":
                continue
            constant = CONSTANT_FORMULA.match(str(cell.value))
            if constant and position < len(headers) and not is_blank(headers[position]):
                header = RE_WHITESPACE.sub(" ", str(headers[position]).strip())
                found[(key, number, header)] = constant[1].upper()
                _report_constant(report, sheet.title, number, position, header, cell.value)
            else:
                _report_formula(report, sheet.title, number, position, headers, cell.value)
        if filled:
            filled_rows, last_filled = filled_rows + 1, number
            if filled_rows > MAX_ROWS + 1:
                _refuse(report, too_many_rows_message(sheet.title), sheet=sheet.title)
        elif number - last_filled > EMPTY_ROWS_THAT_END_A_SHEET:
            break
    return found


def _report_formula(
    report: ImportReport, sheet: str, row: int, position: int, headers: list[Any], formula: Any
) -> None:
    """Record a formula cell as an error."""
    letter = get_column_letter(position + 1)
    heading = headers[position] if position < len(headers) else None
    shown = str(formula)[:60]
    report.error(
        f"Cell {letter}{row} holds a spreadsheet formula ({shown}). peer-research does not "
        "run formulas: type the value itself into the cell.",
        sheet=sheet,
        row=row,
        column=str(heading) if not is_blank(heading) else letter,
    )


def _report_constant(
    report: ImportReport, sheet: str, row: int, position: int, header: str, formula: Any
) -> None:
    """Record that a constant formula was read as its value."""
    value = CONSTANT_FORMULA.match(str(formula))[1].upper()
    report.warning(
        f"Cell {get_column_letter(position + 1)}{row} holds the formula {formula}; it was read "
        f"as the value {value}.",
        sheet=sheet,
        row=row,
        column=header,
    )


# Refusing a file ------------------------------------------------------------------------


def open_quietly(opener: Callable[[], Any], report: ImportReport, kind: str = "xlsx") -> Any:
    """Run a spreadsheet library call, turning any failure on bad input into a refusal."""
    try:
        # openpyxl warns about styles and extensions; xlrd prints its doubts to stdout,
        # which would spoil the command line's JSON report.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            return opener()
    except Exception as error:  # corrupt files make the readers fail in many ways
        _refuse_unreadable(report, kind, error)


def _refuse_unreadable(report: ImportReport, kind: str, error: Exception) -> NoReturn:
    """Refuse a file a spreadsheet library could not read, saying why in plain words."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    duplicate = re.search(r"Duplicate column header: (.*)", detail)
    if isinstance(error, PyXFormError) and duplicate:
        _refuse(report, f"Two columns have the same heading '{duplicate.group(1)}'. Remove one.")
    _refuse(
        report,
        f"The file could not be read as {KIND_NAMES[kind]}; it may be damaged or not an "
        f"XLSForm. (The reader said: {detail[:200]})",
    )


def too_many_rows_message(sheet: str) -> str:
    """Return the message for a sheet over the row limit."""
    return (
        f"The {sheet} sheet has more than {MAX_ROWS:,} rows, the most peer-research imports. "
        "Split the questionnaire, or remove rows that are not part of it."
    )


def _refuse(report: ImportReport, message: str, **where: Any) -> NoReturn:
    """Record an error that stops reading the file."""
    report.error(message, **where)
    raise UnreadableError
