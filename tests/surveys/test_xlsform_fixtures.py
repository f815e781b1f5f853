"""The public XLSForms in ../shared/fixtures import, or say exactly what we cannot ask."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from surveys.definition import Question, QuestionType, Section
from surveys.xlsform import ImportReport, ImportResult, Severity, import_xlsform
from surveys.xlsform.reader import read_workbook

FIXTURES = Path(__file__).parents[2] / ".." / "shared" / "fixtures" / "xlsforms"

# What each fixture uses that peer-research cannot ask: survey row -> type as written.
UNFIELDABLE = {
    "widgets.csv": {
        12: "geopoint",
        13: "barcode",
        14: "image",
        15: "audio",
        16: "video",
        18: "geopoint",
        19: "dateTime",
    },
    "xlsform_spec_test.xlsx": {
        33: "datetime",
        34: "geopoint",
        35: "barcode",
        36: "image",
        37: "audio",
        38: "video",
        42: "start",
        44: "end",
        46: "today",
        48: "deviceid",
        50: "uri:deviceid",
        52: "phonenumber",
    },
    "tutorial.xls": {},
    "mitwirken_umfrage.xlsx": {},
}


def fixture(name: str) -> bytes:
    """Return a shared fixture's bytes, skipping when the shared folder is absent."""
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared folder sits beside the repository in CI")
    return path.read_bytes()


@cache
def _imported(name: str, unsupported: str) -> ImportResult:
    """Import a fixture once per mode (the spreadsheets take a moment to read)."""
    return import_xlsform(fixture(name), name, unsupported=unsupported)


def imported(name: str, unsupported: str = "refuse") -> ImportResult:
    """Return the import of a fixture, skipping when the shared folder is absent."""
    fixture(name)
    return _imported(name, unsupported)


@pytest.mark.parametrize("name", sorted(UNFIELDABLE))
def test_refuse_mode_reports_exactly_the_rows_we_cannot_ask(name):
    result = imported(name)
    errors = {(finding.row, finding.column) for finding in result.report.errors}
    assert errors == {(row, "type") for row in UNFIELDABLE[name]}
    for finding in result.report.errors:
        assert f"'{UNFIELDABLE[name][finding.row]}'" in finding.message
    assert result.imported == (not UNFIELDABLE[name])


@pytest.mark.parametrize("name", sorted(UNFIELDABLE))
def test_map_mode_imports_and_mentions_every_row_we_cannot_ask(name):
    result = imported(name, "map")
    assert result.imported, result.report.as_text()
    mapped = {(finding.row, finding.column) for finding in result.report.of(Severity.MAPPED)}
    assert {(row, "type") for row in UNFIELDABLE[name]} <= mapped


@pytest.mark.parametrize("name", sorted(UNFIELDABLE))
def test_every_row_becomes_an_item_or_has_a_report_line(name):
    result = imported(name, "map")
    survey = read_workbook(fixture(name), name, ImportReport()).sheets["survey"]
    names = {item.name for item, _parents in result.definition.walk()}
    reported = {finding.row for finding in result.report.findings}
    for row in survey.rows:
        written = row.cells.get("type", "")
        if not written or written.startswith("end"):
            continue
        assert row.cells.get("name") in names or row.number in reported, row


def test_widgets_maps_old_style_columns():
    definition = imported("widgets.csv", "map").definition
    found = {question.name: question for question in definition.questions()}
    assert found["my_int"].constraint == ". < 10"
    assert found["my_int"].constraint_message == {"en": "number must be less than 10"}
    assert found["my_decimal"].default == "18.31"
    assert found["my_output"].read_only is True
    assert found["my_trigger"].type is QuestionType.ACKNOWLEDGE
    assert found["spinner"].appearance == "minimal"
    assert found["my_geopoint"].type is QuestionType.TEXT
    assert "my_image" not in found


def test_spec_test_keeps_both_languages_and_references_to_left_out_rows():
    definition = imported("xlsform_spec_test.xlsx", "map").definition
    assert [language.code for language in definition.languages] == ["en", "zh"]
    found = {item.name: item for item, _parents in definition.walk()}
    assert found["address"].label == {"en": "Enter an address", "zh": "您好"}
    assert found["select_multiple_test"].constraint_message["zh"].startswith("對不起")
    assert found["repeat_test"].repeat and found["repeat_test"].repeat_count == "2"
    assert found["start"].type is QuestionType.CALCULATE  # row 43 shows ${start}
    assert found["today"].calculation == "today()"
    assert found["list-nolabel-test"].required is True  # =TRUE() read as TRUE


def test_tutorial_is_a_repeat_with_yes_no_questions():
    result = imported("tutorial.xls")
    (member,) = result.definition.items
    assert isinstance(member, Section) and member.repeat
    kinds = [question.type for question in member.items if isinstance(question, Question)]
    assert kinds.count(QuestionType.YES_NO) == 5
    ages = {question.name: question for question in member.items}
    assert ages["age_in_years"].relevance == "${older_than_five}='yes'"


def test_mitwirken_imports_in_german_with_its_sections():
    result = imported("mitwirken_umfrage.xlsx")
    definition = result.definition
    assert definition.title.startswith("Bedarfserhebung")
    assert definition.form_id == "bedarfserhebung_mo_sachsen"
    assert [(language.code, language.name) for language in definition.languages] == [
        ("de", "Deutsch")
    ]
    sections = [item for item in definition.items if isinstance(item, Section)]
    assert len(sections) == 9
    assert all(section.appearance == "field-list" for section in sections)
    found = {question.name: question for question in definition.questions()}
    assert found["schwierigkeiten"].type is QuestionType.LONG_TEXT
    assert found["email"].constraint.startswith("regex(.")
    assert found["themenfelder_other"].relevance == "selected(${themenfelder}, 'other')"
    assert result.report.counts == {"questions": 42, "sections": 9, "languages": 1}
