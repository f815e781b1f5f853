"""Compare two versions of a questionnaire: what was added, removed, reworded or moved.

Pure functions over two `FormDefinition`s (a published version or the draft), for the
side-by-side page. Items are matched by name: a renamed item shows as one removed and one
added, with the name change visible in the texts beside it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys.changes import TEXT_FIELDS, FieldChange, item_changes


@dataclass(frozen=True)
class Place:
    """Where an item sits: its depth and the sections around it (outermost first)."""

    depth: int
    sections: tuple[str, ...]  # the names of the sections it sits in


@dataclass(frozen=True)
class ItemComparison:
    """One item seen in both versions (or only one), with what differs."""

    name: str
    before: d.Item | None
    after: d.Item | None
    before_place: Place | None
    after_place: Place | None
    reworded: tuple[FieldChange, ...] = ()  # texts, in every language, and choice labels
    other: tuple[FieldChange, ...] = ()  # choices added or removed, order, logic, settings
    moved: bool = False

    @property
    def added(self) -> bool:
        """Tell whether the item is new in the later version."""
        return self.before is None

    @property
    def removed(self) -> bool:
        """Tell whether the item is gone from the later version."""
        return self.after is None

    @property
    def changed(self) -> bool:
        """Tell whether anything about the item differs."""
        return self.added or self.removed or self.moved or bool(self.reworded or self.other)

    @property
    def item(self) -> d.Item:
        """Return the item as the later version has it (or the earlier, if removed)."""
        return self.after or self.before  # type: ignore[return-value]

    @property
    def depth(self) -> int:
        """Return how deep the item sits, in the later version if it is there."""
        place = self.after_place or self.before_place
        return place.depth if place else 0

    def change_of(self, field_name: str, language: str) -> FieldChange | None:
        """Return the reworded text of one field in one language, if it changed."""
        return next(
            (
                change
                for change in self.reworded
                if change.field == field_name and change.language == language
            ),
            None,
        )


@dataclass(frozen=True)
class Comparison:
    """What differs between two versions, item by item, in the later version's order."""

    rows: tuple[ItemComparison, ...]
    title: FieldChange | None = None
    languages_added: tuple[d.Language, ...] = ()
    languages_removed: tuple[d.Language, ...] = ()
    language: str = ""  # the language texts are shown in (the later version's first)

    @property
    def added(self) -> list[ItemComparison]:
        """Return the items only the later version has."""
        return [row for row in self.rows if row.added]

    @property
    def removed(self) -> list[ItemComparison]:
        """Return the items only the earlier version has."""
        return [row for row in self.rows if row.removed]

    @property
    def reworded(self) -> list[ItemComparison]:
        """Return the items whose texts changed."""
        return [row for row in self.rows if row.reworded]

    @property
    def moved(self) -> list[ItemComparison]:
        """Return the items that moved to another place or section."""
        return [row for row in self.rows if row.moved]

    @property
    def other(self) -> list[ItemComparison]:
        """Return the items whose choices, logic or settings changed."""
        return [row for row in self.rows if row.other]

    @property
    def changed_rows(self) -> list[ItemComparison]:
        """Return every item that differs in any way."""
        return [row for row in self.rows if row.changed]

    @property
    def same(self) -> bool:
        """Tell whether the two versions say exactly the same."""
        return not (
            self.changed_rows or self.title or self.languages_added or self.languages_removed
        )


def _places(definition: d.FormDefinition) -> Iterator[tuple[d.Item, Place]]:
    for item, parents in definition.walk():
        yield item, Place(len(parents), tuple(parent.name for parent in parents))


def _siblings_in_order(definition: d.FormDefinition) -> dict[tuple[str, ...], list[str]]:
    """Return, for each section (by path), the names of its items in order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for item, place in _places(definition):
        groups.setdefault(place.sections, []).append(item.name)
    return groups


def _out_of_order(before: list[str], after: list[str]) -> set[str]:
    """Return the names that changed their order relative to the others both lists share."""
    shared = set(before) & set(after)
    old = [name for name in before if name in shared]
    new = [name for name in after if name in shared]
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    kept = {
        name
        for block in matcher.get_matching_blocks()
        for name in old[block.a : block.a + block.size]
    }
    return shared - kept


def _split(
    before_item: d.Item | None, after_item: d.Item | None, changes: list[FieldChange]
) -> tuple[tuple[FieldChange, ...], tuple[FieldChange, ...]]:
    """Split an item's changes into rewordings and other changes.

    A choice's label counts as reworded only when the choice is in both versions; a choice
    added or removed is a change of choices.
    """
    old = {choice.name for choice in getattr(before_item, "choices", ())}
    new = {choice.name for choice in getattr(after_item, "choices", ())}
    reworded, other = [], []
    for change in changes:
        if change.field in TEXT_FIELDS:
            reworded.append(change)
        elif change.field.startswith("choice:"):
            name = change.field.removeprefix("choice:")
            (reworded if name in old and name in new else other).append(change)
        else:
            other.append(change)
    return tuple(reworded), tuple(other)


def compare_definitions(before: d.FormDefinition, after: d.FormDefinition) -> Comparison:
    """Compare two versions of a questionnaire, item by item."""
    language = after.default_language.code
    old_items = {item.name: (item, place) for item, place in _places(before)}
    new_items = {item.name: (item, place) for item, place in _places(after)}

    moved: set[str] = set()
    old_groups, new_groups = _siblings_in_order(before), _siblings_in_order(after)
    for name in old_items.keys() & new_items.keys():
        if old_items[name][1].sections != new_items[name][1].sections:
            moved.add(name)
    for path, names in new_groups.items():
        staying = [n for n in old_groups.get(path, []) if n not in moved]
        moved |= _out_of_order(staying, [n for n in names if n not in moved])

    def row(name: str) -> ItemComparison:
        before_item, before_place = old_items.get(name, (None, None))
        after_item, after_place = new_items.get(name, (None, None))
        reworded: tuple[FieldChange, ...] = ()
        other: tuple[FieldChange, ...] = ()
        if before_item is not None and after_item is not None:
            changes = item_changes(before_item, after_item, language)
            if before_item.kind != after_item.kind:
                changes.append(FieldChange("kind", before_item.kind, after_item.kind))
            reworded, other = _split(before_item, after_item, changes)
        return ItemComparison(
            name=name,
            before=before_item,
            after=after_item,
            before_place=before_place,
            after_place=after_place,
            reworded=reworded,
            other=other,
            moved=name in moved,
        )

    rows = [row(name) for name in _merged_order(list(old_items), list(new_items))]
    old_codes = {lang.code for lang in before.languages}
    new_codes = {lang.code for lang in after.languages}
    title = None
    if before.title != after.title:
        title = FieldChange(
            "title", before.title, after.title, word_diff(before.title, after.title)
        )
    return Comparison(
        rows=tuple(rows),
        title=title,
        languages_added=tuple(lang for lang in after.languages if lang.code not in old_codes),
        languages_removed=tuple(lang for lang in before.languages if lang.code not in new_codes),
        language=language,
    )


def _merged_order(before: list[str], after: list[str]) -> list[str]:
    """Return every name once: the later version's order, removed items where they were."""
    merged: list[str] = []
    seen: set[str] = set()
    present = set(after)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            merged.extend(name for name in before[i1:i2] if name not in present)
        if tag != "delete":
            merged.extend(after[j1:j2])
    return [name for name in merged if not (name in seen or seen.add(name))]
