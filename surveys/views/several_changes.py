"""What a suggestion of several changes shows: each change with its before and after, where
an addition goes, and whether the draft moved on under it."""

from __future__ import annotations

from dataclasses import dataclass

from peer_research.db import db
from peer_research.forms import ConfirmForm
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views.before_after import change_lines, is_section
from surveys.views.common import describe_place, first_language, part_title
from surveys.views.suggesting import may_change_now


@dataclass(frozen=True)
class PartView:
    """One change of a suggestion of several changes, as its page shows it."""

    number: int  # from 1
    kind: str  # "add_item", "change_item" or "remove_item"
    title: str  # "Added the question “Do you get help?”"
    lines: list  # ChangeLine: every field added, taken out, or before and after
    place_words: str | None  # where an addition goes
    stale: bool  # the draft's item changed since (or the new name was taken meanwhile)
    item_kind: str  # "question" or "section"


def several_context(questionnaire: Questionnaire, proposal: codesign.Proposal) -> dict:
    """Return what a suggestion of several changes shows: each change, in words."""
    language = first_language(questionnaire)
    draft = services.draft_definition(db.session, questionnaire)
    suggested = codesign.suggested_draft(db.session, proposal=proposal)
    live = proposal.state in codesign.LIVE_STATES
    parts = []
    for number, part in enumerate(codesign.parts_of(proposal), start=1):
        found = draft.find(part.name)
        if part.kind == codesign.ChangeKind.ADD_ITEM:
            stale = found is not None
        else:
            stale = found is None or codesign.item_content(found) != part.base
        section = is_section(part.base, part.item)
        parts.append(
            PartView(
                number=number,
                kind=part.kind.value,
                title=part_title(part.as_json(), language),
                lines=change_lines(
                    codesign.part_changes(part, language),
                    questionnaire,
                    section=section,
                    definition=suggested,  # rules read with the suggestion's own questions
                ),
                place_words=describe_place(
                    suggested,
                    section=part.section,
                    before_name=part.before_name,
                    after_name=part.after_name,
                    language=language,
                )
                if part.kind == codesign.ChangeKind.ADD_ITEM
                else None,
                stale=live and stale,
                item_kind="section" if section else "question",
            )
        )
    return {
        "parts": parts,
        "part_form": ConfirmForm(formdata=None),
        "change_now": may_change_now(questionnaire),
        "step": codesign.step_of(proposal),
    }


def without(definition: d.FormDefinition, name: str | None) -> d.FormDefinition:
    """Return the definition without one item (an addition being changed), or as it is."""
    if name is None:
        return definition

    def keep(items: tuple[d.Item, ...]) -> tuple[d.Item, ...]:
        return tuple(
            d.with_items(item, keep(item.items)) if isinstance(item, d.Section) else item
            for item in items
            if item.name != name
        )

    return d.with_items(definition, keep(definition.items))
