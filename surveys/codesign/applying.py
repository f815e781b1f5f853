"""Applying an accepted proposal to the draft, and what that makes of the others.

Only `closing.close_poll` (an accepted poll) and `log.apply_directly` (a facilitator's
direct edit, where allowed) call `apply_proposal`, so no change bypasses the decision log.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from surveys import definition as d
from surveys import services as drafts
from surveys import translations as t
from surveys.codesign.finding import item_content, live_proposals_about, questionnaire_of
from surveys.codesign.models import LIVE_STATES, ChangeKind, Proposal
from surveys.codesign.placing import move_next_to
from surveys.codesign.reading import base_is_current
from surveys.codesign.translating import (
    BUNDLE_KINDS,
    LanguagesChange,
    language_target,
    languages_change,
    languages_list,
    stale_item,
    stale_message,
)
from surveys.models import Questionnaire


def apply_proposal(session: Session, *, proposal: Proposal) -> None:
    """Make the proposal's change to the draft, or raise if the draft moved on under it.

    The caller runs this inside a savepoint, so a refused change leaves nothing behind.
    """
    if proposal.kind in BUNDLE_KINDS:
        return _apply_bundle(session, proposal=proposal)
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


def _apply_bundle(session: Session, *, proposal: Proposal) -> None:
    """Make a translation or languages change to the draft, or raise if the draft moved on."""
    stale = stale_item(session, proposal=proposal)
    if stale is not None:
        raise drafts.DraftConflictError(stale_message(session, proposal, stale))
    questionnaire = questionnaire_of(session, proposal)
    if proposal.kind == ChangeKind.TRANSLATE:
        revisions = drafts.draft_revisions(session, questionnaire)
        for name, content in sorted((proposal.proposed or {}).get("items", {}).items()):
            drafts.update_item(
                session,
                questionnaire=questionnaire,
                name=name,
                item=d.item_from_json(content),
                expected_revision=revisions[name],
                changed_by=proposal.author,
            )
        return
    change = languages_change(proposal)
    before = drafts.draft_definition(session, questionnaire)
    for language in change.removed:
        t.remove_language(
            session,
            questionnaire=questionnaire,
            code=language.code,
            confirmed=True,
            changed_by=proposal.author,
        )
    if change.added:
        questionnaire.languages = [*languages_list(questionnaire)] + [
            {"code": lang.code, "name": lang.name} for lang in change.added
        ]
        session.flush()
    if change.removed:
        _mark_removed_language_proposals(session, questionnaire, proposal, before, change)


def _mark_removed_language_proposals(
    session: Session,
    questionnaire: Questionnaire,
    proposal: Proposal,
    before: d.FormDefinition,
    change: LanguagesChange,
) -> None:
    """Mark live suggestions about the removed languages' texts as needing an update."""
    after = drafts.draft_definition(session, questionnaire)
    touched = {
        item.name
        for item, _parents in before.walk()
        if (now := after.find(item.name)) is not None and item_content(now) != item_content(item)
    }
    targets = {language_target(lang.code) for lang in change.removed}
    query = sa.select(Proposal).where(
        Proposal.questionnaire_id == questionnaire.id,
        Proposal.state.in_(LIVE_STATES),
        Proposal.id != proposal.id,
        Proposal.target_name.in_(targets),
    )
    stale = {other.id: other for other in session.scalars(query)}
    for other in live_proposals_about(
        session, questionnaire=questionnaire, names=touched, exclude=proposal.id
    ):
        stale.setdefault(other.id, other)
    for other in stale.values():
        other.mark_needs_update(None)
    session.flush()


def change_record(proposal: Proposal) -> dict[str, Any]:
    """Return what a proposal changes, as kept in the decision log."""
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
