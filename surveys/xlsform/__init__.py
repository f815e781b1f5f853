"""XLSForm in and out: import a spreadsheet questionnaire with a report, export one pyxform reads.

`import_xlsform(data, filename, unsupported="refuse"|"map")` returns an `ImportResult`
(`.definition`, `.report`, `.imported`); `export_xlsform(definition)` returns `.xlsx` bytes.
"""

from .exporter import export_xlsform
from .importer import ImportResult, import_xlsform
from .reader import MAX_BYTES, MAX_RATIO, MAX_ROWS, MAX_UNCOMPRESSED
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
