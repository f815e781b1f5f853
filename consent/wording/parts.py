"""The consent form cut into parts, so that a suggestion changes only what it is about.

A suggestion keeps the parts it changes as they were and as they would be. When the group
accepts it, it is made only if those parts are still as they were in the draft: two
suggestions about different parts (the Welsh information sheet and the English statements)
never stand in each other's way, and one about a part that changed meanwhile is not made.

The parts, by key (`L` is a language code):

- `languages`: the form's languages and their names;
- `title:L`, `withdraw:L`: texts; `sheet:L`: the information sheet's blocks;
  `easy_read:L`: the easy-read sheet's parts;
- `statements`: each statement's name in the data, purpose and whether it must be agreed to,
  in order; `statement_words:L`: each statement's wording and easy-read wording, by name.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consent.content import read_content
from peer_research.errors import DomainError

LANGUAGES = "languages"
STATEMENTS = "statements"
PER_LANGUAGE = ("title", "sheet", "easy_read", "statement_words", "withdraw")
EMPTY: dict[str, Any] = {
    "title": "",
    "sheet": [],
    "easy_read": [],
    "statement_words": {},
    "withdraw": "",
}


class StalePartError(DomainError):
    """A part a suggestion changes is no longer as it was when the suggestion was written."""

    def __init__(self, part: str) -> None:
        super().__init__(_("The draft changed in the same place: %(what)s.", what=describe(part)))
        self.part = part


def key(kind: str, language: str | None = None) -> str:
    """Return a part's key ("sheet:cy"; "statements" for the parts of no language)."""
    return f"{kind}:{language}" if language else kind


def describe(part: str) -> str:
    """Say which part of the form a key names, in plain words."""
    kind, _sep, language = part.partition(":")
    names = {
        LANGUAGES: _("the form's languages"),
        STATEMENTS: _("which statements there are"),
        "title": _("the title"),
        "sheet": _("the information sheet"),
        "easy_read": _("the easy-read sheet"),
        "statement_words": _("the wording of the statements"),
        "withdraw": _("how to stop taking part"),
    }
    what = names.get(kind, part)
    return f"{what} ({language})" if language else what


def split(document: dict[str, Any]) -> dict[str, Any]:
    """Return every part of a stored form, each language's parts given even when empty."""
    languages = list(document.get("languages") or [])
    parts: dict[str, Any] = {
        LANGUAGES: {
            "languages": languages,
            "language_names": {
                code: (document.get("language_names") or {}).get(code, code) for code in languages
            },
        },
        STATEMENTS: [
            {"key": s["key"], "purpose": s["purpose"], "required": s["required"]}
            for s in document.get("statements") or []
        ],
    }
    for language in languages:
        parts[key("title", language)] = (document.get("title") or {}).get(language, "")
        parts[key("sheet", language)] = (document.get("sheet") or {}).get(language, [])
        parts[key("easy_read", language)] = (document.get("easy_read") or {}).get(language, [])
        parts[key("withdraw", language)] = (document.get("withdraw") or {}).get(language, "")
        parts[key("statement_words", language)] = {
            s["key"]: {
                "text": s.get("text", {}).get(language, ""),
                "easy_read": s.get("easy_read", {}).get(language, ""),
            }
            for s in document.get("statements") or []
            if s.get("text", {}).get(language) or s.get("easy_read", {}).get(language)
        }
    return parts


def join(parts: dict[str, Any]) -> dict[str, Any]:
    """Return the stored form made of these parts (parts of other languages are left out)."""
    languages = parts[LANGUAGES]["languages"]

    def texts(kind: str) -> dict[str, Any]:
        found = {code: parts.get(key(kind, code), EMPTY[kind]) for code in languages}
        return {code: value for code, value in found.items() if value}

    words = {code: parts.get(key("statement_words", code), {}) for code in languages}
    statements = []
    for shape in parts[STATEMENTS]:
        said = {code: words[code].get(shape["key"], {}) for code in languages}
        statements.append(
            {
                **shape,
                "text": {code: w["text"] for code, w in said.items() if w.get("text")},
                "easy_read": {
                    code: w["easy_read"] for code, w in said.items() if w.get("easy_read")
                },
            }
        )
    return {
        "languages": list(languages),
        "language_names": dict(parts[LANGUAGES]["language_names"]),
        "title": texts("title"),
        "sheet": texts("sheet"),
        "easy_read": texts("easy_read"),
        "statements": statements,
        "withdraw": texts("withdraw"),
    }


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Return the parts that differ between two forms: as they were, and as they would be."""
    old, new = split(before), split(after)
    changed = sorted(k for k in old.keys() | new.keys() if _value(old, k) != _value(new, k))
    return {k: _value(old, k) for k in changed}, {k: _value(new, k) for k in changed}


def _value(parts: dict[str, Any], part: str) -> Any:
    """Return a part's value; a missing language's part is empty."""
    if part in parts:
        return parts[part]
    return EMPTY.get(part.partition(":")[0])


def stale_part(current: dict[str, Any], base: dict[str, Any]) -> str | None:
    """Return the first part that is no longer as it was in `base`, or None."""
    parts = split(current)
    return next((k for k in sorted(base) if _value(parts, k) != base[k]), None)


def apply(current: dict[str, Any], base: dict[str, Any], proposed: dict[str, Any]) -> dict:
    """Return the draft with a suggestion's parts made, checked; raise StalePartError when a
    part changed since it was written, DomainError when the result is not a whole form."""
    stale = stale_part(current, base)
    if stale is not None:
        raise StalePartError(stale)
    parts = split(current) | proposed
    return read_content(join(parts)).to_json()
