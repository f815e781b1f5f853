"""What a questionnaire says: its questions, sections, choices and logic, as plain values.

A `FormDefinition` is the one shape every part of the questionnaire domain shares: the
draft editor builds it from rows, a published version stores it as JSON (frozen), the
XLSForm importer produces it and the exporter reads it, and the interview renders it.
Everything here is immutable and JSON-round-trippable (`to_json` / `from_json`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from typing import Any

# Text in each of the questionnaire's languages: language code -> text ("en" -> "Your age").
Translated = Mapping[str, str]


class QuestionType(enum.StrEnum):
    """The kinds of question a peer researcher can ask."""

    NOTE = "note"  # information only, no answer
    TEXT = "text"  # short text
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TIME = "time"
    YES_NO = "yes_no"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    RATING = "rating"  # a Likert scale: one label per point; easy-read appearance uses faces
    RANKING = "ranking"  # put the choices in order
    ACKNOWLEDGE = "acknowledge"  # "I have read this" (one tick)
    CALCULATE = "calculate"  # a hidden value computed from other answers


class PrivacyClass(enum.StrEnum):
    """How identifying an answer is; the anonymisation pipeline acts on it."""

    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    FREE_TEXT = "free_text"
    NONE = "none"


CHOICE_TYPES = frozenset(
    {
        QuestionType.SELECT_ONE,
        QuestionType.SELECT_MULTIPLE,
        QuestionType.RATING,
        QuestionType.RANKING,
    }
)
ANSWERLESS_TYPES = frozenset({QuestionType.NOTE})
# The answers of a yes/no question that has no choices of its own (the forms offer them).
YES_NO_NAMES = frozenset({"yes", "no"})
# The XLSForm type each question type is written as. Types that share one are told apart by
# an appearance (`multiline`, `likert`) or, for yes/no, by its generated choice list.
XLSFORM_TYPES = {
    QuestionType.NOTE: "note",
    QuestionType.TEXT: "text",
    QuestionType.LONG_TEXT: "text",
    QuestionType.INTEGER: "integer",
    QuestionType.DECIMAL: "decimal",
    QuestionType.DATE: "date",
    QuestionType.TIME: "time",
    QuestionType.YES_NO: "select_one",
    QuestionType.SELECT_ONE: "select_one",
    QuestionType.SELECT_MULTIPLE: "select_multiple",
    QuestionType.RATING: "select_one",
    QuestionType.RANKING: "rank",
    QuestionType.ACKNOWLEDGE: "acknowledge",
    QuestionType.CALCULATE: "calculate",
}


@dataclass(frozen=True)
class Choice:
    """One answer option of a choice question."""

    name: str
    label: Translated
    image: str | None = None  # the stored media file name, for easy read


@dataclass(frozen=True)
class Question:
    """One question, with its wording in every language and its logic."""

    name: str
    type: QuestionType
    label: Translated
    hint: Translated = field(default_factory=dict)
    required: bool = False
    required_if: str = ""  # an expression: required only when it is true (dynamic required)
    required_message: Translated = field(default_factory=dict)
    default: str = ""
    relevance: str = ""  # asked only when this expression is true
    constraint: str = ""  # the answer must make this true ("." is the answer)
    constraint_message: Translated = field(default_factory=dict)
    calculation: str = ""
    choices: tuple[Choice, ...] = ()
    choice_list: str = ""  # the XLSForm list name the choices came from (kept for round trips)
    other_option: bool = False  # select questions: offer "Other, please say" with a text box
    appearance: str = ""  # e.g. "faces" for an easy-read rating, "multiline", "minimal"
    image: str | None = None
    read_only: bool = False
    privacy: PrivacyClass = PrivacyClass.NONE

    kind = "question"


@dataclass(frozen=True)
class Section:
    """A group of questions with its own relevance; a repeat asks them once per item."""

    name: str
    label: Translated
    items: tuple[Item, ...] = ()
    hint: Translated = field(default_factory=dict)
    relevance: str = ""
    repeat: bool = False
    repeat_count: str = ""  # an expression giving how many times; empty: "add as many as needed"
    appearance: str = ""  # e.g. "field-list": show the whole section on one screen

    kind = "section"


Item = Question | Section


@dataclass(frozen=True)
class Language:
    """A language of the questionnaire: its code and the name people read."""

    code: str  # BCP 47, e.g. "en", "cy", "ar", "zh"
    name: str  # e.g. "English", "Cymraeg"

    @property
    def right_to_left(self) -> bool:
        """Tell whether the language is written right to left."""
        return self.code.split("-")[0] in RIGHT_TO_LEFT_LANGUAGES


RIGHT_TO_LEFT_LANGUAGES = frozenset({"ar", "fa", "he", "ps", "sd", "ug", "ur", "yi", "dv", "ckb"})


@dataclass(frozen=True)
class FormDefinition:
    """A whole questionnaire: title, languages and items in order."""

    title: str
    languages: tuple[Language, ...]
    items: tuple[Item, ...] = ()
    form_id: str = ""

    @property
    def default_language(self) -> Language:
        """Return the first language: the one every text must have."""
        return self.languages[0]

    def walk(self) -> Iterator[tuple[Item, tuple[Section, ...]]]:
        """Yield every item in order with the sections it sits in (outermost first)."""
        yield from _walk(self.items, ())

    def questions(self) -> Iterator[Question]:
        """Yield every question in order, inside sections too."""
        for item, _parents in self.walk():
            if isinstance(item, Question):
                yield item

    def find(self, name: str) -> Item | None:
        """Return the item with this name, wherever it is."""
        return next((item for item, _parents in self.walk() if item.name == name), None)


def with_text(texts: Translated, language: str, text: str | None) -> dict[str, str]:
    """Return a copy of the texts with one language's text set (removed when it is empty)."""
    merged = dict(texts)
    if text and text.strip():
        merged[language] = text.strip()
    else:
        merged.pop(language, None)
    return merged


# How many sections may sit one inside another. Real questionnaires use two or three; past
# ten nobody answering can follow where they are, and deeper trees (a hostile file can send
# hundreds) exhaust the recursion of every page that draws them. Import and editor refuse it.
MAX_SECTION_DEPTH = 10


def section_depth(definition: FormDefinition, section: str | None) -> int:
    """Return how many sections deep a section is, itself counted (0: the top level)."""
    if section is None:
        return 0
    return next(
        (len(parents) + 1 for item, parents in definition.walk() if item.name == section), 0
    )


def nesting_height(item: Item) -> int:
    """Return how many levels of sections an item brings with it (0 for a question)."""
    if not isinstance(item, Section):
        return 0
    return 1 + max((nesting_height(child) for child in item.items), default=0)


def fits_nesting_limit(definition: FormDefinition, item: Item, section: str | None) -> bool:
    """Tell whether an item put into a section keeps every section within the depth limit."""
    return section_depth(definition, section) + nesting_height(item) <= MAX_SECTION_DEPTH


def _walk(items: tuple[Item, ...], parents: tuple[Section, ...]):
    for item in items:
        yield item, parents
        if isinstance(item, Section):
            yield from _walk(item.items, (*parents, item))


# JSON -----------------------------------------------------------------------------------


def to_json(definition: FormDefinition) -> dict[str, Any]:
    """Return the definition as JSON-ready data."""
    return {
        "title": definition.title,
        "form_id": definition.form_id,
        "languages": [{"code": lang.code, "name": lang.name} for lang in definition.languages],
        "items": [item_to_json(item) for item in definition.items],
    }


def item_to_json(item: Item) -> dict[str, Any]:
    """Return one item (and any nested items) as JSON-ready data, leaving out defaults."""
    data: dict[str, Any] = {"kind": item.kind}
    for spec in fields(item):
        value = getattr(item, spec.name)
        if spec.name == "items":
            data["items"] = [item_to_json(child) for child in value]
        elif spec.name == "choices":
            if value:
                data["choices"] = [_choice_to_json(choice) for choice in value]
        elif _is_default(spec, value):
            continue
        elif isinstance(value, Mapping):
            data[spec.name] = dict(value)
        else:
            data[spec.name] = value.value if isinstance(value, enum.Enum) else value
    return data


def _choice_to_json(choice: Choice) -> dict[str, Any]:
    data: dict[str, Any] = {"name": choice.name, "label": dict(choice.label)}
    if choice.image:
        data["image"] = choice.image
    return data


def _is_default(spec: Field, value: Any) -> bool:
    """Tell whether a field holds its default value (left out of the JSON)."""
    if spec.default_factory is not MISSING:
        return value == spec.default_factory()
    return spec.default is not MISSING and value == spec.default


def from_json(data: Mapping[str, Any]) -> FormDefinition:
    """Rebuild a definition from `to_json` data."""
    return FormDefinition(
        title=data["title"],
        form_id=data.get("form_id", ""),
        languages=tuple(Language(lang["code"], lang["name"]) for lang in data["languages"]),
        items=tuple(item_from_json(item) for item in data.get("items", [])),
    )


def item_from_json(data: Mapping[str, Any]) -> Item:
    """Rebuild one item from `item_to_json` data."""
    values = {key: value for key, value in data.items() if key != "kind"}
    if data["kind"] == "section":
        values["items"] = tuple(item_from_json(child) for child in values.get("items", []))
        return Section(**values)
    values["type"] = QuestionType(values["type"])
    if "privacy" in values:
        values["privacy"] = PrivacyClass(values["privacy"])
    values["choices"] = tuple(Choice(**choice) for choice in values.get("choices", []))
    return Question(**values)


def with_items(section_or_form, items: tuple[Item, ...]):
    """Return a copy of a section or form with other items."""
    return replace(section_or_form, items=items)
