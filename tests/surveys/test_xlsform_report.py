"""The import report reads well as text for people and as JSON for scripts."""

from __future__ import annotations

import json

from surveys.xlsform import import_xlsform
from surveys.xlsform.exporter import write_xlsx

SURVEY = [
    ["type", "name", "label", "appearance"],
    ["text", "name", "Your name", "numbers"],
    ["geopoint", "where", "Where do you live?", ""],
]


def form() -> bytes:
    """Return a form with one question we cannot ask and one appearance we leave out."""
    return write_xlsx({"survey": SURVEY, "settings": [["form_title", "style"], ["Home", "pages"]]})


def test_a_refused_import_says_what_to_fix_with_sheet_row_and_column():
    text = import_xlsform(form(), "home.xlsx").report.as_text()
    assert text.startswith("home.xlsx: not imported. 1 problem to fix first.")
    assert "Problems to fix before the questionnaire can be imported (1):" in text
    assert "survey sheet, row 3, column 'type': 'geopoint' asks for a GPS location" in text
    assert "Changed or left out to fit peer-research (1):" in text
    assert "Worth checking (1):" in text
    assert "settings sheet, row 2, column 'style'" in text


def test_a_mapped_import_says_what_it_holds_and_what_changed():
    text = import_xlsform(form(), "home.xlsx", unsupported="map").report.as_text()
    assert text.startswith("home.xlsx: imported 2 questions in 0 sections, 1 language.")
    assert "it was asked as text" in text
    assert "Problems to fix" not in text


def test_the_json_report_has_counts_and_every_finding():
    report = json.loads(import_xlsform(form(), "home.xlsx").report.as_json())
    assert report["file"] == "home.xlsx"
    assert report["imported"] is False
    assert report["counts"] == {"error": 1, "mapped": 1, "warning": 1}
    (mapped,) = [finding for finding in report["findings"] if finding["severity"] == "mapped"]
    assert mapped == {
        "severity": "mapped",
        "sheet": "survey",
        "row": 2,
        "column": "appearance",
        "message": mapped["message"],
    }
    assert "'numbers'" in mapped["message"]
    errors = [finding for finding in report["findings"] if finding["severity"] == "error"]
    assert [(finding["row"], finding["column"]) for finding in errors] == [(3, "type")]


def test_an_imported_json_report_counts_questions_sections_and_languages():
    report = json.loads(import_xlsform(form(), "home.xlsx", unsupported="map").report.as_json())
    assert report["imported"] is True
    assert report["counts"]["questions"] == 2
    assert report["counts"]["sections"] == 0
    assert report["counts"]["languages"] == 1


def test_a_file_level_error_has_no_row():
    report = import_xlsform(b"", "empty.xlsx").report
    assert "  - The file is empty." in report.as_text()
    assert json.loads(report.as_json())["findings"] == [
        {
            "severity": "error",
            "sheet": None,
            "row": None,
            "column": None,
            "message": "The file is empty.",
        }
    ]
