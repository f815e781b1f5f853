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

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from surveys import definition as d
from surveys import services
from surveys import translations as t
from surveys.codesign import services as codesign
from surveys.codesign import translating
from surveys.codesign.models import LIVE_STATES, ChangeKind, Proposal, ProposalState
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, may_suggest, questionnaire_or_404
from surveys.views.suggesting import (
    SuggestionForm,
    after_sending,
    may_change_now,
    send_suggestion,
    suggestion_defaults,
)

TRANSLATIONS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>/translations"

FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "choice": _l("Answer"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
}
SECTION_FIELD_NAMES = {"label": _l("Section title"), "hint": _l("Help text")}


class LanguageForm(SuggestionForm):
    """Suggest a language to translate the questionnaire into."""

    name = StringField(
        _l("Language"),
        widget=GovTextInput(),
        description=_l("The name people who speak it use, like Cymraeg, Polski or Español."),
        validators=[
            InputRequired(message=_l("Enter the language's name")),
            Length(max=t.MAX_NAME_LENGTH, message=_l("Use 60 characters or fewer")),
        ],
    )
    code = StringField(
        _l("Language code"),
        widget=GovTextInput(),
        description=_l("Two or three letters, like cy, ur or pl; pt-BR for a country's own."),
        validators=[
            InputRequired(message=_l("Enter the language code")),
            Length(max=t.MAX_CODE_LENGTH, message=_l("Use a language code like cy, ur or pt-BR")),
        ],
    )


class RemoveLanguageForm(SuggestionForm):
    """Suggest removing a language (and, when it has any, its texts)."""

    confirm = BooleanField(
        _l("Yes, delete its translated texts from the draft too"), widget=GovCheckboxInput()
    )
    texts_count = 0  # set by the view: a tick is needed only when texts would be deleted

    def validate_confirm(self, field: BooleanField) -> None:
        """Ask for a yes when the language has translated texts."""
        if self.texts_count and not field.data:
            raise ValidationError(
                _l(
                    "Tick the box to say its %(count)d translated texts may be deleted",
                    count=self.texts_count,
                )
            )


class SeenForm(FlaskForm):
    """Read what the translator saw, before the translation form itself can be built."""

    class Meta:
        csrf = False  # the translation form checks the token

    seen = HiddenField()


@dataclass(frozen=True)
class Slot:
    """One text on the translation page, with its form field."""

    text: t.Text
    field_name: str
    what: str  # "Question", "Answer: Yes", ... in plain words


def field_name_of(key: t.TextKey) -> str:
    """Return a form field name for a text: stable, and safe whatever the item is called."""
    digest = hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:16]
    return f"text-{digest}"


def fingerprint(text: str) -> str:
    """Return a short fingerprint of a text as stored (to tell whether it was changed)."""
    return hashlib.sha256(t.tidy_text(text).encode()).hexdigest()[:16]


def _describe(text: t.Text, default: str) -> str:
    """Say in plain words which text this is."""
    if text.key.field == "choice":
        choice = next(c for c in text.item.choices if c.name == text.key.choice)
        return _("Answer: %(answer)s", answer=choice.label.get(default) or choice.name)
    names = FIELD_NAMES if isinstance(text.item, d.Question) else SECTION_FIELD_NAMES
    return str(names[text.key.field])


def _slots(definition: d.FormDefinition) -> list[Slot]:
    default = definition.default_language.code
    return [
        Slot(text, field_name_of(text.key), _describe(text, default))
        for text in t.translatable_texts(definition)
    ]


def translation_form(
    slots: list[Slot], extra_keys: dict[str, t.TextKey], data: dict | None = None
) -> SuggestionForm:
    """Build the translation form: one text area per text, what the translator saw, and why."""

    class TranslationForm(SuggestionForm):
        seen = HiddenField()

    names = {slot.field_name: slot.text.key for slot in slots} | extra_keys
    for name, key in names.items():
        limit = t.MAX_LENGTHS[key.field]
        setattr(
            TranslationForm,
            name,
            StringField(
                _l("Translation"),
                widget=GovTextArea(),
                validators=[
                    Optional(),
                    Length(max=limit, message=_l("Use %(max)d characters or fewer", max=limit)),
                ],
            ),
        )
    return TranslationForm(data=data)


def _read_seen(raw: str | None) -> tuple[dict[str, int], dict[str, tuple[t.TextKey, str]]] | None:
    """Read the `seen` record back: revisions by item, and (key, fingerprint) by field name."""
    try:
        data = json.loads(raw or "")
        revisions = {str(name): int(rev) for name, rev in data["revisions"].items()}
        texts = {
            str(name): (t.TextKey(str(item), str(field), str(choice)), str(print_))
            for name, (item, field, choice, print_) in data["texts"].items()
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    for name, (key, _print) in texts.items():
        if key.field not in t.MAX_LENGTHS or name != field_name_of(key):
            return None  # not a record this page wrote
    return revisions, texts


def _write_seen(
    slots: list[Slot],
    language: str,
    revisions: dict[str, int],
    kept: dict[str, tuple[t.TextKey, str]] | None = None,
    kept_revisions: dict[str, int] | None = None,
) -> str:
    """Record what the page shows: revisions and text fingerprints (some kept from before)."""
    texts = {
        slot.field_name: [*slot.text.key, fingerprint(slot.text.in_language(language))]
        for slot in slots
    }
    for name, (key, print_) in (kept or {}).items():
        texts[name] = [*key, print_]
    shown = {slot.text.key.item for slot in slots}
    return json.dumps(
        {
            "revisions": {name: rev for name, rev in revisions.items() if name in shown}
            | (kept_revisions or {}),
            "texts": texts,
        }
    )


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


def _visible(proposal: Proposal) -> bool:
    """Tell whether the current member may see a suggestion: drafts are their author's."""
    private = proposal.state == ProposalState.DRAFT or (
        proposal.state == ProposalState.NEEDS_UPDATE and proposal.opened_at is None
    )
    return not private or proposal.author_id == current_user.id


def _live_suggestions(questionnaire: Questionnaire) -> list[Proposal]:
    """Return the live translation and language suggestions the current member may see."""
    return [
        proposal
        for proposal in codesign.proposals_of(db.session, questionnaire)
        if proposal.kind in translating.BUNDLE_KINDS
        and proposal.state in LIVE_STATES
        and _visible(proposal)
    ]


@blueprint.app_template_global()
def bundle_title(proposal: Proposal) -> str:
    """Return a translation or languages suggestion's short title in plain words."""
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        change = codesign.languages_change(proposal)
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
    from surveys.views.codesign import change_lines  # the shared before/after wording

    questionnaire = db.session.get_one(Questionnaire, proposal.questionnaire_id)
    live = proposal.state in LIVE_STATES
    found: dict = {"items": [], "languages": None, "edit_url": None, "stale": None}
    if proposal.kind == ChangeKind.SET_LANGUAGES:
        found["languages"] = codesign.languages_change(proposal)
    else:
        draft = services.draft_definition(db.session, questionnaire)
        for entry in codesign.translation_items(db.session, proposal=proposal):
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
        stale = translating.stale_item(db.session, proposal=proposal)
        if stale is not None:
            found["stale"] = translating.stale_message(db.session, proposal, stale)
    return found


def _language_name(questionnaire_id: int, code: str) -> str:
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    found = t.find_language(questionnaire, code) if questionnaire else None
    return found.name if found else code


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
            lambda: codesign.create_languages_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                add=language,
                reason=form.reason.data,
            ),
        )
        if proposal is not None:
            added = codesign.languages_change(proposal).added[0]
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
        may_change_now=may_change_now(),
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
            lambda: codesign.create_languages_proposal(
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
        may_change_now=may_change_now(),
    )


def _my_translation_or_404(questionnaire: Questionnaire, language: d.Language) -> Proposal | None:
    """Return the author's own translation suggestion named by ?proposal=, if any, or 404."""
    raw = request.args.get("proposal")
    if raw is None:
        return None
    proposal = db.session.get(Proposal, int(raw)) if raw.isdigit() else None
    if (
        proposal is None
        or proposal.questionnaire_id != questionnaire.id
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
    slots = _slots(draft)
    seen = _read_seen(SeenForm().seen.data) if request.method == "POST" else None
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
            texts = translating.keyed_texts(_changed_texts(form, seen[1]))

            def write() -> Proposal:
                try:
                    if editing is not None:
                        return codesign.edit_translation_proposal(
                            db.session,
                            proposal=editing,
                            editor=current_user,
                            texts=texts,
                            reason=form.reason.data,
                            base_revisions=seen[0],
                        )
                    return codesign.create_translation_proposal(
                        db.session,
                        questionnaire=questionnaire,
                        author=current_user,
                        language=language.code,
                        texts=texts,
                        reason=form.reason.data,
                        base_revisions=seen[0],
                    )
                except translating.StaleTranslationError as error:
                    conflict["item"] = error.item
                    raise

            proposal = send_suggestion(form, write)
            if proposal is not None:
                return _done(form, proposal, request.path)
            draft = services.draft_definition(db.session, questionnaire)
            revisions = services.draft_revisions(db.session, questionnaire)
            slots = _slots(draft)
    conflict_item = conflict.get("item")
    missing_only = request.args.get("missing") == "1" and editing is None
    shown = [
        slot
        for slot in slots
        if not (missing_only and slot.text.in_language(language.code).strip())
    ]
    if request.method == "POST":
        form.seen.data = _refresh(form, slots, seen, language.code, revisions, conflict_item)
    else:
        form.seen.data = _write_seen(shown, language.code, revisions)
        suggested = translating.proposed_texts(editing) if editing is not None else {}
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
        groups=_group(shown),
        progress=progress,
        missing_only=missing_only,
        conflict_item=conflict_item,
        editing=editing,
        may_change_now=may_change_now(),
        suggestions=[
            p
            for p in _live_suggestions(questionnaire)
            if p.kind == ChangeKind.TRANSLATE
            and (p.proposed or {}).get("language") == language.code
            and p != editing
        ],
        state_of=_state_words,
    )


def _changed_texts(form, seen_texts: dict[str, tuple[t.TextKey, str]]) -> dict[t.TextKey, str]:
    """Return the texts the translator changed: sent, and different from what they saw."""
    return {
        key: form[name].data or ""
        for name, (key, print_) in seen_texts.items()
        if name in form and form[name].raw_data and fingerprint(form[name].data or "") != print_
    }


def _refresh(form, slots, seen, language: str, revisions: dict[str, int], conflict_item):
    """Prepare the page again after a failed save, keeping the translator's own changes.

    Texts the translator did not change show what is saved now; texts they changed keep
    their words and the revision they started from, so that a later save still notices
    anyone else's change. The question just reported as changed takes its new revision:
    the translator has been told, and saving again replaces it with their words.
    """
    seen_revisions, seen_texts = seen or ({}, {})
    kept: dict[str, tuple[t.TextKey, str]] = {}
    kept_revisions: dict[str, int] = {}
    for slot in slots:
        field = form[slot.field_name]
        before = seen_texts.get(slot.field_name)
        changed_by_them = (
            before is not None and field.raw_data and fingerprint(field.data or "") != before[1]
        )
        if changed_by_them:
            kept[slot.field_name] = before
            item = slot.text.key.item
            if item != conflict_item and item in seen_revisions:
                kept_revisions[item] = seen_revisions[item]
        else:
            field.data = slot.text.in_language(language)
    return _write_seen(slots, language, revisions, kept, kept_revisions)


def _group(slots: list[Slot]) -> list[tuple[d.Item, list[Slot]]]:
    """Group the page's texts by the item they belong to, in questionnaire order."""
    groups: list[tuple[d.Item, list[Slot]]] = []
    for slot in slots:
        if groups and groups[-1][0].name == slot.text.key.item:
            groups[-1][1].append(slot)
        else:
            groups.append((slot.text.item, [slot]))
    return groups
