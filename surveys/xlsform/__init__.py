"""XLSForm in and out: import a spreadsheet questionnaire with a report; export one pyxform reads.

**API.** ``import_xlsform(data, filename, unsupported="refuse" | "map") -> ImportResult`` with
``.definition`` (a ``FormDefinition``, or None when refused), ``.report`` (an ``ImportReport``:
``findings``, each with ``severity`` error | mapped | warning, ``sheet``, ``row``, ``column``
and a plain-English ``message``; ``summary()``, ``as_text()``, ``as_json()``) and
``.imported``. Bad input never raises: it becomes an error in the report. Any error means no
definition. ``export_xlsform(definition) -> bytes`` writes an ``.xlsx`` (survey, choices and
settings sheets) that ``pyxform.xls2xform.convert`` converts without error.

**Reading.** ``.xlsx``, ``.xls``, ``.csv`` and ``.md`` files are read with pyxform's own
readers, so rows read as pyxform reads them; row numbers are the sheet's (header = row 1) for
workbooks, the file's row for CSV and the file's line for Markdown. Before a workbook is
opened: at most 10 MB, at most 50 MB unpacked, growing at most 100 times (zip bombs), at most
5,000 rows a sheet; formulas are refused, except ``=TRUE()``/``=FALSE()``, read as their value.

**Types.**

| XLSForm | peer-research |
|---|---|
| note, text, integer, decimal, date, time, acknowledge (trigger), calculate | the same |
| text + appearance multiline | long_text |
| select_one LIST, select_multiple LIST (+ ``or_other``: "Other, please say") | the same |
| select_one + likert or faces | rating |
| rank LIST | ranking |
| select_one over exactly the generated yes/no list (``conventions.py``) | yes_no |
| begin/end group, begin/end repeat (+ repeat_count) | Section (repeat=True) |

Kept: labels, hints, constraint and required messages in every language
(``label::English (en)``, ``label:English``, an unmarked ``label`` is in ``default_language``
or English), relevant, constraint, required (yes/true → required, an expression → required_if),
calculation, default, read_only, appearances multiline, minimal, likert, field-list, faces and
quick (others are left out with a note), one picture per question or choice (``image``,
``media::image``), our own ``privacy`` column, and the settings form_title, form_id and
default_language.

What interviews cannot ask is refused, row by row; with ``unsupported="map"`` it is mapped as
``unfieldable.py`` lists (GPS and barcodes asked as text, dateTime as a date, range as a
number between its bounds, today as a hidden calculation, photos, sound, video, files and
device metadata left out, or kept as an empty hidden value when other rows use them). Loops are
refused either way. Every survey row becomes an item or has a line in the report.

**Round trip.** ``import_xlsform(export_xlsform(d)).definition == d`` for every type and field,
given the canonical forms the importer produces: a long_text's appearance leaves out
``multiline`` and a rating's ``likert``; yes/no questions carry no choices; choice questions
carry their ``choice_list``; ``required_if`` is written instead of ``required`` when both are
set; text keeps no leading or trailing spaces and no no-break spaces (pyxform's readers trim
cells and turn no-break spaces into spaces).
"""

from .exporter import export_xlsform
from .file_checks import MAX_BYTES, MAX_RATIO, MAX_ROWS, MAX_UNCOMPRESSED
from .importer import ImportResult, import_xlsform
from .report import Finding, ImportReport, Severity

__all__ = [
    "MAX_BYTES",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "Finding",
    "ImportReport",
    "ImportResult",
    "Severity",
    "export_xlsform",
    "import_xlsform",
]
