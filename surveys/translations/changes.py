"""How a translation or languages suggestion changes the draft: what it adds and removes,
whether the draft moved on under it, its word-level changes, and making it.

A translation suggestion (`ChangeKind.TRANSLATE`) carries one language's new texts for
several items at once: `proposed` is {"language": code, "items": {name: item after}},
`base_content` is {name: item before} for the changed items only. A languages suggestion
(`ChangeKind.SET_LANGUAGES`) adds or removes one language: its base and proposal are
{"languages": [...]}. The co-design engine knows nothing of texts: `register_kinds` (called
by the app factory) tells it how these two kinds read and apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys import services as drafts
from surveys.changes import FieldChange, item_changes
from surveys.codesign.services import (
    LANGUAGES_TARGET,
    LIVE_STATES,
    BundleKind,
    ChangeKind,
    Proposal,
    item_content,
    live_proposals_about,
    questionnaire_of,
    register_bundle_kind,
)
from surveys.models import Questionnaire
from surveys.translations.texts import find_language, item_label, remove_language


def register_kinds() -> None:
    """Tell the co-design engine how translation and languages suggestions read and apply."""
    handler = BundleKind(
        stale_item=stale_item,
        stale_message=stale_message,
        changes=bundle_changes,
        apply=apply_bundle,
    )
    register_bundle_kind(ChangeKind.TRANSLATE, handler)
    register_bundle_kind(ChangeKind.SET_LANGUAGES, handler)


def language_target(code: str) -> str:
    """Return the target name of a translation suggestion: the language code after "@"."""
    return f"@{code}"


def languages_list(questionnaire: Questionnaire) -> list[dict[str, str]]:
    """Return the questionnaire's languages as a suggestion keeps them (code and name)."""
    return [{"code": lang["code"], "name": lang["name"]} for lang in questionnaire.languages]


@dataclass(frozen=True)
class LanguagesChange:
    """What a languages suggestion does: the languages added and removed."""

    added: list[d.Language]
    removed: list[d.Language]


def languages_change(proposal: Proposal) -> LanguagesChange:
    """Return the languages a SET_LANGUAGES suggestion adds and removes."""
    before = (proposal.base_content or {}).get("languages", [])
    after = (proposal.proposed or {}).get("languages", [])
    old, new = {lang["code"] for lang in before}, {lang["code"] for lang in after}
    return LanguagesChange(
        added=[d.Language(lang["code"], lang["name"]) for lang in after if lang["code"] not in old],
        removed=[
            d.Language(lang["code"], lang["name"]) for lang in before if lang["code"] not in new
        ],
    )


# What changed under a suggestion -------------------------------------------------------


def stale_item(session: Session, *, proposal: Proposal) -> str | None:
    """Return what changed under a bundle suggestion (an item's name, or its target), or None."""
    questionnaire = questionnaire_of(session, proposal)
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        languages = (proposal.base_content or {}).get("languages")
        return None if languages_list(questionnaire) == languages else LANGUAGES_TARGET
    language = (proposal.proposed or {}).get("language", "")
    if find_language(questionnaire, language) is None:
        return language_target(language)
    definition = drafts.draft_definition(session, questionnaire)
    for name, content in sorted((proposal.base_content or {}).items()):
        found = definition.find(name)
        if found is None or item_content(found) != content:
            return name
    return None


def stale_message(session: Session, proposal: Proposal, name: str) -> str:
    """Say in plain words what changed under a bundle suggestion."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        return _("The questionnaire's languages changed after this suggestion was written.")
    if name.startswith("@"):
        return _(
            "The questionnaire no longer has the language %(code)s.", code=name.removeprefix("@")
        )
    questionnaire = questionnaire_of(session, proposal)
    found = drafts.draft_definition(session, questionnaire).find(name)
    label = item_label(found, drafts.languages_of(questionnaire)[0].code) if found else name
    return _(
        "“%(label)s” (%(name)s) changed after this suggestion was written.",
        label=label,
        name=name,
    )


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
                label=item_label(before or item, main),
                is_section=isinstance(item, d.Section),
                changes=item_changes(before, item, code),
            )
        )
    return found


def bundle_changes(
    session: Session, *, proposal: Proposal, language: str | None = None
) -> list[FieldChange]:
    """Return a suggestion's changes as one list (item by item for a translation)."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        change = languages_change(proposal)
        before = ", ".join(
            lang["name"] for lang in (proposal.base_content or {}).get("languages", [])
        )
        after = ", ".join(lang["name"] for lang in (proposal.proposed or {}).get("languages", []))
        lines = [FieldChange("languages", before, after, word_diff(before, after))]
        return lines if change.added or change.removed else []
    changes = [
        change
        for entry in translation_items(session, proposal=proposal, language=language)
        for change in entry.changes
    ]
    return changes


def apply_bundle(session: Session, *, proposal: Proposal) -> None:
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
        remove_language(
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
