"""Word-level differences between two texts, for before/after views in every domain."""

from __future__ import annotations

import difflib
import re
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# Words (letters, digits, apostrophes inside words), runs of spaces, and single other marks.
_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|\s+|[^\w\s]", re.UNICODE)


def tokenise(text: str) -> list[str]:
    """Split text into words, runs of whitespace and single punctuation marks."""
    return _TOKEN.findall(text)


def word_diff(before: str, after: str) -> list[tuple[Op, str]]:
    """Return the changes from one text to another, word by word; joined parts give each text.

    Joining the `equal` and `delete` parts gives `before`; `equal` and `insert` give `after`.
    """
    old, new = tokenise(before), tokenise(after)
    parts: list[tuple[Op, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(parts, "equal", "".join(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(parts, "delete", "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _append(parts, "insert", "".join(new[j1:j2]))
    return _join_changes(parts)


def _join_changes(parts: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Join replacements separated only by spaces into one deletion and one insertion.

    "How old are you" -> "What is your age" reads better as one replaced phrase than as
    four replaced words with unchanged spaces between them.
    """
    # Segments: [deleted, inserted] for a change, or a str for unchanged text.
    segments: list[list[str] | str] = []
    for op, text in parts:
        if op == "equal":
            segments.append(text)
            continue
        if not segments or isinstance(segments[-1], str):
            segments.append(["", ""])
        segments[-1][0 if op == "delete" else 1] += text
    merged: list[list[str] | str] = []
    for segment in segments:
        if (
            isinstance(segment, list)
            and len(merged) >= 2
            and isinstance(merged[-1], str)
            and merged[-1].isspace()
            and isinstance(merged[-2], list)
            and all(segment + merged[-2])  # both replace words; pure additions stay apart
        ):
            space = merged.pop()
            previous = merged[-1]
            previous[0] += space + segment[0]
            previous[1] += space + segment[1]
        else:
            merged.append(segment)
    joined: list[tuple[Op, str]] = []
    for segment in merged:
        if isinstance(segment, str):
            _append(joined, "equal", segment)
        else:
            _append(joined, "delete", segment[0])
            _append(joined, "insert", segment[1])
    return joined


def _append(parts: list[tuple[Op, str]], op: Op, text: str) -> None:
    """Add a part, merging it with the previous one when they share an op."""
    if not text:
        return
    if parts and parts[-1][0] == op:
        parts[-1] = (op, parts[-1][1] + text)
    else:
        parts.append((op, text))
