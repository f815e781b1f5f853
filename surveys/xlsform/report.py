"""The import report: every finding about a spreadsheet, tied to its sheet, row and column."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    """How much a finding matters."""

    ERROR = "error"  # the import is refused until this is fixed
    MAPPED = "mapped"  # imported, but changed or left out to fit peer-research
    WARNING = "warning"  # imported as written; worth a look


@dataclass(frozen=True)
class Finding:
    """One thing the importer has to tell the people importing a questionnaire."""

    severity: Severity
    message: str
    sheet: str = ""
    row: int | None = None  # as the file shows it: 1-based, the header is row 1
    column: str = ""  # the column heading as written in the file

    def place(self) -> str:
        """Return where the finding is, in words ("survey sheet, row 14, column 'type'")."""
        parts = []
        if self.sheet:
            parts.append(f"{self.sheet} sheet")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data."""
        return {
            "severity": self.severity.value,
            "sheet": self.sheet or None,
            "row": self.row,
            "column": self.column or None,
            "message": self.message,
        }


HEADINGS = {
    Severity.ERROR: "Problems to fix before the questionnaire can be imported",
    Severity.MAPPED: "Changed or left out to fit peer-research",
    Severity.WARNING: "Worth checking",
}


@dataclass
class ImportReport:
    """Everything found while importing one file, in the order it was found."""

    filename: str = ""
    findings: list[Finding] = field(default_factory=list)
    imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # questions, sections, languages

    def add(
        self,
        severity: Severity,
        message: str,
        *,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
    ) -> None:
        """Record a finding."""
        self.findings.append(Finding(severity, message, sheet, row, column))

    def error(self, message: str, **where: Any) -> None:
        """Record a problem that refuses the import."""
        self.add(Severity.ERROR, message, **where)

    def mapped(self, message: str, **where: Any) -> None:
        """Record something changed or left out to fit peer-research."""
        self.add(Severity.MAPPED, message, **where)

    def warning(self, message: str, **where: Any) -> None:
        """Record something imported as written that is worth a look."""
        self.add(Severity.WARNING, message, **where)

    def of(self, severity: Severity) -> list[Finding]:
        """Return the findings of one severity."""
        return [finding for finding in self.findings if finding.severity == severity]

    @property
    def errors(self) -> list[Finding]:
        """Return the problems that refuse the import."""
        return self.of(Severity.ERROR)

    @property
    def has_errors(self) -> bool:
        """Tell whether anything refuses the import."""
        return any(finding.severity == Severity.ERROR for finding in self.findings)

    def summary(self) -> str:
        """Return one line saying whether the file was imported and what it held."""
        name = self.filename or "The file"
        if not self.imported:
            count = len(self.errors)
            problems = "1 problem" if count == 1 else f"{count} problems"
            return f"{name}: not imported. {problems} to fix first."
        questions = self.counts.get("questions", 0)
        sections = self.counts.get("sections", 0)
        languages = self.counts.get("languages", 0)
        return (
            f"{name}: imported {_plural(questions, 'question')} in "
            f"{_plural(sections, 'section')}, {_plural(languages, 'language')}."
        )

    def as_text(self) -> str:
        """Return the report as plain text for the command line."""
        lines = [self.summary()]
        for severity in Severity:
            findings = self.of(severity)
            if not findings:
                continue
            lines += ["", f"{HEADINGS[severity]} ({len(findings)}):"]
            for finding in findings:
                place = finding.place()
                lines.append(
                    f"  - {place}: {finding.message}" if place else f"  - {finding.message}"
                )
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "file": self.filename,
            "imported": self.imported,
            "counts": {
                **self.counts,
                **{severity.value: len(self.of(severity)) for severity in Severity},
            },
            "findings": [finding.as_dict() for finding in self.findings],
        }

    def as_json(self) -> str:
        """Return the report as a JSON document (machine-readable)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


def _plural(count: int, word: str) -> str:
    """Return "1 question" or "3 questions"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
