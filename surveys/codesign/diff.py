"""Word-level differences between two versions of a question, for the before/after view."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Literal

from surveys import definition as d

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


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions of an item, with its word diff."""

    field: str  # "label", "hint", "relevance", "choice:yes", "choices order", ...
    before: str
    after: str
    diff: list[tuple[Op, str]] = field(default_factory=list)
    language: str | None = None  # for texts: the language they are in

    @property
    def status(self) -> Literal["added", "removed", "changed"]:
        """Tell whether the field is new, gone, or has another value."""
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"

    @property
    def group(self) -> Literal["text", "choice", "order", "logic", "setting"]:
        """Tell what kind of field this is: a text, an answer choice, logic or a setting."""
        if self.field.startswith("choice:"):
            return "choice"
        if self.field == "choices order":
            return "order"
        if self.field in TEXT_FIELDS:
            return "text"
        if self.field in LOGIC_FIELDS:
            return "logic"
        return "setting"

    @property
    def choice(self) -> str | None:
        """Return the short name of the answer choice this change is about, if any."""
        return self.field.removeprefix("choice:") if self.group == "choice" else None


# Texts in every language, then logic and settings compared as plain values.
TEXT_FIELDS = ("label", "hint", "required_message", "constraint_message")
VALUE_FIELDS = (
    "name",
    "type",
    "required",
    "required_if",
    "relevance",
    "constraint",
    "calculation",
    "default",
    "repeat",
    "repeat_count",
    "other_option",
    "appearance",
    "read_only",
    "privacy",
    "image",
)
# Rules written in the logic language, shown as code.
LOGIC_FIELDS = frozenset(
    {"required_if", "relevance", "constraint", "calculation", "default", "repeat_count"}
)


def item_changes(
    before_item: d.Item | None, after_item: d.Item | None, language: str
) -> list[FieldChange]:
    """List what differs between two versions of an item (None: it does not exist).

    Texts come first in `language`, then in each other language (translations); then the
    choices (added, removed, relabelled, reordered), then logic and settings.
    """
    languages = _languages(before_item, after_item, language)
    changes: list[FieldChange] = []
    for code in languages:
        for name in TEXT_FIELDS:
            changes.extend(
                _text_change(
                    name, _text(before_item, name, code), _text(after_item, name, code), code
                )
            )
        changes.extend(_choice_changes(before_item, after_item, code))
    changes.extend(_choice_order_change(before_item, after_item))
    for name in VALUE_FIELDS:
        old, new = _value(before_item, name), _value(after_item, name)
        if old != new:
            changes.append(FieldChange(name, old, new, word_diff(old, new)))
    return changes


def _languages(before_item: d.Item | None, after_item: d.Item | None, language: str) -> list[str]:
    """Return the languages the items have texts in, the chosen one first."""
    codes: set[str] = set()
    for item in (before_item, after_item):
        if item is None:
            continue
        for name in TEXT_FIELDS:
            codes |= set(getattr(item, name, {}) or {})
        for choice in getattr(item, "choices", ()):
            codes |= set(choice.label)
    return [language, *sorted(codes - {language})]


def _text(item: d.Item | None, name: str, code: str) -> str:
    texts: Mapping[str, str] = getattr(item, name, None) or {}
    return texts.get(code, "")


def _text_change(name: str, old: str, new: str, code: str) -> list[FieldChange]:
    if old == new:
        return []
    return [FieldChange(name, old, new, word_diff(old, new), language=code)]


def _choices(item: d.Item | None) -> dict[str, d.Choice]:
    return {choice.name: choice for choice in getattr(item, "choices", ())}


def _choice_changes(
    before_item: d.Item | None, after_item: d.Item | None, code: str
) -> list[FieldChange]:
    """Return the choices whose label in one language was added, removed or reworded."""
    old, new = _choices(before_item), _choices(after_item)
    order = list(old) + [name for name in new if name not in old]
    changes = []
    for name in order:
        old_label = old[name].label.get(code, "") if name in old else ""
        new_label = new[name].label.get(code, "") if name in new else ""
        changes.extend(_text_change(f"choice:{name}", old_label, new_label, code))
    return changes


def _choice_order_change(
    before_item: d.Item | None, after_item: d.Item | None
) -> list[FieldChange]:
    """Return a change when the choices both versions share come in another order."""
    old, new = list(_choices(before_item)), list(_choices(after_item))
    shared_old = [name for name in old if name in new]
    shared_new = [name for name in new if name in old]
    if shared_old == shared_new:
        return []
    before, after = ", ".join(shared_old), ", ".join(shared_new)
    return [FieldChange("choices order", before, after, word_diff(before, after))]


def _value(item: d.Item | None, name: str) -> str:
    """Return a setting as text for comparison ("" when missing or left at its default)."""
    if item is None or not hasattr(item, name):
        return ""
    value = getattr(item, name)
    spec = next((spec for spec in fields(item) if spec.name == name), None)
    if value is None or (
        spec is not None and spec.default is not MISSING and value == spec.default
    ):
        return ""
    if value is True:
        return "yes"
    return str(value.value if hasattr(value, "value") else value)
