"""Turn the language parts of XLSForm column headings into the questionnaire's languages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from babel import Locale

from surveys.definition import Language

ENGLISH = Language("en", "English")
# "English (en)", "Cymraeg (cy)", "Português (pt-BR)": the form XLSForm recommends.
WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\)$")


@dataclass(frozen=True)
class ResolvedLanguage:
    """A language heading part read as a language, and whether its code was made up."""

    language: Language
    code_made_up: bool = False


def resolve(written: str) -> ResolvedLanguage:
    """Read a written language ("English (en)", "english", "en", "Kiswahili") as a language."""
    written = written.strip()
    match = WITH_CODE.match(written)
    if match:
        code = _normal_code(match["code"])
        return ResolvedLanguage(Language(code, match["name"] or _english_name(code) or code))
    if written.lower() in _english_names_by_code():
        code = written.lower()
        return ResolvedLanguage(Language(code, _english_name(code) or code))
    code = _codes_by_english_name().get(written.lower())
    if code:
        return ResolvedLanguage(Language(code, _english_name(code) or written))
    made_up = re.sub(r"[^a-z0-9]+", "-", written.lower()).strip("-") or "und"
    return ResolvedLanguage(Language(made_up, written), code_made_up=True)


def heading(language: Language) -> str:
    """Return the language part of a column heading for a language ("English (en)")."""
    return f"{language.name} ({language.code})"


@dataclass
class LanguagePlan:
    """The questionnaire's languages (default first) and the code each heading part stands for."""

    languages: list[Language] = field(default_factory=list)
    codes: dict[str | None, str] = field(default_factory=dict)
    made_up: list[str] = field(default_factory=list)  # heading parts given a made-up code

    @property
    def default(self) -> Language:
        """Return the default language: the first."""
        return self.languages[0]

    def code_of(self, part: str | None) -> str:
        """Return the language code a heading's language part stands for."""
        if part not in self.codes:
            self.codes[part] = resolve(part or "").language.code
        return self.codes[part]

    def add(self, part: str | None) -> None:
        """Add the language a heading part names, unless one with its code is there already."""
        if part is None:
            return
        resolved = resolve(part)
        self.codes.setdefault(part, resolved.language.code)
        if resolved.code_made_up and part not in self.made_up:
            self.made_up.append(part)
        if all(known.code != resolved.language.code for known in self.languages):
            self.languages.append(resolved.language)


def plan_languages(
    used_label_parts: list[str | None], all_parts: list[str | None], default_setting: str
) -> LanguagePlan:
    """Return the questionnaire's languages, default first, from its text columns.

    The parts are the language parts of column headings, in sheet order: `used_label_parts`
    of label columns holding some text, `all_parts` of every text column (label, hint,
    messages), empty or not, since a column with no text yet still declares a language.
    None stands for a column with no language (`label`); such columns are in the default
    language: the settings sheet's `default_language`, else English when an unmarked label
    column is used, else the language of the first label column in use.
    """
    plan = LanguagePlan()
    default_part: str | None = None
    if default_setting:
        default_part = default_setting
    elif used_label_parts and None not in used_label_parts:
        default_part = used_label_parts[0]
    elif not used_label_parts and None not in all_parts and any(all_parts):
        default_part = next(part for part in all_parts if part is not None)
    if default_part is None:
        plan.languages.append(ENGLISH)
        plan.codes[None] = ENGLISH.code
    else:
        plan.add(default_part)
        plan.codes[None] = plan.languages[0].code
    for part in all_parts:
        plan.add(part)
    return plan


def _normal_code(code: str) -> str:
    """Return a language code in its usual case: "en", "pt-BR", "zh-Hant"."""
    first, *rest = code.split("-")
    tidy = [first.lower()]
    for part in rest:
        tidy.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(tidy)


def _english_name(code: str) -> str | None:
    """Return the English name of a language code, if Babel knows it."""
    return _english_names_by_code().get(code.split("-")[0].lower())


@cache
def _english_names_by_code() -> dict[str, str]:
    """Return Babel's English names of languages, by two- or three-letter code."""
    names = Locale("en").languages
    return {code: name for code, name in names.items() if re.fullmatch(r"[a-z]{2,3}", code)}


@cache
def _codes_by_english_name() -> dict[str, str]:
    """Return language codes by lower-case English name ("chinese" -> "zh")."""
    codes: dict[str, str] = {}
    for code, name in _english_names_by_code().items():
        codes.setdefault(name.lower(), code)
    return codes
