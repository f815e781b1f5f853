"""What differs between two versions of a question or section, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Literal

from peer_research.worddiff import Op, word_diff
from surveys import definition as d


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
        if self.field.startswith(CHOICE_PICTURE):
            return self.field.removeprefix(CHOICE_PICTURE)
        return self.field.removeprefix("choice:") if self.group == "choice" else None


# A choice's picture is the field "choice picture:<choice name>".
CHOICE_PICTURE = "choice picture:"
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
    changes.extend(_choice_order_change(before_item, after_item, language))
    changes.extend(_choice_picture_changes(before_item, after_item))
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
    before_item: d.Item | None, after_item: d.Item | None, language: str
) -> list[FieldChange]:
    """Return a change when the choices both versions share come in another order.

    The order is written with the choices' labels (in `language`), never their short names.
    """
    old, new = _choices(before_item), _choices(after_item)
    shared_old = [name for name in old if name in new]
    shared_new = [name for name in new if name in old]
    if shared_old == shared_new:
        return []
    before = ", ".join(_choice_label(old[name], language) for name in shared_old)
    after = ", ".join(_choice_label(new[name], language) for name in shared_new)
    return [FieldChange("choices order", before, after, word_diff(before, after))]


def _choice_picture_changes(
    before_item: d.Item | None, after_item: d.Item | None
) -> list[FieldChange]:
    """Return the choices whose picture was added, removed or replaced (by file name)."""
    old, new = _choices(before_item), _choices(after_item)
    order = list(old) + [name for name in new if name not in old]
    changes = []
    for name in order:
        before = (old[name].image if name in old else None) or ""
        after = (new[name].image if name in new else None) or ""
        if before != after:
            changes.append(
                FieldChange(f"{CHOICE_PICTURE}{name}", before, after, word_diff(before, after))
            )
    return changes


def _choice_label(choice: d.Choice, language: str) -> str:
    """Return a choice's label in a language, else in any language it has, else its name."""
    return choice.label.get(language) or next(iter(choice.label.values()), "") or choice.name


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
