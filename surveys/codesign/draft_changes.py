"""Making an accepted proposal's change to the draft, and what that makes of the others.

Only `decisions.close_poll` (an accepted poll) and `decision_log.apply_directly` (a
facilitator's direct edit, where allowed) call `apply_proposal`, so no change bypasses the
decision log. Where an item goes (a section and a place in words) and whether a proposed
item fits the draft (names, logic, circular references) are worked out here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign.bundles import bundle_kind
from surveys.codesign.models import ChangeKind, Proposal
from surveys.codesign.pictures import remove_unused_pictures
from surveys.codesign.proposal_content import (
    base_is_current,
    live_proposals_about,
    questionnaire_of,
)
from surveys.models import Questionnaire
from surveys.validation import check_item, circular_references, nesting_problem


@dataclass(frozen=True)
class Place:
    """Where an item is (or would go): its section (None: the top level) and a neighbour."""

    section: str | None
    before_name: str | None = None
    after_name: str | None = None


def sibling_names(definition: d.FormDefinition, section: str | None) -> list[str]:
    """Return the names of the items directly inside a section (None: the top level)."""
    if section is None:
        return [item.name for item in definition.items]
    found = definition.find(section)
    if not isinstance(found, d.Section):
        raise DomainError(_("Choose a section that is in the draft."), field="section")
    return [item.name for item in found.items]


def place_in_draft(definition: d.FormDefinition, name: str) -> Place | None:
    """Return where an item is: its section and the item just before it (None: not there)."""
    for item, parents in definition.walk():
        if item.name != name:
            continue
        section = parents[-1].name if parents else None
        siblings = sibling_names(definition, section)
        index = siblings.index(name)
        if index:
            return Place(section, after_name=siblings[index - 1])
        return Place(section, before_name=siblings[1] if len(siblings) > 1 else None)
    return None


def check_place(
    definition: d.FormDefinition,
    *,
    name: str,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
    item: d.Item | None = None,
) -> None:
    """Refuse a place that is not in the draft or that nests sections too deep."""
    siblings = sibling_names(definition, section)
    if before_name and after_name:
        raise DomainError(_("Choose either before or after, not both."), field="before_name")
    neighbour = before_name or after_name
    if neighbour and (neighbour == name or neighbour not in siblings):
        raise DomainError(
            _("%(name)s is not in that part of the questionnaire.", name=neighbour),
            field="before_name" if before_name else "after_name",
        )
    if section is not None:
        target = definition.find(name)
        if section == name or (
            isinstance(target, d.Section) and any(i.name == section for i, _p in _walk(target))
        ):
            raise DomainError(_("A section cannot go inside itself."), field="section")
        if message := nesting_problem(definition, item or target, section):
            raise DomainError(message, field="section")


def _walk(section: d.Section):
    return d.FormDefinition(title="", languages=(), items=section.items).walk()


def move_next_to(
    session: Session,
    questionnaire: Questionnaire,
    *,
    name: str,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
) -> None:
    """Move an item (now last in its section) up to just before or after its neighbour."""
    neighbour = before_name or after_name
    if not neighbour:
        return
    siblings = sibling_names(drafts.draft_definition(session, questionnaire), section)
    if neighbour not in siblings:
        raise DomainError(
            _("%(name)s is no longer in that part of the questionnaire.", name=neighbour)
        )
    target = siblings.index(neighbour) + (0 if before_name else 1)
    for _step in range(siblings.index(name) - target):
        drafts.move_item(session, questionnaire=questionnaire, name=name, direction="up")


def check_item_fits(definition: d.FormDefinition, item: d.Item, *, replacing: str | None) -> None:
    """Raise the first problem the item would have in the draft."""
    names = [i.name for i, _p in definition.walk() if i.name != replacing]
    if item.name in names:
        raise DomainError(
            _("Another question already has the name %(name)s in the data.", name=item.name),
            field="name",
        )
    trial = d.with_items(definition, (*definition.items, item))
    problems = check_item(item, trial)
    if problems:
        raise DomainError(problems[0].message, field=problems[0].field or None)
    if replacing is None:
        cycles = circular_references(trial)
        if cycles:
            raise DomainError(cycles[0].message, field="relevance")


def with_item_replaced(
    definition: d.FormDefinition, item: d.Item, *, name: str | None = None
) -> d.FormDefinition:
    """Return the definition with one item's own content replaced (children kept).

    The item replaced is the one called `name` (default: the new item's own name, which a
    change may also rename)."""
    replaced = name or item.name

    def swap(items: tuple[d.Item, ...]) -> tuple[d.Item, ...]:
        out = []
        for existing in items:
            if existing.name == replaced:
                existing = (
                    d.with_items(item, existing.items) if isinstance(item, d.Section) else item
                )
            elif isinstance(existing, d.Section):
                existing = d.with_items(existing, swap(existing.items))
            out.append(existing)
        return tuple(out)

    return d.with_items(definition, swap(definition.items))


def apply_proposal(session: Session, *, proposal: Proposal) -> None:
    """Make the proposal's change to the draft, or raise if the draft moved on under it.

    The caller runs this inside a savepoint, so a refused change leaves nothing behind.
    """
    if (bundle := bundle_kind(proposal)) is not None:
        return bundle.apply(session, proposal=proposal)
    questionnaire = questionnaire_of(session, proposal)
    if not base_is_current(session, proposal=proposal):
        raise drafts.DraftConflictError(
            _("%(name)s changed after this suggestion was written.", name=proposal.target_name)
        )
    author = proposal.author
    if proposal.kind == ChangeKind.ADD_ITEM:
        item = d.item_from_json(proposal.proposed or {})
        drafts.add_item(
            session,
            questionnaire=questionnaire,
            item=item,
            section=proposal.section,
            changed_by=author,
        )
        _place(session, questionnaire, proposal, item.name)
    elif proposal.kind == ChangeKind.CHANGE_ITEM:
        revision = drafts.draft_revisions(session, questionnaire)[proposal.target_name]
        drafts.update_item(
            session,
            questionnaire=questionnaire,
            name=proposal.target_name,
            item=d.item_from_json(proposal.proposed or {}),
            expected_revision=revision,
            changed_by=author,
        )
    elif proposal.kind == ChangeKind.MOVE_ITEM:
        drafts.move_into_section(
            session,
            questionnaire=questionnaire,
            name=proposal.target_name,
            section=proposal.section,
        )
        _place(session, questionnaire, proposal, proposal.target_name)
    else:
        drafts.delete_item(
            session, questionnaire=questionnaire, name=proposal.target_name, changed_by=author
        )
    if proposal.kind == ChangeKind.CHANGE_ITEM:  # a picture taken off or replaced
        remove_unused_pictures(session, questionnaire=questionnaire)


def _place(session: Session, questionnaire: Questionnaire, proposal: Proposal, name: str) -> None:
    """Move an item (now last in its section) to where the proposal puts it."""
    move_next_to(
        session,
        questionnaire,
        name=name,
        section=proposal.section,
        before_name=proposal.before_name,
        after_name=proposal.after_name,
    )


def change_record(proposal: Proposal) -> dict[str, Any]:
    """Return what a proposal changes, as kept in the decision log."""
    if proposal.kind == ChangeKind.SEVERAL:  # every change, as its author wrote it
        return {"kind": proposal.kind.value, "changes": (proposal.proposed or {})["changes"]}
    return {
        "kind": proposal.kind.value,
        "name": proposal.target_name,
        "before": proposal.base_content,
        "after": proposal.proposed,
        "section": proposal.section,
        "before_name": proposal.before_name,
        "after_name": proposal.after_name,
    }


def changed_names(proposal: Proposal) -> set[str]:
    """Return the names a proposal's change touches, a renamed item's new name included."""
    names = set(proposal.target_names) | {proposal.target_name}
    if proposal.kind == ChangeKind.CHANGE_ITEM and proposal.proposed:
        names.add(proposal.proposed["name"])
    return names


def mark_linked_needs_update(
    session: Session,
    *,
    questionnaire: Questionnaire,
    names: set[str],
    decision_id: int,
    exclude: int | None = None,
) -> list[Proposal]:
    """Mark the live proposals about changed items as needing an update; return them."""
    marked = live_proposals_about(
        session, questionnaire=questionnaire, names=names, exclude=exclude
    )
    for other in marked:
        other.mark_needs_update(decision_id)
    session.flush()
    return marked
