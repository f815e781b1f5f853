"""Small helpers for reading pages the way a person would."""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def page_text(response) -> str:
    """Return the visible text of an HTML response, tags removed and spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", body))).strip()
