"""Importing a 500-row XLSForm, against pyxform's own conversion of the same file."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator

from openpyxl import Workbook
from pyxform.xls2xform import convert

from bench.report import Figure, compare
from surveys.xlsform import import_xlsform

SURVEY_ROWS = 500
TYPES = ("integer", "text", "select_one yn", "select_multiple help", "date")


def make_xlsform(rows: int = SURVEY_ROWS) -> bytes:
    """Return an .xlsx XLSForm with `rows` survey rows in two languages, with logic."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            "label::English (en)",
            "label::Cymraeg (cy)",
            "hint::English (en)",
            "relevant",
            "constraint",
            "required",
        ]
    )
    for number in range(rows):
        kind = TYPES[number % len(TYPES)]
        relevant = f"${{q{number - 1}}} != ''" if number % 3 == 1 else ""
        constraint = ". >= 0 and . < 150" if kind == "integer" else ""
        survey.append(
            [
                kind,
                f"q{number}",
                f"Question {number}",
                f"Cwestiwn {number}",
                "Answer as best you can",
                relevant,
                constraint,
                "yes" if number % 4 == 0 else "",
            ]
        )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Cymraeg (cy)"])
    for list_name, options in (("yn", ("yes", "no")), ("help", ("family", "friends", "paid"))):
        for option in options:
            choices.append([list_name, option, option.title(), option.title()])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Benchmark form", "bench", "English (en)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seconds(run: Callable[[], object], repeat: int) -> float:
    """Return the mean seconds of one call, after a warm-up call."""
    run()
    started = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - started) / repeat


def run() -> Iterator[Figure]:
    """Print the import time of a 500-row form, with pyxform's conversion as the baseline."""
    data = make_xlsform()
    result = import_xlsform(data, "bench.xlsx")
    if not result.imported:
        yield Figure(f"xlsform_import_500_rows: failed ({result.report.summary()})", ok=False)
        return
    repeat = int(os.environ.get("BENCH_XLSFORM_REPEAT", "5"))
    ours = seconds(lambda: import_xlsform(data, "bench.xlsx"), repeat)
    baseline = seconds(lambda: convert(data, file_type=".xlsx", warnings=[]), repeat)
    yield Figure(compare("xlsform_import_500_rows", ours, baseline, "s", "pyxform convert"))
