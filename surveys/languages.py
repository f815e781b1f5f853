"""A questionnaire's languages: reading them in order, and checking a language to add."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _

from peer_research.errors import DomainError
from surveys import definition as d
from surveys.models import Questionnaire

# A BCP 47-like code: two or three letters, then subtags such as a region or script (pt-BR).
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
MAX_CODE_LENGTH = 35
MAX_NAME_LENGTH = 60


def languages_of(questionnaire: Questionnaire) -> tuple[d.Language, ...]:
    """Return the questionnaire's languages, the default first."""
    return tuple(d.Language(lang["code"], lang["name"]) for lang in questionnaire.languages)


def normalise_code(code: str) -> str:
    """Return a BCP 47-like code in its usual letter case: pt-br -> pt-BR, zh-hant -> zh-Hant."""
    language, *subtags = code.strip().split("-")
    tidy = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 2 and subtag.isalpha():
            tidy.append(subtag.upper())  # a region
        elif len(subtag) == 4 and subtag.isalpha():
            tidy.append(subtag.title())  # a script
        else:
            tidy.append(subtag.lower())
    return "-".join(tidy)


def check_new_language(code: str, name: str, *, existing: Iterable[d.Language]) -> d.Language:
    """Return a language to add, tidied, or refuse a bad code or name or one already there."""
    code, name = (code or "").strip(), " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the language's name."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(_("Use 60 characters or fewer."), field="name")
    if len(code) > MAX_CODE_LENGTH or not LANGUAGE_CODE.fullmatch(code):
        raise DomainError(_("Use a language code like cy, ur or pt-BR."), field="code")
    code = normalise_code(code)
    for language in existing:
        if language.code.casefold() == code.casefold():
            raise DomainError(
                _("The questionnaire already has %(language)s.", language=language.name),
                field="code",
            )
        if language.name.casefold() == name.casefold():
            raise DomainError(
                _("Another language is already called %(name)s.", name=language.name),
                field="name",
            )
    return d.Language(code, name)
