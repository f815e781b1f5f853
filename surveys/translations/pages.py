"""How a translation or languages suggestion reads on its page: its title, each question
with the texts it changes, and whether the draft moved on under it (template globals)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from peer_research.db import db
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.services import LIVE_STATES, ChangeKind, Proposal, ProposalState
from surveys.translations import changes
from surveys.translations import texts as t
from surveys.views import blueprint


@blueprint.app_template_global()
def bundle_title(proposal: Proposal) -> str:
    """Return a translation or languages suggestion's short title in plain words."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        change = changes.languages_change(proposal)
        if change.added:
            return _("Add %(language)s", language=change.added[0].name)
        if change.removed:
            return _("Remove %(language)s", language=change.removed[0].name)
        return _("Change the languages")
    code = (proposal.proposed or {}).get("language", "")
    count = len(proposal.target_names)
    return ngettext(
        "%(language)s texts for %(num)d question",
        "%(language)s texts for %(num)d questions",
        count,
        language=_language_name(proposal.questionnaire_id, code),
    )


@dataclass(frozen=True)
class BundleItem:
    """One item of a translation suggestion as its page shows it."""

    name: str
    label: str
    is_section: bool
    lines: list  # ChangeLine (surveys/views/codesign.py)
    changed_since: bool  # the item in the draft is no longer as the suggestion saw it


def _translation_lines(lines: list, changes: list, before: d.Item | None, main: str) -> list:
    """Name each answer by its words, and say a translation (not a text) was added or taken out."""
    choices = {choice.name: choice for choice in getattr(before, "choices", ())}
    status = {"added": _("translation added"), "removed": _("translation taken out")}
    shown = []
    for line, change in zip(lines, changes, strict=True):
        title = line.title
        if change.choice is not None:
            choice = choices.get(change.choice)
            words = (choice.label.get(main) if choice else None) or change.choice
            title = _("Answer “%(answer)s”", answer=words) + line.title.removeprefix(
                str(_("An answer to choose from"))
            )
        shown.append(
            dataclasses.replace(
                line, title=title, status_text=status.get(change.status, line.status_text)
            )
        )
    return shown


@blueprint.app_template_global()
def translation_changes(proposal: Proposal) -> dict:
    """Return what a translation or languages suggestion changes, for its page."""
    from surveys.views.before_after import change_lines  # the shared before/after wording

    questionnaire = codesign.questionnaire_of(db.session, proposal)
    live = proposal.state in LIVE_STATES
    found: dict = {"items": [], "languages": None, "edit_url": None, "stale": None}
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        found["languages"] = changes.languages_change(proposal)
    else:
        draft = services.draft_definition(db.session, questionnaire)
        for entry in changes.translation_items(db.session, proposal=proposal):
            now = draft.find(entry.name)
            base = (proposal.base_content or {}).get(entry.name)
            found["items"].append(
                BundleItem(
                    name=entry.name,
                    label=entry.label,
                    is_section=entry.is_section,
                    lines=_translation_lines(
                        change_lines(entry.changes, questionnaire, section=entry.is_section),
                        entry.changes,
                        d.item_from_json(base) if base else None,
                        draft.default_language.code,
                    ),
                    changed_since=live and (now is None or codesign.item_content(now) != base),
                )
            )
        if proposal.author_id == current_user.id and proposal.state in (
            ProposalState.DRAFT,
            ProposalState.NEEDS_UPDATE,
        ):
            language = t.find_language(questionnaire, (proposal.proposed or {}).get("language", ""))
            if language is not None:
                found["edit_url"] = url_for(
                    "surveys.translate_language",
                    questionnaire_id=questionnaire.id,
                    code=language.code,
                    proposal=proposal.id,
                )
    if live:
        stale = changes.stale_item(db.session, proposal=proposal)
        if stale is not None:
            found["stale"] = changes.stale_message(db.session, proposal, stale)
    return found


def _language_name(questionnaire_id: int, code: str) -> str:
    questionnaire = services.get_questionnaire(db.session, questionnaire_id=questionnaire_id)
    found = t.find_language(questionnaire, code) if questionnaire else None
    return found.name if found else code
