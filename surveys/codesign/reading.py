"""Reading a proposal: what it would change, whether the draft moved on, what it is linked with.

Every kind is read here; a translation or languages suggestion (see `translating.py`)
touches several items or the language list, the others one item.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys import services as drafts
from surveys import translations as t
from surveys.changes import FieldChange, item_changes
from surveys.codesign.finding import item_content, live_proposals_about, questionnaire_of
from surveys.codesign.models import ChangeKind, Proposal
from surveys.codesign.translating import BUNDLE_KINDS, languages_change, stale_item


def linked_proposals(session: Session, *, proposal: Proposal) -> list[Proposal]:
    """Return the other live proposals about any item (or target) this one touches."""
    return live_proposals_about(
        session,
        questionnaire=questionnaire_of(session, proposal),
        names=proposal.target_names or [proposal.target_name],
        exclude=proposal.id,
    )


def base_is_current(session: Session, *, proposal: Proposal) -> bool:
    """Tell whether the items (or languages) still are as the proposal was written against.

    Moving other items can raise an item's revision without changing it, so the content
    decides; an addition is current while its name is still free.
    """
    if proposal.kind in BUNDLE_KINDS:
        return stale_item(session, proposal=proposal) is None
    questionnaire = questionnaire_of(session, proposal)
    found = drafts.draft_definition(session, questionnaire).find(proposal.target_name)
    if proposal.kind == ChangeKind.ADD_ITEM:
        return found is None
    return found is not None and item_content(found) == proposal.base_content


@dataclass(frozen=True)
class BeforeAfter:
    """A proposal's item before and after, the draft's item now, and what differs."""

    before: d.Item | None  # the base: the item as the author saw it (None: an addition)
    after: d.Item | None  # the item if accepted (None: a removal)
    current: d.Item | None  # the item in the draft now: the new base when it changed
    changes: list[FieldChange]


def before_after(
    session: Session, *, proposal: Proposal, language: str | None = None
) -> BeforeAfter:
    """Return what the proposal would change, for the before/after view."""
    if proposal.kind in BUNDLE_KINDS:
        return _bundle_before_after(session, proposal=proposal, language=language)
    questionnaire = questionnaire_of(session, proposal)
    language = language or questionnaire.languages[0]["code"]
    before = d.item_from_json(proposal.base_content) if proposal.base_content else None
    if proposal.kind in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        after = d.item_from_json(proposal.proposed or {})
    elif proposal.kind == ChangeKind.MOVE_ITEM:
        after = before
    else:
        after = None
    found = drafts.draft_definition(session, questionnaire).find(proposal.target_name)
    current = d.item_from_json(item_content(found)) if found is not None else None
    return BeforeAfter(before, after, current, item_changes(before, after, language))


@dataclass(frozen=True)
class ItemTranslation:
    """One item of a translation suggestion: its words now, and what would change."""

    name: str
    label: str  # in the main language
    is_section: bool
    changes: list[FieldChange]


def translation_items(
    session: Session, *, proposal: Proposal, language: str | None = None
) -> list[ItemTranslation]:
    """Return each item of a translation suggestion with its word-level changes."""
    if proposal.kind != ChangeKind.TRANSLATE:
        return []
    questionnaire = questionnaire_of(session, proposal)
    main = drafts.languages_of(questionnaire)[0].code
    code = language or (proposal.proposed or {}).get("language") or main
    found: list[ItemTranslation] = []
    for name, after in sorted((proposal.proposed or {}).get("items", {}).items()):
        before_content = (proposal.base_content or {}).get(name)
        before = d.item_from_json(before_content) if before_content else None
        item = d.item_from_json(after)
        found.append(
            ItemTranslation(
                name=name,
                label=t.item_label(before or item, main),
                is_section=isinstance(item, d.Section),
                changes=item_changes(before, item, code),
            )
        )
    return found


def _bundle_before_after(
    session: Session, *, proposal: Proposal, language: str | None = None
) -> BeforeAfter:
    """Return a bundle's changes as one list (item by item for a translation)."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        change = languages_change(proposal)
        before = ", ".join(
            lang["name"] for lang in (proposal.base_content or {}).get("languages", [])
        )
        after = ", ".join(lang["name"] for lang in (proposal.proposed or {}).get("languages", []))
        lines = [FieldChange("languages", before, after, word_diff(before, after))]
        return BeforeAfter(None, None, None, lines if change.added or change.removed else [])
    changes = [
        change
        for entry in translation_items(session, proposal=proposal, language=language)
        for change in entry.changes
    ]
    return BeforeAfter(None, None, None, changes)


def updated_item(session: Session, *, proposal: Proposal) -> d.Item | None:
    """Return the proposal's change made again on the item as it is now in the draft.

    For a proposal needing an update: each field the author changed takes their value
    (texts language by language); every other field keeps the draft's current value.
    Returns None when the item is no longer in the draft or the kind has no item.
    """
    if proposal.kind not in (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM):
        return None
    proposed = dict(proposal.proposed or {})
    if proposal.kind == ChangeKind.ADD_ITEM:
        return d.item_from_json(proposed)
    found = drafts.draft_definition(session, questionnaire_of(session, proposal)).find(
        proposal.target_name
    )
    if found is None:
        return None
    current = item_content(found)
    base = proposal.base_content or {}
    merged = dict(current)
    for key in set(proposed) | set(base):
        old, new = base.get(key), proposed.get(key)
        if old == new:
            continue
        if isinstance(new, dict) and isinstance(old, dict | None) and key != "items":
            texts = dict(current.get(key) or {})
            for code in set(new) | set(old or {}):
                if (old or {}).get(code) != new.get(code):
                    if code in new:
                        texts[code] = new[code]
                    else:
                        texts.pop(code, None)
            merged[key] = texts
        elif key in proposed:
            merged[key] = new
        else:
            merged.pop(key, None)
    return d.item_from_json(merged)
