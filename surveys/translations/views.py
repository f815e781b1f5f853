"""Translations: see what is missing per language; suggest texts, and languages to add or remove.

Nothing here changes the draft directly: the translation page writes one suggestion with
every text changed on it (`ChangeKind.TRANSLATE`), and adding or removing a language is a
suggestion too (`ChangeKind.SET_LANGUAGES`). The shared suggestion form decides whether it
is put to the group, kept as a draft, or (a facilitator, if the study allows) made at once.

The translation page posts back, besides the texts, a record of what the translator saw
(`seen`: each item's revision and a fingerprint of each text). Only texts the translator
changed are saved, so two people translating different questions at once do not undo each
other's work, and a question someone else changed meanwhile stops the suggestion with its
name.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.edge import parse_id
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.services import ChangeKind, Proposal, ProposalState
from surveys.models import Questionnaire
from surveys.translations import changes, suggestions
from surveys.translations import texts as t
from surveys.translations.forms import (
    LanguageForm,
    RemoveLanguageForm,
    SeenForm,
    changed_texts,
    group_by_item,
    read_seen,
    refresh_after_refusal,
    slots_of,
    translation_form,
    write_seen,
)
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    may_suggest,
    questionnaire_or_404,
    visible_to_me,
)
from surveys.views.suggesting import (
    SuggestionForm,
    after_sending,
    may_change_now,
    send_suggestion,
    suggestion_defaults,
)

# The kinds of suggestion this page lists (the engine has other many-item kinds).
TRANSLATION_KINDS = frozenset({ChangeKind.TRANSLATE, ChangeKind.SET_LANGUAGES})
TRANSLATIONS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>/translations"


def _language_or_404(questionnaire: Questionnaire, code: str) -> d.Language:
    """Return one of the questionnaire's translation languages, or answer 404."""
    language = t.find_language(questionnaire, code)
    if language is None:
        abort(404, _("The questionnaire does not have that language."))
    if language == services.languages_of(questionnaire)[0]:
        abort(
            404,
            _(
                "%(language)s is the main language. Change its words in the editor.",
                language=language.name,
            ),
        )
    return language


def _live_suggestions(questionnaire: Questionnaire) -> list[Proposal]:
    """Return the live translation and language suggestions the current member may see."""
    return [
        proposal
        for proposal in codesign.proposals_of(db.session, questionnaire, live_only=True)
        if proposal.kind in TRANSLATION_KINDS and visible_to_me(proposal)
    ]


@blueprint.get(TRANSLATIONS)
@allow(ANY_MEMBER)
def show_translations(questionnaire_id: int):
    """Show each language with how many texts are translated and missing, and suggestions."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    suggestions = _live_suggestions(questionnaire)
    by_language: dict[str, list[Proposal]] = {}
    for proposal in suggestions:
        if proposal.kind == ChangeKind.TRANSLATE:
            code = (proposal.proposed or {}).get("language", "")
            by_language.setdefault(code, []).append(proposal)
    return render_template(
        "surveys/translations.html",
        questionnaire=questionnaire,
        draft=draft,
        progress=t.translation_progress(draft),
        may_suggest=may_suggest(),
        translation_suggestions=by_language,
        language_suggestions=[p for p in suggestions if p.kind == ChangeKind.SET_LANGUAGES],
        state_of=_state_words,
    )


def _state_words(proposal: Proposal) -> str:
    """Say where a suggestion is, in plain words."""
    return {
        ProposalState.DRAFT: _("your draft"),
        ProposalState.OPEN: _("open for votes"),
        ProposalState.NEEDS_UPDATE: _("needs an update"),
    }.get(proposal.state, "")


def _done(form: SuggestionForm, proposal: Proposal, fallback: str):
    """Go to the suggestion, or (for a change made at once) back to the translations."""
    return after_sending(form, proposal, fallback)


@blueprint.route(f"{TRANSLATIONS}/new", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def add_language(questionnaire_id: int):
    """Suggest a language to translate the questionnaire into."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = LanguageForm(data=None if request.method == "POST" else suggestion_defaults())
    if form.validate_on_submit():
        language = d.Language(form.code.data or "", form.name.data or "")
        proposal = send_suggestion(
            form,
            lambda: suggestions.create_languages_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                add=language,
                reason=form.reason.data,
            ),
        )
        if proposal is not None:
            added = changes.languages_change(proposal).added[0]
            return _done(
                form,
                proposal,
                url_for(
                    "surveys.translate_language",
                    questionnaire_id=questionnaire.id,
                    code=added.code,
                ),
            )
    return render_template(
        "surveys/translations_add.html",
        form=form,
        questionnaire=questionnaire,
        may_change_now=may_change_now(questionnaire),
    )


@blueprint.route(f"{TRANSLATIONS}/<code>/remove", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def remove_language(questionnaire_id: int, code: str):
    """Suggest removing a language and its texts from the draft."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    language = _language_or_404(questionnaire, code)
    draft = services.draft_definition(db.session, questionnaire)
    count = t.texts_in_language(draft, language.code)
    form = RemoveLanguageForm(data=None if request.method == "POST" else suggestion_defaults())
    form.texts_count = count
    if form.validate_on_submit():
        proposal = send_suggestion(
            form,
            lambda: suggestions.create_languages_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                remove=language.code,
                reason=form.reason.data,
            ),
        )
        if proposal is not None:
            return _done(
                form,
                proposal,
                url_for("surveys.show_translations", questionnaire_id=questionnaire.id),
            )
    return render_template(
        "surveys/translations_remove.html",
        form=form,
        questionnaire=questionnaire,
        language=language,
        count=count,
        may_change_now=may_change_now(questionnaire),
    )


def _my_translation_or_404(questionnaire: Questionnaire, language: d.Language) -> Proposal | None:
    """Return the author's own translation suggestion named by ?proposal=, if any, or 404."""
    raw = request.args.get("proposal")
    if raw is None:
        return None
    proposal_id = parse_id(raw)
    proposal = (
        codesign.get_proposal(db.session, questionnaire=questionnaire, proposal_id=proposal_id)
        if proposal_id is not None
        else None
    )
    if (
        proposal is None
        or proposal.kind != ChangeKind.TRANSLATE
        or proposal.author_id != current_user.id
        or (proposal.proposed or {}).get("language") != language.code
    ):
        abort(404, _("That is not one of your translation suggestions for this language."))
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        abort(
            404,
            _("Only a draft can be changed: withdraw the suggestion and suggest it again."),
        )
    return proposal


@blueprint.route(f"{TRANSLATIONS}/<code>", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def translate_language(questionnaire_id: int, code: str):
    """Show every text beside its translation into one language, and suggest the changes.

    With ?proposal=<id>, the boxes hold the author's own draft suggestion, to change it.
    """
    questionnaire = questionnaire_or_404(questionnaire_id)
    language = _language_or_404(questionnaire, code)
    editing = _my_translation_or_404(questionnaire, language)
    draft = services.draft_definition(db.session, questionnaire)
    revisions = services.draft_revisions(db.session, questionnaire)
    slots = slots_of(draft)
    seen = read_seen(SeenForm().seen.data) if request.method == "POST" else None
    current = {slot.field_name for slot in slots}
    gone = {
        name: key
        for name, (key, _print) in (seen[1] if seen else {}).items()
        if name not in current
    }
    form = translation_form(
        slots, gone, None if request.method == "POST" else suggestion_defaults(editing)
    )
    conflict: dict[str, str] = {}
    if form.validate_on_submit():
        if seen is None:
            form.form_errors.append(
                _("This page was out of date. Nothing was saved: reload it and try again.")
            )
        else:
            texts = suggestions.keyed_texts(changed_texts(form, seen[1]))

            def write() -> Proposal:
                try:
                    if editing is not None:
                        return suggestions.edit_translation_proposal(
                            db.session,
                            proposal=editing,
                            editor=current_user,
                            texts=texts,
                            reason=form.reason.data,
                            base_revisions=seen[0],
                        )
                    return suggestions.create_translation_proposal(
                        db.session,
                        questionnaire=questionnaire,
                        author=current_user,
                        language=language.code,
                        texts=texts,
                        reason=form.reason.data,
                        base_revisions=seen[0],
                    )
                except suggestions.StaleTranslationError as error:
                    conflict["item"] = error.item
                    raise

            proposal = send_suggestion(form, write)
            if proposal is not None:
                return _done(form, proposal, request.path)
            draft = services.draft_definition(db.session, questionnaire)
            revisions = services.draft_revisions(db.session, questionnaire)
            slots = slots_of(draft)
    conflict_item = conflict.get("item")
    missing_only = request.args.get("missing") == "1" and editing is None
    shown = [
        slot
        for slot in slots
        if not (missing_only and slot.text.in_language(language.code).strip())
    ]
    if request.method == "POST":
        form.seen.data = refresh_after_refusal(
            form, slots, seen, language.code, revisions, conflict_item
        )
    else:
        form.seen.data = write_seen(shown, language.code, revisions)
        suggested = suggestions.proposed_texts(editing) if editing is not None else {}
        for slot in shown:
            form[slot.field_name].data = suggested.get(
                slot.text.key, slot.text.in_language(language.code)
            )
    progress = next(p for p in t.translation_progress(draft) if p.language == language)
    return render_template(
        "surveys/translations_language.html",
        form=form,
        questionnaire=questionnaire,
        draft=draft,
        language=language,
        default=draft.default_language,
        slots=shown,
        groups=group_by_item(shown),
        progress=progress,
        missing_only=missing_only,
        conflict_item=conflict_item,
        editing=editing,
        may_change_now=may_change_now(questionnaire),
        suggestions=[
            p
            for p in _live_suggestions(questionnaire)
            if p.kind == ChangeKind.TRANSLATE
            and (p.proposed or {}).get("language") == language.code
            and p != editing
        ],
        state_of=_state_words,
    )
