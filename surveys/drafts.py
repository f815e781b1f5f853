"""The draft of a questionnaire: read it as a definition, and change it item by item."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import logic
from surveys.languages import languages_of
from surveys.models import DraftItem, Questionnaire
from surveys.validation import check_item, dependencies, nesting_problem


class DraftConflictError(DomainError):
    """Someone else saved the same item first; nothing was overwritten."""


# Reading the draft --------------------------------------------------------------------


def _draft_rows(session: Session, questionnaire: Questionnaire) -> list[DraftItem]:
    """Return the draft's live rows in display order."""
    query = (
        sa.select(DraftItem)
        .where(DraftItem.questionnaire_id == questionnaire.id, DraftItem.deleted_at.is_(None))
        .order_by(DraftItem.position, DraftItem.id)
    )
    return list(session.scalars(query))


def draft_definition(session: Session, questionnaire: Questionnaire) -> d.FormDefinition:
    """Build the draft's definition from its rows."""
    rows = _draft_rows(session, questionnaire)
    children: dict[int | None, list[DraftItem]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def build(parent_id: int | None) -> tuple[d.Item, ...]:
        items = []
        for row in children.get(parent_id, []):
            data = dict(row.content)
            if row.kind == "section":
                data["items"] = [d.item_to_json(child) for child in build(row.id)]
            items.append(d.item_from_json(data))
        return tuple(items)

    return d.FormDefinition(
        title=questionnaire.title,
        form_id=questionnaire.form_id,
        languages=languages_of(questionnaire),
        items=build(None),
    )


def draft_revisions(session: Session, questionnaire: Questionnaire) -> dict[str, int]:
    """Return each draft item's revision number (for the editor's conflict check)."""
    return {row.name: row.revision for row in _draft_rows(session, questionnaire)}


def _live_row(session: Session, questionnaire: Questionnaire, name: str) -> DraftItem | None:
    """Return the live draft row with this name."""
    return session.scalar(
        sa.select(DraftItem).where(
            DraftItem.questionnaire_id == questionnaire.id,
            DraftItem.name == name,
            DraftItem.deleted_at.is_(None),
        )
    )


def _row_or_error(session: Session, questionnaire: Questionnaire, name: str) -> DraftItem:
    """Return the live row with this name, or raise a plain error."""
    row = _live_row(session, questionnaire, name)
    if row is None:
        raise DomainError(
            _("That question is no longer in the draft. Someone may have deleted it.")
        )
    return row


# Changing the draft -------------------------------------------------------------------


def _content(item: d.Item) -> dict:
    """Return an item's stored content: its JSON without nested items."""
    data = d.item_to_json(item)
    data.pop("items", None)
    return data


def _check_new_item(
    session: Session, questionnaire: Questionnaire, item: d.Item, *, replacing: str | None
) -> None:
    """Raise the first problem of an item as it would sit in the draft."""
    current = draft_definition(session, questionnaire)
    if replacing is not None:
        current = _without(current, replacing)
    if current.find(item.name) is not None:
        raise DomainError(
            _("Another question already has the name %(name)s in the data.", name=item.name),
            field="name",
        )
    trial = d.with_items(current, (*current.items, item))
    problems = check_item(item, trial)
    if problems:
        raise DomainError(problems[0].message, field=problems[0].field or None)
    cycles = [cycle for cycle in logic.find_cycles(dependencies(trial)) if item.name in cycle]
    if cycles:
        raise DomainError(
            logic.describe_cycle(cycles[0]), field=_field_with_references(item) or "relevance"
        )


def _field_with_references(item: d.Item) -> str | None:
    """Return the first logic field of an item that refers to other questions."""
    for field in ("calculation", "relevance", "required_if", "constraint", "repeat_count"):
        expression = getattr(item, field, "")
        if expression and "${" in expression:
            return field
    return None


def _without(definition: d.FormDefinition, name: str) -> d.FormDefinition:
    """Return the definition without the named item (anywhere in it)."""

    def strip(items: tuple[d.Item, ...]) -> tuple[d.Item, ...]:
        kept = []
        for item in items:
            if item.name == name:
                continue
            if isinstance(item, d.Section):
                item = d.with_items(item, strip(item.items))
            kept.append(item)
        return tuple(kept)

    return d.with_items(definition, strip(definition.items))


def _next_position(session: Session, questionnaire: Questionnaire, parent_id: int | None) -> int:
    """Return the position after the last live item under a parent."""
    query = sa.select(sa.func.max(DraftItem.position)).where(
        DraftItem.questionnaire_id == questionnaire.id,
        DraftItem.parent_id.is_(None) if parent_id is None else DraftItem.parent_id == parent_id,
        DraftItem.deleted_at.is_(None),
    )
    return (session.scalar(query) or 0) + 1


def _purge_deleted_name(session: Session, questionnaire: Questionnaire, name: str) -> None:
    """Forget a deleted item whose name is being used again (its undo is no longer offered)."""
    session.execute(
        sa.delete(DraftItem).where(
            DraftItem.questionnaire_id == questionnaire.id,
            DraftItem.name == name,
            DraftItem.deleted_at.is_not(None),
        )
    )


def _section_row(
    session: Session, questionnaire: Questionnaire, name: str | None
) -> DraftItem | None:
    """Return the row of the section an item goes into (None: the top level)."""
    if not name:
        return None
    row = _live_row(session, questionnaire, name)
    if row is None or row.kind != "section":
        raise DomainError(_("Choose a section that is in the draft."), field="section")
    return row


def add_item(
    session: Session,
    *,
    questionnaire: Questionnaire,
    item: d.Item,
    section: str | None = None,
    changed_by: User,
) -> DraftItem:
    """Add a question or section at the end of the draft (or of a section)."""
    _check_new_item(session, questionnaire, item, replacing=None)
    parent = _section_row(session, questionnaire, section)
    _check_nesting(session, questionnaire, item, section)
    _purge_deleted_name(session, questionnaire, item.name)
    row = DraftItem(
        questionnaire_id=questionnaire.id,
        parent_id=parent.id if parent else None,
        position=_next_position(session, questionnaire, parent.id if parent else None),
        name=item.name,
        kind=item.kind,
        content=_content(item),
        updated_by_id=changed_by.id,
    )
    session.add(row)
    for child in item.items if isinstance(item, d.Section) else ():
        session.flush()
        add_item(
            session,
            questionnaire=questionnaire,
            item=child,
            section=item.name,
            changed_by=changed_by,
        )
    session.flush()
    return row


def update_item(
    session: Session,
    *,
    questionnaire: Questionnaire,
    name: str,
    item: d.Item,
    expected_revision: int,
    changed_by: User,
) -> DraftItem:
    """Save a changed item, unless someone else saved it since it was opened."""
    row = _row_or_error(session, questionnaire, name)
    if row.revision != expected_revision:
        raise DraftConflictError(_conflict_message())
    if item.name != name and name in _names_used_by_others(session, questionnaire, name):
        raise DomainError(
            _("Other questions use %(name)s in their rules, so it must keep its name.", name=name),
            field="name",
        )
    _check_new_item(session, questionnaire, item, replacing=name)
    row.name = item.name
    row.content = _content(item)
    row.updated_by_id = changed_by.id
    try:
        session.flush()
    except StaleDataError as error:
        raise DraftConflictError(_conflict_message()) from error
    return row


def _conflict_message() -> str:
    """Return the message for a save that someone else's save got to first."""
    return _(
        "Someone else saved this question while you were editing it. Nothing was overwritten: "
        "open it again to see their version, then make your change."
    )


def _names_used_by_others(session: Session, questionnaire: Questionnaire, name: str) -> set[str]:
    """Return the names that items other than `name` refer to in their logic."""
    graph = dependencies(draft_definition(session, questionnaire))
    return set().union(*(refs for item, refs in graph.items() if item != name)) if graph else set()


def move_item(session: Session, *, questionnaire: Questionnaire, name: str, direction: str) -> None:
    """Move an item one place up or down among its neighbours."""
    row = _row_or_error(session, questionnaire, name)
    siblings = [
        other for other in _draft_rows(session, questionnaire) if other.parent_id == row.parent_id
    ]
    index = siblings.index(row)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    session.flush()


def move_into_section(
    session: Session, *, questionnaire: Questionnaire, name: str, section: str | None
) -> None:
    """Move an item to the end of a section, or to the top level when section is None."""
    row = _row_or_error(session, questionnaire, name)
    parent = _section_row(session, questionnaire, section)
    if parent is not None and (parent.id == row.id or _is_inside(session, parent, row)):
        raise DomainError(_("A section cannot go inside itself."), field="section")
    item = draft_definition(session, questionnaire).find(name) if row.kind == "section" else None
    _check_nesting(session, questionnaire, item, section)
    row.parent_id = parent.id if parent else None
    row.position = _next_position(session, questionnaire, row.parent_id)
    session.flush()


def _check_nesting(
    session: Session, questionnaire: Questionnaire, item: d.Item | None, section: str | None
) -> None:
    """Refuse to put a section where sections would nest deeper than the limit."""
    if isinstance(item, d.Section) and section:
        definition = draft_definition(session, questionnaire)
        if message := nesting_problem(definition, item, section):
            raise DomainError(message, field="section")


def _is_inside(session: Session, row: DraftItem, ancestor: DraftItem) -> bool:
    """Tell whether a row sits somewhere inside another."""
    parent_id = row.parent_id
    while parent_id is not None:
        if parent_id == ancestor.id:
            return True
        parent_id = session.get(DraftItem, parent_id).parent_id
    return False


def delete_item(
    session: Session, *, questionnaire: Questionnaire, name: str, changed_by: User
) -> DraftItem:
    """Take an item (and anything inside it) out of the draft; it can be brought back."""
    row = _row_or_error(session, questionnaire, name)
    removed = {name} | _descendant_names(session, questionnaire, row)
    users = {
        item
        for item, refs in dependencies(draft_definition(session, questionnaire)).items()
        if item not in removed and refs & removed
    }
    if users:
        raise DomainError(
            _(
                "These questions use it in their logic: %(names)s. Change them first.",
                names=", ".join(sorted(users)),
            )
        )
    row.deleted_at = utcnow()
    row.updated_by_id = changed_by.id
    session.flush()
    return row


def _descendant_names(session: Session, questionnaire: Questionnaire, row: DraftItem) -> set[str]:
    """Return the names of every item inside a section row."""
    rows = _draft_rows(session, questionnaire)
    names: set[str] = set()
    parents = {row.id}
    while True:
        inside = [other for other in rows if other.parent_id in parents and other.name not in names]
        if not inside:
            return names
        names |= {other.name for other in inside}
        parents |= {other.id for other in inside}


def undo_delete(
    session: Session, *, questionnaire: Questionnaire, item_id: int, changed_by: User
) -> DraftItem:
    """Bring back a deleted item, if its name has not been used again."""
    row = session.get(DraftItem, item_id)
    if row is None or row.questionnaire_id != questionnaire.id or row.deleted_at is None:
        raise DomainError(_("There is nothing to bring back."))
    if _live_row(session, questionnaire, row.name) is not None:
        raise DomainError(
            _("Another question now has the name %(name)s in the data.", name=row.name)
        )
    row.deleted_at = None
    if row.parent_id is not None and _is_deleted(session, row.parent_id):
        row.parent_id = None  # its section is gone: bring it back at the top level
    row.position = _next_position(session, questionnaire, row.parent_id)
    row.updated_by_id = changed_by.id
    session.flush()
    return row


def _is_deleted(session: Session, row_id: int) -> bool:
    """Tell whether a draft row is deleted (or gone)."""
    row = session.get(DraftItem, row_id)
    return row is None or row.deleted_at is not None


def write_draft_items(
    session: Session,
    *,
    questionnaire: Questionnaire,
    items: tuple[d.Item, ...],
    parent_id: int | None = None,
    changed_by: User | None,
) -> None:
    """Write items (and their children) as draft rows without per-item checks."""
    for position, item in enumerate(items, start=1):
        row = DraftItem(
            questionnaire_id=questionnaire.id,
            parent_id=parent_id,
            position=position,
            name=item.name,
            kind=item.kind,
            content=_content(item),
            updated_by_id=changed_by.id if changed_by else None,
        )
        session.add(row)
        if isinstance(item, d.Section):
            session.flush()
            write_draft_items(
                session,
                questionnaire=questionnaire,
                items=item.items,
                parent_id=row.id,
                changed_by=changed_by,
            )
