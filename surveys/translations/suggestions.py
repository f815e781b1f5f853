"""Suggestions that change translations and languages: one language's texts, or the list.

A translation suggestion (`ChangeKind.TRANSLATE`) carries one language's new texts for
several items at once: `proposed` is {"language": code, "items": {name: item after}},
`base_content` is {name: item before} for the changed items only, and it has one
`ProposalTarget` per changed item, so it is linked with any other suggestion about those
items. A languages suggestion (`ChangeKind.SET_LANGUAGES`) adds or removes one language:
its base and proposal are {"languages": [...]}, and it targets `LANGUAGES_TARGET`.

Writing them is here; how they read, whether the draft moved on under them and making them
is in `changes.py`, which the co-design engine asks through `register_kinds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign.services import (
    LANGUAGES_TARGET,
    ChangeKind,
    Proposal,
    ProposalState,
    ProposalTarget,
    clean_reason,
    item_content,
    questionnaire_of,
    require_author,
    require_design_member,
    require_editable,
)
from surveys.models import Questionnaire
from surveys.translations import texts as t
from surveys.translations.changes import language_target, languages_list

# The texts of one item in one language, as `create_translation_proposal` takes them:
# {"label": ..., "hint": ..., "required_message": ..., "constraint_message": ...,
#  "choices": {choice name: label}}; a key left out is left as it is, "" takes a text out.
ItemTexts = Mapping[str, Any]


class StaleTranslationError(DomainError):
    """An item changed or went since the translator opened the page; nothing was written."""

    def __init__(self, message: str, *, item: str) -> None:
        super().__init__(message)
        self.item = item


def _require_author_draft(proposal: Proposal, editor: User, kind: ChangeKind) -> None:
    """Refuse someone else's suggestion, another kind, or one already put to the group."""
    require_author(proposal, editor)
    if proposal.kind != kind:
        raise DomainError(_("This suggestion is not that kind of change."))
    require_editable(proposal, editor)


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
    reason = clean_reason(reason)
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
    questionnaire = questionnaire_of(session, proposal)
    language = (proposal.proposed or {}).get("language", "")
    change = _prepare_translation(
        session, questionnaire, language=language, texts=texts, base_revisions=base_revisions
    )
    proposal.back_to_draft()
    proposal.reason = clean_reason(reason)
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


def _prepare_languages(
    questionnaire: Questionnaire, *, add: d.Language | None, remove: str | None
) -> list[dict[str, str]]:
    """Return the questionnaire's languages with one added or one removed, or refuse."""
    if (add is None) == (remove is None):
        raise DomainError(_("Choose one language to add or to remove."))
    current = languages_list(questionnaire)
    if add is not None:
        language = drafts.check_new_language(
            add.code, add.name, existing=drafts.languages_of(questionnaire)
        )
        return [*current, {"code": language.code, "name": language.name}]
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
    reason = clean_reason(reason)
    proposed = _prepare_languages(questionnaire, add=add, remove=remove)
    proposal = Proposal(
        questionnaire_id=questionnaire.id,
        author_id=author.id,
        reason=reason,
        kind=ChangeKind.SET_LANGUAGES,
        state=ProposalState.DRAFT,
        target_name=LANGUAGES_TARGET,
        proposed={"languages": proposed},
        base_content={"languages": languages_list(questionnaire)},
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
    questionnaire = questionnaire_of(session, proposal)
    proposed = _prepare_languages(questionnaire, add=add, remove=remove)
    proposal.back_to_draft()
    proposal.reason = clean_reason(reason)
    proposal.proposed = {"languages": proposed}
    proposal.base_content = {"languages": languages_list(questionnaire)}
    session.flush()
    return proposal
