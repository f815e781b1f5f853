"""What a proposal says: finding proposals, what they would change (before and
after, word by word), whether the draft moved on under them, and what they are linked with.

Every kind is read here; a kind that changes many items at once (translations, languages)
is read through its registered handler (`bundles.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys import definition as d
from surveys import services as drafts
from surveys.changes import FieldChange, item_changes
from surveys.codesign.bundles import bundle_kind
from surveys.codesign.models import LIVE_STATES, ChangeKind, Proposal, ProposalTarget
from surveys.models import Questionnaire


def questionnaire_of(session: Session, proposal: Proposal) -> Questionnaire:
    """Return the questionnaire a proposal is about."""
    return session.get_one(Questionnaire, proposal.questionnaire_id)


def get_proposal(
    session: Session, *, questionnaire: Questionnaire, proposal_id: int
) -> Proposal | None:
    """Return a proposal about this questionnaire, or None."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.questionnaire_id != questionnaire.id:
        return None
    return proposal


def item_content(item: d.Item) -> dict[str, Any]:
    """Return an item's own content as JSON, without the items inside a section."""
    data = d.item_to_json(item)
    data.pop("items", None)
    return data


def proposals_of(
    session: Session, questionnaire: Questionnaire, *, live_only: bool = False
) -> list[Proposal]:
    """Return the proposals about a questionnaire (only live ones if asked), newest first,
    with their authors and targets loaded (lists show both)."""
    query = (
        sa.select(Proposal)
        .where(Proposal.questionnaire_id == questionnaire.id)
        .options(selectinload(Proposal.author), selectinload(Proposal.targets))
        .order_by(Proposal.id.desc())
    )
    if live_only:
        query = query.where(Proposal.state.in_(LIVE_STATES))
    return list(session.scalars(query))


def decided_proposals(
    session: Session, questionnaire: Questionnaire, *, offset: int, limit: int
) -> list[Proposal]:
    """Return a page of the decided (or withdrawn) proposals about a questionnaire, newest
    first, with their authors and targets loaded."""
    query = (
        sa.select(Proposal)
        .where(Proposal.questionnaire_id == questionnaire.id, Proposal.state.not_in(LIVE_STATES))
        .options(selectinload(Proposal.author), selectinload(Proposal.targets))
        .order_by(Proposal.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))


def proposals_touching(
    session: Session, *, questionnaire: Questionnaire, name: str
) -> list[Proposal]:
    """Return the live proposals (draft, open, needing an update) about one item."""
    query = (
        sa.select(Proposal)
        .join(ProposalTarget, ProposalTarget.proposal_id == Proposal.id)
        .where(
            Proposal.questionnaire_id == questionnaire.id,
            ProposalTarget.name == name,
            Proposal.state.in_(LIVE_STATES),
        )
        .order_by(Proposal.id)
    )
    return list(session.scalars(query))


def live_proposals_about(
    session: Session,
    *,
    questionnaire: Questionnaire,
    names: Iterable[str],
    exclude: int | None = None,
) -> list[Proposal]:
    """Return the live proposals about any of the items (or targets), oldest first, once each."""
    found: dict[int, Proposal] = {}
    for name in sorted(set(names)):
        for other in proposals_touching(session, questionnaire=questionnaire, name=name):
            if other.id != exclude:
                found.setdefault(other.id, other)
    return [found[key] for key in sorted(found)]


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
    if (bundle := bundle_kind(proposal)) is not None:
        return bundle.stale_item(session, proposal=proposal) is None
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
    if (bundle := bundle_kind(proposal)) is not None:
        return BeforeAfter(
            None, None, None, bundle.changes(session, proposal=proposal, language=language)
        )
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
