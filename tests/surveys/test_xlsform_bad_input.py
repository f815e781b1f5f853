"""Bad files get a clear refusal in the report, never an exception and never a definition."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.xlsform import MAX_BYTES, MAX_ROWS, Severity, import_xlsform
from surveys.xlsform.exporter import write_xlsx

GOOD_SURVEY = [["type", "name", "label"], ["text", "q", "Your name"]]


def refused(data: bytes, filename: str, *, unsupported: str = "refuse") -> str:
    """Import a file that must be refused; return its error messages as one text."""
    result = import_xlsform(data, filename, unsupported=unsupported)
    assert not result.imported
    assert result.definition is None
    assert result.report.errors, result.report.as_text()
    assert "not imported" in result.report.as_text()
    return " ".join(finding.message for finding in result.report.errors)


def good_xlsx() -> bytes:
    """Return a small valid XLSForm."""
    return write_xlsx({"survey": GOOD_SURVEY})


def test_an_empty_file_is_refused():
    assert "empty" in refused(b"", "form.xlsx")


@pytest.mark.parametrize("filename", ["form.docx", "form.txt", "form", "form.xlsm", "form.ods"])
def test_other_kinds_of_file_are_refused_by_name(filename):
    assert ".xlsx" in refused(good_xlsx(), filename)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "form.xlsx"),
        (good_xlsx()[:400], "form.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600, "form.xls"),
        (b"<html><table><tr><td>survey</td></tr></table></html>", "form.xls"),
        (bytes(range(256)) * 4, "form.xlsx"),
    ],
)
def test_corrupt_spreadsheets_are_refused(data, filename):
    message = refused(data, filename)
    assert "damaged" in message or "could not be read" in message or "is not" in message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "could not be read" in refused(buffer.getvalue(), "form.xlsx")


def zip_bomb(unpacked_megabytes: int) -> bytes:
    """Return a small .xlsx-looking zip whose one part unpacks to many megabytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked_megabytes):
                part.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zip_bomb(60)
    assert len(bomb) < 200_000
    message = refused(bomb, "form.xlsx")
    assert "unpack to 60 MB" in message


def test_a_small_zip_that_grows_too_much_is_refused():
    bomb = zip_bomb(5)
    assert "zip bomb" in refused(bomb, "form.xlsx")


def workbook_with(cells: dict[str, object]) -> bytes:
    """Return an .xlsx whose survey sheet has these cells (openpyxl writes formulas as such)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in GOOD_SURVEY:
        sheet.append(row)
    for reference, value in cells.items():
        sheet[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_formulas_are_refused_with_their_row_and_column():
    result = import_xlsform(workbook_with({"C2": '=CONCAT("Your ", "name")'}), "form.xlsx")
    assert not result.imported
    assert [(f.sheet, f.row, f.column) for f in result.report.errors] == [("survey", 2, "label")]
    assert "formula" in result.report.errors[0].message


def test_a_constant_true_formula_is_read_as_its_value_with_a_warning():
    data = workbook_with({"D1": "required", "D2": "=TRUE()"})
    result = import_xlsform(data, "form.xlsx")
    assert result.imported, result.report.as_text()
    assert result.definition.items[0].required is True
    assert [(f.row, f.column) for f in result.report.of(Severity.WARNING)] == [(2, "required")]


def test_a_file_over_the_size_limit_is_refused():
    data = b"survey,type,name,label\n" + b",text,q,Q\n" * (MAX_BYTES // 10 + 10)
    assert len(data) > MAX_BYTES
    assert "MB" in refused(data, "form.csv")


def test_too_many_rows_are_refused_in_xlsx_and_csv():
    rows = [["text", f"q{number}", "Q"] for number in range(MAX_ROWS + 5)]
    assert f"{MAX_ROWS:,} rows" in refused(
        write_xlsx({"survey": [GOOD_SURVEY[0], *rows]}), "form.xlsx"
    )
    text = "survey,type,name,label\n" + "".join(f",text,q{n},Q\n" for n in range(MAX_ROWS + 5))
    assert f"{MAX_ROWS:,} rows" in refused(text.encode(), "form.csv")


def test_text_files_must_be_utf8_and_not_binary():
    assert "UTF-8" in refused("survey,type,name\n,text,é\n".encode("latin-1"), "form.csv")
    assert "binary" in refused(b"survey,type,name,label\x00\x01", "form.csv")


def test_a_csv_without_commas_or_a_markdown_file_without_tables_is_refused():
    assert "could not be read" in refused(b"just some words", "form.csv")
    assert "could not be read" in refused(b"# A heading\n\nSome text.", "form.md")


def test_a_workbook_named_csv_is_read_as_a_workbook_with_a_warning():
    result = import_xlsform(good_xlsx(), "form.csv")
    assert result.imported
    assert "read as that" in result.report.of(Severity.WARNING)[0].message


def test_two_columns_with_one_heading_are_refused():
    data = write_xlsx({"survey": [["type", "name", "label", "label"], ["text", "q", "A", "B"]]})
    assert "same heading 'label'" in refused(data, "form.xlsx")


def test_a_file_without_a_survey_sheet_or_type_column_is_refused():
    data = write_xlsx(
        {"choices": [["list_name", "name"], ["l", "a"]], "settings": [["form_id"], ["x"]]}
    )
    assert "no survey sheet" in refused(data, "form.xlsx")
    data = write_xlsx({"survey": [["name", "label"], ["q", "Q"]]})
    assert "no 'type' column" in refused(data, "form.xlsx")


def test_a_wrong_mode_is_a_programming_error():
    with pytest.raises(ValueError, match="refuse"):
        import_xlsform(good_xlsx(), "form.xlsx", unsupported="ignore")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), extension=st.sampled_from([".xlsx", ".xls", ".csv", ".md"]))
def test_arbitrary_bytes_never_raise(data, extension):
    result = import_xlsform(data, f"form{extension}")
    assert result.imported == (result.definition is not None)
    assert result.imported or result.report.errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_damaged_workbooks_never_raise(position, value):
    data = bytearray(good_xlsx())
    data[position % len(data)] = value
    result = import_xlsform(bytes(data), "form.xlsx")
    assert result.imported or result.report.errors
