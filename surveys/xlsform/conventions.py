"""How peer-research writes what XLSForm has no column for, so the importer can read it back."""

from __future__ import annotations

from collections.abc import Iterable

from surveys.definition import Choice, Language

# Appearances peer-research interviews honour; others are reported and left out.
SUPPORTED_APPEARANCES = frozenset(
    {"multiline", "minimal", "likert", "field-list", "faces", "quick"}
)
SECTION_APPEARANCES = frozenset({"field-list"})

# A yes/no question is written as `select_one yes_no` with exactly these two choices; a
# select_one whose list is exactly this (names and labels, every language) reads back as
# yes/no. Any other list, even one called yes_no, stays a select_one.
YES_NO_LIST = "yes_no"
YES_NO_WORDS = {
    "en": ("Yes", "No"),
    "cy": ("Ie", "Na"),
    "ga": ("Tá", "Níl"),
    "gd": ("Tha", "Chan eil"),
    "fr": ("Oui", "Non"),
    "de": ("Ja", "Nein"),
    "es": ("Sí", "No"),
    "it": ("Sì", "No"),
    "pt": ("Sim", "Não"),
    "nl": ("Ja", "Nee"),
    "pl": ("Tak", "Nie"),
    "ro": ("Da", "Nu"),
    "tr": ("Evet", "Hayır"),  # noqa: RUF001 (Turkish dotless i)
    "so": ("Haa", "Maya"),
    "ar": ("نعم", "لا"),
    "fa": ("بله", "خیر"),
    "ur": ("ہاں", "نہیں"),
    "he": ("כן", "לא"),
    "hi": ("हाँ", "नहीं"),
    "pa": ("ਹਾਂ", "ਨਹੀਂ"),
    "bn": ("হ্যাঁ", "না"),
    "gu": ("હા", "ના"),
    "zh": ("是", "否"),
}
TRUE_WORDS = frozenset({"yes", "true", "true()"})
FALSE_WORDS = frozenset({"no", "false", "false()"})


def yes_no_choices(languages: Iterable[Language]) -> tuple[Choice, Choice]:
    """Return the two choices written for a yes/no question, in every language."""
    codes = [language.code for language in languages]
    words = {code: YES_NO_WORDS.get(code.split("-")[0], YES_NO_WORDS["en"]) for code in codes}
    return (
        Choice("yes", {code: yes for code, (yes, _no) in words.items()}),
        Choice("no", {code: no for code, (_yes, no) in words.items()}),
    )


def is_yes_no_list(choices: tuple[Choice, ...], languages: Iterable[Language]) -> bool:
    """Tell whether a choice list is exactly the one written for yes/no questions."""
    return choices == yes_no_choices(languages)
