"""Several changes in one suggestion: the draft as it would be, whether it still fits, and
making every change at once.

A suggestion of kind `SEVERAL` keeps its changes in `Proposal.proposed["changes"]`, each a
`Part`: an addition (a new question or section and where it goes), a change of one item of
the draft, or a removal. Parts may refer to each other (a new question asked only when
another new question has an answer; a new question placed inside a new section), so the
checks run on the draft with every part made (`combined_draft`), and the parts are made in
an order where each finds what it needs (`making_order`). `several.py` writes the parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.changes import FieldChange, item_changes
from surveys.codesign.bundles import BundleKind, register_bundle_kind
from surveys.codesign.draft_changes import move_next_to, with_item_replaced
from surveys.codesign.models import ChangeKind, Proposal
from surveys.codesign.pictures import remove_unused_pictures
from surveys.codesign.proposal_content import item_content, questionnaire_of
from surveys.validation import check_item, circular_references, dependencies, nesting_problem

PART_KINDS = (ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM, ChangeKind.REMOVE_ITEM)


@dataclass(frozen=True)
class Part:
    """One change of a several-changes suggestion, as stored in `proposed["changes"]`."""

    kind: ChangeKind
    name: str  # the item changed or removed; for an addition, the new item's name
    item: dict[str, Any] | None = None  # the item as it would be (add, change)
    base: dict[str, Any] | None = None  # the item as the author saw it (change, remove)
    section: str | None = None  # where an addition goes (None: the top level)
    before_name: str | None = None
    after_name: str | None = None

    @property
    def new_name(self) -> str:
        """Return the item's name once the part is made (a change may rename it)."""
        return (self.item or {}).get("name", self.name)

    def as_json(self) -> dict[str, Any]:
        """Return the part as stored (and as the decision log keeps it)."""
        return {
            "kind": self.kind.value,
            "name": self.name,
            "after": self.item,
            "before": self.base,
            "section": self.section,
            "before_name": self.before_name,
            "after_name": self.after_name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        """Rebuild a part from `as_json` data."""
        return cls(
            kind=ChangeKind(data["kind"]),
            name=data["name"],
            item=data.get("after"),
            base=data.get("before"),
            section=data.get("section"),
            before_name=data.get("before_name"),
            after_name=data.get("after_name"),
        )


def parts_of(proposal: Proposal) -> list[Part]:
    """Return the changes of a several-changes suggestion, in the order they were added."""
    return [Part.from_json(data) for data in (proposal.proposed or {}).get("changes", [])]


def making_order(parts: list[Part], draft: d.FormDefinition | None = None) -> list[Part]:
    """Return the parts in the order they can be made: additions first (at the end of their
    section), each after the new items its logic uses and the new section it sits in; then
    changes; then removals, each item (with what is inside it in `draft`) before the ones its
    logic used."""
    added = {part.name for part in parts if part.kind == ChangeKind.ADD_ITEM}
    additions = _in_order(
        [part for part in parts if part.kind == ChangeKind.ADD_ITEM],
        lambda part, done: not (_references(part) | {part.section}) & (added - done),
    )
    removals = [part for part in parts if part.kind == ChangeKind.REMOVE_ITEM]
    removals = _in_order(
        removals,
        lambda part, done: (
            not any(
                part.name in _references(other, draft)
                for other in removals
                if other.name not in done and other is not part
            )
        ),
    )
    return [*additions, *(part for part in parts if part.kind == ChangeKind.CHANGE_ITEM), *removals]


def placing_order(parts: list[Part]) -> list[Part]:
    """Return the additions that go next to a neighbour, each after its neighbour's own."""
    placed = [p for p in parts if p.kind == ChangeKind.ADD_ITEM and (p.before_name or p.after_name)]
    moving = {part.name for part in placed}
    return _in_order(
        placed,
        lambda part, done: (part.before_name or part.after_name) not in moving - done,
    )


def _in_order(parts: list[Part], ready) -> list[Part]:
    """Return the parts, each as soon as `ready(part, names done)`; where parts wait for
    each other (a circle the checks report), in the order they were written."""
    ordered: list[Part] = []
    done: set[str] = set()
    waiting = list(parts)
    while waiting:
        part = next((part for part in waiting if ready(part, done)), waiting[0])
        waiting.remove(part)
        ordered.append(part)
        done.add(part.name)
    return ordered


def _references(part: Part, draft: d.FormDefinition | None = None) -> set[str]:
    """Return the names a part's item refers to in its logic (a removed section: with what
    is inside it in `draft`)."""
    item = (draft.find(part.name) if draft is not None else None) or d.item_from_json(
        part.item or part.base or {}
    )
    one = d.FormDefinition(title="", languages=(), items=(item,))
    return set().union(*dependencies(one).values())


# The draft as it would be ---------------------------------------------------------------


def combined_draft(definition: d.FormDefinition, parts: list[Part]) -> d.FormDefinition:
    """Return the draft with every part made, or raise the first part that cannot be made."""
    order = making_order(parts, definition)
    for part in (part for part in order if part.kind == ChangeKind.ADD_ITEM):
        item = d.item_from_json(part.item or {})
        definition = _with_added(definition, item, part.section, None, None)
    for part in placing_order(parts):
        item = definition.find(part.name)
        definition = _with_removed(definition, part.name)
        definition = _with_added(definition, item, part.section, part.before_name, part.after_name)
    for part in (part for part in order if part.kind != ChangeKind.ADD_ITEM):
        if part.kind == ChangeKind.CHANGE_ITEM:
            item = d.item_from_json(part.item or {})
            definition = with_item_replaced(definition, item, name=part.name)
        else:
            definition = _with_removed(definition, part.name)
    return definition


def _with_added(
    definition: d.FormDefinition,
    item: d.Item,
    section: str | None,
    before_name: str | None,
    after_name: str | None,
) -> d.FormDefinition:
    """Return the definition with an item at the end of its section, or next to a neighbour."""
    if section is not None and not isinstance(definition.find(section), d.Section):
        raise DomainError(_("Choose a section that is in the draft."), field="place")
    if section is not None and (message := nesting_problem(definition, item, section)):
        raise DomainError(message, field="place")
    neighbour = before_name or after_name

    def insert(items: tuple[d.Item, ...], here: bool) -> tuple[d.Item, ...]:
        out: list[d.Item] = []
        for existing in items:
            if isinstance(existing, d.Section):
                existing = d.with_items(existing, insert(existing.items, existing.name == section))
            if here and existing.name == before_name:
                out.append(item)
            out.append(existing)
            if here and existing.name == after_name:
                out.append(item)
        if here and not neighbour:
            out.append(item)
        return tuple(out)

    combined = d.with_items(definition, insert(definition.items, section is None))
    if combined.find(item.name) is None:
        raise DomainError(
            _("%(name)s is not in that part of the questionnaire.", name=neighbour), field="place"
        )
    return combined


def _with_removed(definition: d.FormDefinition, name: str) -> d.FormDefinition:
    """Return the definition without one item (and what is inside it)."""

    def keep(items: tuple[d.Item, ...]) -> tuple[d.Item, ...]:
        return tuple(
            d.with_items(item, keep(item.items)) if isinstance(item, d.Section) else item
            for item in items
            if item.name != name
        )

    return d.with_items(definition, keep(definition.items))


def check_parts(definition: d.FormDefinition, parts: list[Part]) -> d.FormDefinition:
    """Raise the first problem of the draft with every part made; return that draft.

    Names must stay unique, every new or changed item must be sound there (its logic naming
    only questions of the draft or of the suggestion), nothing may depend on itself, and no
    question left in the draft may use one that the suggestion takes out.
    """
    combined = combined_draft(definition, parts)
    seen: set[str] = set()
    for item, _parents in combined.walk():
        if item.name in seen:
            raise DomainError(
                _("Another question already has the name %(name)s in the data.", name=item.name),
                field="name",
            )
        seen.add(item.name)
    touched = {part.new_name for part in parts if part.kind != ChangeKind.REMOVE_ITEM}
    for item, _parents in combined.walk():
        if item.name in touched and (problems := check_item(item, combined)):
            raise DomainError(problems[0].message, field=problems[0].field or None)
    if cycles := circular_references(combined):
        raise DomainError(cycles[0].message, field="relevance")
    gone = {item.name for item, _p in definition.walk()} - seen
    graph = dependencies(combined)
    users = sorted(name for name, refs in graph.items() if refs & gone)
    if users:
        used = sorted(set().union(*(graph[name] for name in users)) & gone)
        raise DomainError(
            _(
                "These questions use %(gone)s in their logic: %(names)s. Change them in this "
                "suggestion too, or keep %(gone)s.",
                gone=", ".join(used),
                names=", ".join(users),
            )
        )
    return combined


def suggested_draft(session: Session, *, proposal: Proposal) -> d.FormDefinition:
    """Return the draft as it would be with the suggestion's changes made (as it is now,
    when they no longer fit it: the suggestion then needs an update)."""
    draft = drafts.draft_definition(session, questionnaire_of(session, proposal))
    try:
        return combined_draft(draft, parts_of(proposal))
    except DomainError:
        return draft


# Whether the draft moved on, what it changes, and making it ---------------------------------


def stale_part(session: Session, *, proposal: Proposal) -> str | None:
    """Return the name of the first part the draft moved on under, or None."""
    draft = drafts.draft_definition(session, questionnaire_of(session, proposal))
    for part in parts_of(proposal):
        found = draft.find(part.name)
        if part.kind == ChangeKind.ADD_ITEM:
            if found is not None:
                return part.name
        elif found is None or item_content(found) != part.base:
            return part.name
    return None


def stale_message(session: Session, proposal: Proposal, name: str) -> str:
    """Say which item the draft changed under the suggestion."""
    part = next((part for part in parts_of(proposal) if part.name == name), None)
    if part is not None and part.kind == ChangeKind.ADD_ITEM:
        return _("Another question called %(name)s was added to the draft meanwhile.", name=name)
    return _("%(name)s has changed in the draft since this suggestion was written.", name=name)


def check_ready(session: Session, *, proposal: Proposal) -> None:
    """Refuse to put an empty suggestion to the group, or one that no longer fits the draft."""
    parts = parts_of(proposal)
    if not parts:
        raise DomainError(_("Add at least one change to the suggestion first."))
    draft = drafts.draft_definition(session, questionnaire_of(session, proposal))
    check_parts(draft, parts)


def part_changes(part: Part, language: str) -> list[FieldChange]:
    """Return what one part changes, field by field."""
    before = d.item_from_json(part.base) if part.base else None
    after = d.item_from_json(part.item) if part.item else None
    if part.kind == ChangeKind.REMOVE_ITEM:
        after = None
    return item_changes(before, after, language)


def all_changes(session: Session, *, proposal: Proposal, language: str | None) -> list[FieldChange]:
    """Return what every part changes, one after another (for readers of any bundle)."""
    language = language or questionnaire_of(session, proposal).languages[0]["code"]
    return [change for part in parts_of(proposal) for change in part_changes(part, language)]


def apply_parts(session: Session, *, proposal: Proposal) -> None:
    """Make every part to the draft, inside the caller's savepoint, or raise and make none."""
    questionnaire = questionnaire_of(session, proposal)
    if (name := stale_part(session, proposal=proposal)) is not None:
        raise drafts.DraftConflictError(stale_message(session, proposal, name))
    parts = parts_of(proposal)
    if not parts:
        raise DomainError(_("Add at least one change to the suggestion first."))
    check_parts(drafts.draft_definition(session, questionnaire), parts)
    author = proposal.author
    order = making_order(parts, drafts.draft_definition(session, questionnaire))
    for part in (part for part in order if part.kind == ChangeKind.ADD_ITEM):
        drafts.add_item(
            session,
            questionnaire=questionnaire,
            item=d.item_from_json(part.item or {}),
            section=part.section,
            changed_by=author,
        )
    for part in placing_order(parts):  # to the end of its section, then up to its neighbour
        drafts.move_into_section(
            session, questionnaire=questionnaire, name=part.name, section=part.section
        )
        move_next_to(
            session,
            questionnaire,
            name=part.name,
            section=part.section,
            before_name=part.before_name,
            after_name=part.after_name,
        )
    for part in (part for part in order if part.kind != ChangeKind.ADD_ITEM):
        if part.kind == ChangeKind.CHANGE_ITEM:
            drafts.update_item(
                session,
                questionnaire=questionnaire,
                name=part.name,
                item=d.item_from_json(part.item or {}),
                expected_revision=drafts.draft_revisions(session, questionnaire)[part.name],
                changed_by=author,
            )
        else:
            drafts.delete_item(
                session, questionnaire=questionnaire, name=part.name, changed_by=author
            )
    if any(part.kind == ChangeKind.CHANGE_ITEM for part in parts):  # a picture taken off
        remove_unused_pictures(session, questionnaire=questionnaire)


register_bundle_kind(
    ChangeKind.SEVERAL,
    BundleKind(
        stale_item=stale_part,
        stale_message=stale_message,
        changes=all_changes,
        apply=apply_parts,
        ready=check_ready,
    ),
)
