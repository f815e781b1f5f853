"""What each column of an XLSForm sheet means to peer-research.

Column headings are split and de-aliased with pyxform's own `process_header`, so old-style
headings (`bind:constraint`, `label:English`, `control:appearance`) and aliases
(`constraint_message`, `requiredMsg`, `image`) read as they do in pyxform; we then map the
parts to the fields of `surveys.definition`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyxform import aliases
from pyxform.parsing.sheet_headers import process_header
from pyxform.question import MultipleChoiceQuestion, Option

from .reader import Row

# Column parts (after pyxform's de-aliasing) -> our field, for columns with one value a row.
SURVEY_FIELDS = {
    ("type",): "type",
    ("name",): "name",
    ("bind", "relevant"): "relevant",
    ("bind", "constraint"): "constraint",
    ("bind", "required"): "required",
    ("bind", "calculate"): "calculation",
    ("bind", "readonly"): "read_only",
    ("default",): "default",
    ("control", "appearance"): "appearance",
    ("control", "jr:count"): "repeat_count",
    ("privacy",): "privacy",
    ("choice_filter",): "choice_filter",
    ("trigger",): "trigger",
    ("parameters",): "parameters",
    ("disabled",): "disabled",
}
# Column parts -> our field, for columns that may be written once per language.
SURVEY_TRANSLATED = {
    ("label",): "label",
    ("hint",): "hint",
    ("bind", "jr:constraintMsg"): "constraint_message",
    ("bind", "jr:requiredMsg"): "required_message",
    ("media", "image"): "image",
}
CHOICE_FIELDS = {("list name",): "list_name", ("name",): "name"}
CHOICE_TRANSLATED = {("label",): "label", ("media", "image"): "image"}
SETTINGS_FIELDS = {
    ("title",): "title",
    ("id_string",): "form_id",
    ("default_language",): "default_language",
}
# Fields whose values are expressions: pyxform turns "smart" quotes in them into plain ones.
EXPRESSION_FIELDS = frozenset(
    {"relevant", "constraint", "required", "calculation", "read_only", "default", "repeat_count"}
)
TEXT_FIELDS = frozenset({"label", "hint", "constraint_message", "required_message"})
# Why a column XLSForm knows is left out, by its leading parts.
UNUSED_NOTES = {
    ("media", "audio"): "plays sound files, which peer-research interviews do not",
    ("media", "video"): "plays videos, which peer-research interviews do not",
    ("media", "big-image"): "shows a larger picture on a tap, which peer-research does not",
    ("guidance_hint",): "holds guidance for interviewers, which peer-research does not show",
    ("control", "autoplay"): "plays media by itself, which peer-research does not",
    ("control", "rows"): "sets the height of a text box; peer-research sizes boxes itself",
    ("bind", "jr:noAppErrorString"): "belongs to questions that open other apps",
    ("instance",): "adds data for other software",
    ("body",): "sets options of ODK's own screens",
}
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its heading as written and what it means."""

    header: str
    field: str  # our field name, or "" when peer-research does not use the column
    language: str | None = None  # the language part as written ("English (en)"); None: none
    known: bool = True  # an XLSForm column, rather than the sheet's own notes
    note: str = ""  # why an XLSForm column is left out, when there is more to say


@dataclass
class SheetColumns:
    """The columns of one sheet, grouped by the field they fill."""

    by_field: dict[str, list[Column]] = field(default_factory=dict)
    unused: list[Column] = field(default_factory=list)

    def columns(self, name: str) -> list[Column]:
        """Return the columns that fill a field."""
        return self.by_field.get(name, [])

    def value(self, row: Row, name: str) -> str:
        """Return a row's value for a single-valued field ("" when empty)."""
        for column in self.columns(name):
            value = row.cells.get(column.header, "").strip()
            if value:
                return value.translate(SMART_QUOTES) if name in EXPRESSION_FIELDS else value
        return ""

    def translated(
        self, row: Row, name: str, code_of: Callable[[str | None], str]
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Return a row's text per language code, and (heading, text) pairs that lost out.

        A column that names its language wins over one that does not (`label::English (en)`
        over `label`) when both are in the same language.
        """
        texts: dict[str, str] = {}
        lost: list[tuple[str, str]] = []
        for column in sorted(self.columns(name), key=lambda column: column.language is None):
            value = row.cells.get(column.header, "")
            if not value.strip():
                continue
            code = code_of(column.language)
            if code in texts:
                if texts[code] != value:
                    lost.append((column.header, value))
                continue
            texts[code] = value
        return texts, lost

    def header(self, name: str) -> str:
        """Return the heading of the column that fills a field, as written."""
        columns = self.columns(name)
        return columns[0].header if columns else name


_SURVEY_COLUMNS = set(MultipleChoiceQuestion.get_slot_names())
_CHOICE_COLUMNS = set(Option.get_slot_names())


def survey_columns(headers: Iterable[str]) -> SheetColumns:
    """Return what each column of the survey sheet means."""
    return _classify(
        headers, aliases.survey_header, _SURVEY_COLUMNS, SURVEY_FIELDS, SURVEY_TRANSLATED
    )


def choice_columns(headers: Iterable[str]) -> SheetColumns:
    """Return what each column of the choices sheet means."""
    return _classify(
        headers, aliases.list_header, _CHOICE_COLUMNS, CHOICE_FIELDS, CHOICE_TRANSLATED
    )


def settings_columns(headers: Iterable[str]) -> SheetColumns:
    """Return what each column of the settings sheet means."""
    return _classify(headers, aliases.settings_header, set(), SETTINGS_FIELDS, {})


def _classify(
    headers: Iterable[str],
    header_aliases: dict,
    known_columns: set[str],
    plain: dict[tuple[str, ...], str],
    translated: dict[tuple[str, ...], str],
) -> SheetColumns:
    """Group a sheet's columns by field, splitting headings as pyxform does."""
    headers = list(headers)
    use_double_colon = any("::" in header for header in headers)
    result = SheetColumns()
    for header in headers:
        new_header, parts = process_header(header, use_double_colon, header_aliases, known_columns)
        column = _column(header, tuple(parts), plain, translated)
        if column.field:
            result.by_field.setdefault(column.field, []).append(column)
        else:
            known = new_header != header or parts[0] in known_columns
            result.unused.append(Column(header, "", None, known, _unused_note(tuple(parts))))
    return result


def _column(
    header: str,
    parts: tuple[str, ...],
    plain: dict[tuple[str, ...], str],
    translated: dict[tuple[str, ...], str],
) -> Column:
    """Return the field (and language) a split heading fills."""
    if parts in plain:
        return Column(header, plain[parts])
    for prefix, name in translated.items():
        if parts[: len(prefix)] == prefix:
            rest = parts[len(prefix) :]
            return Column(header, name, "::".join(rest) if rest else None)
    return Column(header, "")


def _unused_note(parts: tuple[str, ...]) -> str:
    """Return why a column is left out, if there is more to say than that it is."""
    for prefix, note in UNUSED_NOTES.items():
        if parts[: len(prefix)] == prefix:
            return note
    return ""
