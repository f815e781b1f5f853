"""Turning what someone typed for one language into the whole consent form they suggest.

The suggestion form shows one language at a time. In the form's main language it also says
which statements there are (each one's name in the data, what it is about and whether it must
be agreed to); in any other language it gives only the words, for the statements the form
already has. A language the form does not have yet is added with its name: a translation.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from consent.content import LANGUAGE_CODE, MAX_LANGUAGES, MAX_TEXT, STATEMENT_KEY, StatementPurpose
from consent.wording.markup import sheet_to_text, text_to_sheet
from peer_research.errors import DomainError

MAX_SHEET = 40_000  # characters in the information sheet's box
MAX_LANGUAGE_CODE = 35  # what a suggestion's language column holds
DECIDE_WITHIN = timedelta(days=7)  # the closing day a suggestion form starts with


def is_language_code(code: str) -> bool:
    """Tell whether a text is a language code a consent form can have (cy, pt-BR)."""
    return len(code or "") <= MAX_LANGUAGE_CODE and bool(LANGUAGE_CODE.match(code or ""))


@dataclass(frozen=True)
class EasyReadRow:
    """One easy-read sentence as typed, with its picture's stored name and description."""

    text: str = ""
    picture: str = ""
    alt: str = ""

    @property
    def is_blank(self) -> bool:
        """Tell whether nothing was typed or chosen in this row."""
        return not (self.text.strip() or self.picture or self.alt.strip())


@dataclass(frozen=True)
class StatementRow:
    """One statement as typed: its name in the data, purpose, whether it must be agreed to,
    and its words in the language being written."""

    key: str = ""
    purpose: str = StatementPurpose.OTHER.value
    required: bool = False
    text: str = ""
    easy_read: str = ""

    @property
    def is_blank(self) -> bool:
        """Tell whether nothing was typed in this row."""
        return not (self.key.strip() or self.text.strip() or self.easy_read.strip())


@dataclass(frozen=True)
class WordingInput:
    """Everything the suggestion form holds for one language."""

    language: str
    title: str = ""
    sheet: str = ""
    easy_read: list[EasyReadRow] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    withdraw: str = ""
    language_name: str = ""  # for a language the form does not have yet


def _text(value: str, field_name: str, *, required: bool, what: str, most: int = MAX_TEXT) -> str:
    """Return typed text stripped, or refuse it beside its field."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Enter %(what)s.", what=what), field=field_name)
    if len(value) > most:
        raise DomainError(_("Use %(n)d characters or fewer.", n=most), field=field_name)
    return value


def suggested_document(draft: dict[str, Any], typed: WordingInput) -> dict[str, Any]:
    """Return the whole form the person suggests: the draft with one language's words (and,
    in the main language, its statements) as typed. Raises DomainError beside the field."""
    document = copy.deepcopy(draft)
    language = typed.language
    if not is_language_code(language):
        raise DomainError(_("That is not a language code we can use."))
    main = document["languages"][0]
    if language not in document["languages"]:
        _add_language(document, language, typed.language_name)
    required = language == main
    document.setdefault("title", {})[language] = _text(
        typed.title, "title", required=required, what=_("the title")
    )
    sheet_text = _text(
        typed.sheet, "sheet", required=required, what=_("the information sheet"), most=MAX_SHEET
    )
    document.setdefault("sheet", {})[language] = text_to_sheet(sheet_text)
    document.setdefault("easy_read", {})[language] = _easy_read(typed.easy_read)
    document.setdefault("withdraw", {})[language] = _text(
        typed.withdraw, "withdraw", required=required, what=_("how to stop taking part")
    )
    if language == main:
        document["statements"] = _statements_in_main(document["statements"], typed, language)
    else:
        _statement_words(document["statements"], typed, language)
    return _without_empty(document)


def _add_language(document: dict[str, Any], language: str, name: str) -> None:
    """Add a new language, with the name people know it by."""
    name = _text(name, "language_name", required=True, what=_("the language's name"), most=60)
    if len(document["languages"]) >= MAX_LANGUAGES:
        raise DomainError(_("A consent form can have at most %(n)d languages.", n=MAX_LANGUAGES))
    document["languages"].append(language)
    document.setdefault("language_names", {})[language] = name


def _easy_read(rows: list[EasyReadRow]) -> list[dict[str, Any]]:
    """Return the easy-read parts typed, in order, leaving out empty rows."""
    parts = []
    for index, row in enumerate(rows):
        if row.is_blank:
            continue
        prefix = f"easy_read-{index}"
        text = _text(row.text, f"{prefix}-text", required=True, what=_("the easy-read words"))
        alt = _text(
            row.alt, f"{prefix}-alt", required=bool(row.picture), what=_("what the picture shows")
        )
        parts.append({"text": text, "picture": row.picture or None, "alt": alt})
    return parts


def _statements_in_main(
    current: list[dict[str, Any]], typed: WordingInput, language: str
) -> list[dict[str, Any]]:
    """Return the statements as typed in the main language, keeping their other languages."""
    by_key = {statement["key"]: statement for statement in current}
    statements, seen = [], set()
    for index, row in enumerate(typed.statements):
        if row.is_blank:
            continue
        prefix = f"statements-{index}"
        key = (row.key or "").strip()
        if not key:
            raise DomainError(
                _("Give the statement a short name for the data, like quotes."),
                field=f"{prefix}-key",
            )
        if not STATEMENT_KEY.match(key):
            raise DomainError(
                _("Use only small letters, digits and _ in the name, starting with a letter."),
                field=f"{prefix}-key",
            )
        if key in seen:
            raise DomainError(_("Two statements have this name."), field=f"{prefix}-key")
        seen.add(key)
        try:
            purpose = StatementPurpose(row.purpose).value
        except ValueError:
            raise DomainError(
                _("Choose what the statement is about."), field=f"{prefix}-purpose"
            ) from None
        before = by_key.get(key, {})
        text = dict(before.get("text", {}))
        easy = dict(before.get("easy_read", {}))
        text[language] = _text(row.text, f"{prefix}-text", required=True, what=_("the statement"))
        easy[language] = _text(row.easy_read, f"{prefix}-easy_read", required=False, what="")
        statements.append(
            {
                "key": key,
                "purpose": purpose,
                "required": bool(row.required),
                "text": text,
                "easy_read": easy,
            }
        )
    return statements


def _statement_words(statements: list[dict[str, Any]], typed: WordingInput, language: str) -> None:
    """Put one language's words on the form's statements (their names come from the form)."""
    by_key = {statement["key"]: statement for statement in statements}
    for index, row in enumerate(typed.statements):
        if row.is_blank:
            continue
        statement = by_key.get((row.key or "").strip())
        if statement is None:
            raise DomainError(_("That statement is not in the consent form."))
        prefix = f"statements-{index}"
        statement.setdefault("text", {})[language] = _text(
            row.text, f"{prefix}-text", required=False, what=""
        )
        statement.setdefault("easy_read", {})[language] = _text(
            row.easy_read, f"{prefix}-easy_read", required=False, what=""
        )


def _without_empty(document: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty texts, so a language without a part reads as not having it."""
    for part in ("title", "sheet", "easy_read", "withdraw"):
        document[part] = {code: value for code, value in document.get(part, {}).items() if value}
    for statement in document.get("statements", []):
        for part in ("text", "easy_read"):
            statement[part] = {code: v for code, v in statement.get(part, {}).items() if v}
    return document


def wording_of(document: dict[str, Any], language: str) -> WordingInput:
    """Return one language's words of a form as the suggestion form shows them."""
    return WordingInput(
        language=language,
        title=document.get("title", {}).get(language, ""),
        sheet=sheet_to_text(document.get("sheet", {}).get(language, [])),
        easy_read=[
            EasyReadRow(text=p["text"], picture=p.get("picture") or "", alt=p.get("alt", ""))
            for p in document.get("easy_read", {}).get(language, [])
        ],
        statements=[
            StatementRow(
                key=s["key"],
                purpose=s["purpose"],
                required=s["required"],
                text=s.get("text", {}).get(language, ""),
                easy_read=s.get("easy_read", {}).get(language, ""),
            )
            for s in document.get("statements", [])
        ],
        withdraw=document.get("withdraw", {}).get(language, ""),
        language_name=document.get("language_names", {}).get(language, ""),
    )
