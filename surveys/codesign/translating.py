"""Suggestions that change translations and languages: one language's texts, or the list.

A translation suggestion (`ChangeKind.TRANSLATE`) carries one language's new texts for
several items at once: `proposed` is {"language": code, "items": {name: item after}},
`base_content` is {name: item before} for the changed items only, and it has one
`ProposalTarget` per changed item, so it is linked with any other suggestion about those
items. A languages suggestion (`ChangeKind.SET_LANGUAGES`) adds or removes one language:
its base and proposal are {"languages": [...]}, and it targets `LANGUAGES_TARGET`.

`surveys.codesign.proposals` hands these two kinds to the functions here for checking the
base, showing the before/after, opening, linking and applying.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys import translations as t
from surveys.codesign import signals
from surveys.codesign.diff import FieldChange, item_changes, word_diff
from surveys.codesign.models import (
    LANGUAGES_TARGET,
    LIVE_STATES,
    ChangeKind,
    Proposal,
    ProposalState,
    ProposalTarget,
)
from surveys.codesign.proposals import (
    BeforeAfter,
    item_content,
    proposals_touching,
    require_design_member,
)
from surveys.models import Questionnaire

BUNDLE_KINDS = frozenset({ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES})

# The texts of one item in one language, as `create_translation_proposal` takes them:
# {"label": ..., "hint": ..., "required_message": ..., "constraint_message": ...,
#  "choices": {choice name: label}}; a key left out is left as it is, "" takes a text out.
ItemTexts = Mapping[str, Any]


class StaleTranslationError(DomainError):
    """An item changed or went since the translator opened the page; nothing was written."""

    def __init__(self, message: str, *, item: str) -> None:
        super().__init__(message)
        self.item = item


def language_target(code: str) -> str:
    """Return the target name of a translation suggestion: the language code after "@"."""
    return f"@{code}"


def _questionnaire(session: Session, proposal: Proposal) -> Questionnaire:
    return session.get_one(Questionnaire, proposal.questionnaire_id)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say in your own words why you suggest this."), field="reason")
    return reason


def _require_author_draft(proposal: Proposal, editor: User, kind: ChangeKind) -> None:
    """Refuse someone else's suggestion, another kind, or one already put to the group."""
    if proposal.author_id != editor.id:
        raise DomainError(_("Only the person who suggested this change can do that."))
    if proposal.kind != kind:
        raise DomainError(_("This suggestion is not that kind of change."))
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        proposal.back_to_draft()  # raises the plain message for an open or decided proposal


# Translations ---------------------------------------------------------------------------


def keyed_texts(texts: Mapping[t.TextKey | tuple[str, ...], str]) -> dict[str, dict[str, Any]]:
    """Turn texts keyed by `TextKey` (as the translation page reads them) into `ItemTexts`."""
    by_item: dict[str, dict[str, Any]] = {}
    for raw_key, text in texts.items():
        key = t.TextKey(*raw_key)
        entry = by_item.setdefault(key.item, {})
        if key.field == "choice":
            entry.setdefault("choices", {})[key.choice] = text
        else:
            entry[key.field] = text
    return by_item


def _text_keys(name: str, texts: ItemTexts) -> dict[t.TextKey, str]:
    """Return one item's texts keyed by `TextKey`, tidied, refusing what is not a text."""
    if not isinstance(texts, Mapping):
        raise DomainError(_("The texts for %(name)s could not be read.", name=name))
    keyed: dict[t.TextKey, str] = {}
    for field, value in texts.items():
        if field == "choices":
            if not isinstance(value, Mapping):
                raise DomainError(_("The texts for %(name)s could not be read.", name=name))
            for choice, label in value.items():
                keyed[t.TextKey(name, "choice", str(choice))] = t.tidy_text(str(label or ""))
        elif field in t.MAX_LENGTHS and field != "choice":
            keyed[t.TextKey(name, field)] = t.tidy_text(str(value or ""))
        else:
            raise DomainError(
                _("%(field)s is not a text that can be translated.", field=str(field))
            )
    return keyed


def _translation_language(questionnaire: Questionnaire, code: str) -> d.Language:
    """Return one of the questionnaire's languages after the main one, or refuse."""
    language = t.find_language(questionnaire, code or "")
    if language is None:
        raise DomainError(
            _("The questionnaire does not have the language %(code)s.", code=code or "")
        )
    if language == drafts.languages_of(questionnaire)[0]:
        raise DomainError(
            _(
                "%(language)s is the main language. Suggest changes to its words on the "
                "draft's pages.",
                language=language.name,
            )
        )
    return language


@dataclass(frozen=True)
class _Translation:
    language: str
    after: dict[str, dict[str, Any]]  # name -> item content after
    before: dict[str, dict[str, Any]]  # name -> item content before


def _prepare_translation(
    session: Session,
    questionnaire: Questionnaire,
    *,
    language: str,
    texts: Mapping[str, ItemTexts],
    base_revisions: Mapping[str, int] | None,
) -> _Translation:
    """Check one language's new texts against the draft; return the changed items."""
    target = _translation_language(questionnaire, language)
    definition = drafts.draft_definition(session, questionnaire)
    revisions = drafts.draft_revisions(session, questionnaire)
    default = definition.default_language.code
    after: dict[str, dict[str, Any]] = {}
    before: dict[str, dict[str, Any]] = {}
    for name in sorted(texts):
        item = definition.find(name)
        if item is None:
            raise StaleTranslationError(
                _(
                    "%(name)s is no longer in the draft: someone may have removed or renamed "
                    "it. Nothing was saved: look at the page again, then suggest your "
                    "translations.",
                    name=name,
                ),
                item=name,
            )
        seen = (base_revisions or {}).get(name)
        if seen is not None and seen != revisions[name]:
            raise StaleTranslationError(
                _(
                    "Someone changed “%(label)s” (%(name)s) since you opened the page. "
                    "Nothing was saved: look at its texts again, then suggest your "
                    "translations.",
                    label=t.item_label(item, default),
                    name=name,
                ),
                item=name,
            )
        try:
            translated = t._with_translations(
                item, target.code, _text_keys(name, texts[name]), default
            )
        except t.TranslationConflictError as error:
            raise StaleTranslationError(
                _(
                    "“%(label)s” (%(name)s) does not have all the texts you translated: "
                    "someone may have changed it. Look at the page again.",
                    label=t.item_label(item, default),
                    name=name,
                ),
                item=name,
            ) from error
        if translated == item:
            continue
        before[name] = item_content(item)
        after[name] = item_content(translated)
    if not after:
        raise DomainError(_("These translations would not change anything."))
    return _Translation(target.code, after, before)


def _write_translation(proposal: Proposal, change: _Translation) -> None:
    proposal.target_name = language_target(change.language)
    proposal.proposed = {"language": change.language, "items": change.after}
    proposal.base_content = change.before
    proposal.base_revision = None
    proposal.targets = [ProposalTarget(name=name) for name in sorted(change.after)]


def create_translation_proposal(
    session: Session,
    *,
    questionnaire: Questionnaire,
    author: User,
    language: str,
    texts: Mapping[str, ItemTexts],
    reason: str,
    base_revisions: Mapping[str, int] | None = None,
) -> Proposal:
    """Write a draft suggestion of new texts in one language for one or more items.

    `base_revisions` holds each item's revision as the translator saw it; an item changed
    since is refused by name rather than translated against words they never saw.
    """
    require_design_member(session, study=questionnaire.study, user=author)
    reason = _clean_reason(reason)
    change = _prepare_translation(
        session, questionnaire, language=language, texts=texts, base_revisions=base_revisions
    )
    proposal = Proposal(
        questionnaire_id=questionnaire.id,
        author_id=author.id,
        reason=reason,
        kind=ChangeKind.TRANSLATE,
        state=ProposalState.DRAFT,
    )
    _write_translation(proposal, change)
    session.add(proposal)
    session.flush()
    return proposal


def edit_translation_proposal(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    texts: Mapping[str, ItemTexts],
    reason: str,
    base_revisions: Mapping[str, int] | None = None,
) -> Proposal:
    """Rewrite one's own draft translation suggestion against the draft as it is now.

    `texts` is the whole suggestion again (what differs from the draft); a suggestion
    marked as needing an update comes back to draft this way.
    """
    _require_author_draft(proposal, editor, ChangeKind.TRANSLATE)
    questionnaire = _questionnaire(session, proposal)
    language = (proposal.proposed or {}).get("language", "")
    change = _prepare_translation(
        session, questionnaire, language=language, texts=texts, base_revisions=base_revisions
    )
    proposal.back_to_draft()
    proposal.reason = _clean_reason(reason)
    _write_translation(proposal, change)
    session.flush()
    return proposal


def proposed_texts(proposal: Proposal) -> dict[t.TextKey, str]:
    """Return a translation suggestion's texts in its language, keyed by `TextKey`."""
    language = (proposal.proposed or {}).get("language", "")
    found: dict[t.TextKey, str] = {}
    for content in (proposal.proposed or {}).get("items", {}).values():
        item = d.item_from_json(content)
        for text in t.all_texts(d.FormDefinition(title="", languages=(), items=(item,))):
            found[text.key] = text.in_language(language)
    return found


# Languages ------------------------------------------------------------------------------


def _languages(questionnaire: Questionnaire) -> list[dict[str, str]]:
    return [{"code": lang["code"], "name": lang["name"]} for lang in questionnaire.languages]


def _new_language(questionnaire: Questionnaire, language: d.Language) -> dict[str, str]:
    """Check a language to add, as `surveys.translations.add_language` does; return it."""
    code, name = (language.code or "").strip(), " ".join((language.name or "").split())
    if not name:
        raise DomainError(_("Enter the language's name."), field="name")
    if len(name) > t.MAX_NAME_LENGTH:
        raise DomainError(_("Use 60 characters or fewer."), field="name")
    if len(code) > t.MAX_CODE_LENGTH or not t.LANGUAGE_CODE.fullmatch(code):
        raise DomainError(_("Use a language code like cy, ur or pt-BR."), field="code")
    code = t.normalise_code(code)
    for existing in drafts.languages_of(questionnaire):
        if existing.code.casefold() == code.casefold():
            raise DomainError(
                _("The questionnaire already has %(language)s.", language=existing.name),
                field="code",
            )
        if existing.name.casefold() == name.casefold():
            raise DomainError(
                _("Another language is already called %(name)s.", name=existing.name),
                field="name",
            )
    return {"code": code, "name": name}


def _prepare_languages(
    questionnaire: Questionnaire, *, add: d.Language | None, remove: str | None
) -> list[dict[str, str]]:
    """Return the questionnaire's languages with one added or one removed, or refuse."""
    if (add is None) == (remove is None):
        raise DomainError(_("Choose one language to add or to remove."))
    current = _languages(questionnaire)
    if add is not None:
        return [*current, _new_language(questionnaire, add)]
    language = t.find_language(questionnaire, remove or "")
    if language is None:
        raise DomainError(
            _("The questionnaire does not have the language %(code)s.", code=remove or "")
        )
    if len(current) == 1:
        raise DomainError(_("A questionnaire needs at least one language."))
    if language == drafts.languages_of(questionnaire)[0]:
        raise DomainError(_("The main language cannot be removed."))
    return [lang for lang in current if lang["code"] != language.code]


def create_languages_proposal(
    session: Session,
    *,
    questionnaire: Questionnaire,
    author: User,
    reason: str,
    add: d.Language | None = None,
    remove: str | None = None,
) -> Proposal:
    """Write a draft suggestion to add a language, or to remove one (and its texts)."""
    require_design_member(session, study=questionnaire.study, user=author)
    reason = _clean_reason(reason)
    proposed = _prepare_languages(questionnaire, add=add, remove=remove)
    proposal = Proposal(
        questionnaire_id=questionnaire.id,
        author_id=author.id,
        reason=reason,
        kind=ChangeKind.SET_LANGUAGES,
        state=ProposalState.DRAFT,
        target_name=LANGUAGES_TARGET,
        proposed={"languages": proposed},
        base_content={"languages": _languages(questionnaire)},
    )
    proposal.targets = [ProposalTarget(name=LANGUAGES_TARGET)]
    session.add(proposal)
    session.flush()
    return proposal


def edit_languages_proposal(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    reason: str,
    add: d.Language | None = None,
    remove: str | None = None,
) -> Proposal:
    """Rewrite one's own draft languages suggestion against the languages as they are now."""
    _require_author_draft(proposal, editor, ChangeKind.SET_LANGUAGES)
    questionnaire = _questionnaire(session, proposal)
    proposed = _prepare_languages(questionnaire, add=add, remove=remove)
    proposal.back_to_draft()
    proposal.reason = _clean_reason(reason)
    proposal.proposed = {"languages": proposed}
    proposal.base_content = {"languages": _languages(questionnaire)}
    session.flush()
    return proposal


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


# What proposals.py hands over ------------------------------------------------------------


def stale_item(session: Session, *, proposal: Proposal) -> str | None:
    """Return what changed under a bundle suggestion (an item's name, or its target), or None."""
    questionnaire = _questionnaire(session, proposal)
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        languages = (proposal.base_content or {}).get("languages")
        return None if _languages(questionnaire) == languages else LANGUAGES_TARGET
    language = (proposal.proposed or {}).get("language", "")
    if t.find_language(questionnaire, language) is None:
        return language_target(language)
    definition = drafts.draft_definition(session, questionnaire)
    for name, content in sorted((proposal.base_content or {}).items()):
        found = definition.find(name)
        if found is None or item_content(found) != content:
            return name
    return None


def bundle_is_current(session: Session, *, proposal: Proposal) -> bool:
    """Tell whether every item (or the language list) still is as the suggestion saw it."""
    return stale_item(session, proposal=proposal) is None


def stale_message(session: Session, proposal: Proposal, name: str) -> str:
    """Say in plain words what changed under a bundle suggestion."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        return _("The questionnaire's languages changed after this suggestion was written.")
    if name.startswith("@"):
        return _(
            "The questionnaire no longer has the language %(code)s.", code=name.removeprefix("@")
        )
    questionnaire = _questionnaire(session, proposal)
    found = drafts.draft_definition(session, questionnaire).find(name)
    label = t.item_label(found, drafts.languages_of(questionnaire)[0].code) if found else name
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
    questionnaire = _questionnaire(session, proposal)
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


def bundle_before_after(
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


def open_bundle_proposal(
    session: Session, *, proposal: Proposal, opened_by: User, now: datetime | None = None
) -> Proposal:
    """Put one's own draft bundle suggestion before the group, if nothing changed under it."""
    if proposal.author_id != opened_by.id:
        raise DomainError(_("Only the person who suggested this change can do that."))
    stale = stale_item(session, proposal=proposal)
    if stale is not None:
        raise DomainError(
            stale_message(session, proposal, stale) + " " + _("Update your suggestion first.")
        )
    questionnaire = _questionnaire(session, proposal)
    proposal.open(now or utcnow())
    session.flush()
    record(
        session,
        Action.PROPOSAL_OPENED,
        actor=opened_by,
        study=questionnaire.study,
        detail={
            "proposal_id": proposal.id,
            "kind": proposal.kind.value,
            "item": proposal.target_name,
        },
    )
    signals.proposal_opened.send(session, proposal=proposal)
    return proposal


def linked_bundle_proposals(session: Session, *, proposal: Proposal) -> list[Proposal]:
    """Return the other live proposals touching any item (or target) this one touches."""
    questionnaire = _questionnaire(session, proposal)
    found: dict[int, Proposal] = {}
    for name in proposal.target_names or [proposal.target_name]:
        for other in proposals_touching(session, questionnaire=questionnaire, name=name):
            if other.id != proposal.id:
                found.setdefault(other.id, other)
    return [found[key] for key in sorted(found)]


def apply_bundle_proposal(session: Session, *, proposal: Proposal) -> None:
    """Make a bundle's change to the draft, or raise if the draft moved on under it.

    The caller runs this inside a savepoint, so a refused change leaves nothing behind.
    """
    stale = stale_item(session, proposal=proposal)
    if stale is not None:
        raise drafts.DraftConflictError(stale_message(session, proposal, stale))
    questionnaire = _questionnaire(session, proposal)
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
        questionnaire.languages = [*_languages(questionnaire)] + [
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
    for name in touched:
        for other in proposals_touching(session, questionnaire=questionnaire, name=name):
            if other.id != proposal.id:
                stale.setdefault(other.id, other)
    for other in stale.values():
        other.mark_needs_update(None)
    session.flush()
