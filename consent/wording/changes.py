"""What changed in a consent form, part by part and word by word, for people to read.

Each part is written out as plain text (the information sheet as people write it, each
statement on its own line) and compared with `peer_research.worddiff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consent.content import StatementPurpose
from consent.wording import parts
from consent.wording.markup import sheet_to_text
from peer_research.worddiff import Op, word_diff

# What each kind of statement is about, in plain words (a "no" to quotes or to being
# contacted again binds what the study may do later).
PURPOSE_NAMES = {
    StatementPurpose.TAKE_PART.value: _l("taking part"),
    StatementPurpose.QUOTES.value: _l("using their words as quotes"),
    StatementPurpose.RECONTACT.value: _l("being contacted again"),
    StatementPurpose.OTHER.value: _l("something else"),
}


@dataclass(frozen=True)
class ChangeLine:
    """One part that changed: which, and its words before and after, marked."""

    part: str  # the part's key
    title: str  # the part in plain words
    diff: list[tuple[Op, str]]


def as_text(part: str, value: Any) -> str:
    """Write one part's value out as plain text."""
    kind = part.partition(":")[0]
    if value in (None, "", [], {}):
        return ""
    if kind in ("title", "withdraw"):
        return str(value)
    if kind == "sheet":
        return sheet_to_text(value)
    if kind == "easy_read":
        return "\n".join(
            f"{p['text']}" + (f" [{_('picture')}: {p.get('alt', '')}]" if p.get("picture") else "")
            for p in value
        )
    if kind == parts.STATEMENTS:
        return "\n".join(
            f"{s['key']}: {PURPOSE_NAMES.get(s['purpose'], s['purpose'])}, "
            + (_("must be agreed to") if s["required"] else _("can be left out"))
            for s in value
        )
    if kind == "statement_words":
        return "\n".join(
            f"{name}: {words.get('text', '')}"
            + (f" ({_('easy read')}: {words['easy_read']})" if words.get("easy_read") else "")
            for name, words in value.items()
        )
    if kind == parts.LANGUAGES:
        names = value.get("language_names", {})
        return ", ".join(f"{names.get(code, code)} ({code})" for code in value["languages"])
    return str(value)


def change_lines(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    before_parts: dict[str, Any] | None = None,
    after_parts: dict[str, Any] | None = None,
) -> list[ChangeLine]:
    """Return the parts that differ between two forms (or two sets of parts), marked."""
    if before_parts is None or after_parts is None:
        before_parts, after_parts = parts.changes(before or {}, after or {})
    return [
        ChangeLine(
            part=key,
            title=parts.describe(key),
            diff=word_diff(as_text(key, before_parts.get(key)), as_text(key, after_parts.get(key))),
        )
        for key in sorted(after_parts, key=_order)
    ]


def _order(key: str) -> tuple[int, str]:
    """Order parts as the form reads: languages, title, sheet, easy read, statements, withdraw."""
    kind, _sep, language = key.partition(":")
    ranks = ["languages", "title", "sheet", "easy_read", "statements", "statement_words"]
    return (ranks.index(kind) if kind in ranks else len(ranks), language)
