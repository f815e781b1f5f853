"""Where an item is in the draft, or where a suggestion would put it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.models import Questionnaire


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
) -> None:
    """Refuse a place that is not in the draft: the section and the neighbour must exist."""
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
