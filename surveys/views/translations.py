"""Translate the draft: see what is missing per language, add and remove languages, translate.

The translation page posts back, besides the texts, a record of what the translator saw
(`seen`: each item's revision and a fingerprint of each text). Only texts the translator
changed are saved, so two people translating different questions at once do not undo each
other's work, and a question someone else changed meanwhile stops the save with its name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys import definition as d
from surveys import services
from surveys import translations as t
from surveys.views import blueprint
from surveys.views.common import DESIGN_GROUP, may_edit, questionnaire_or_404

TRANSLATIONS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>/translations"

FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "choice": _l("Answer"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
}
SECTION_FIELD_NAMES = {"label": _l("Section title"), "hint": _l("Help text")}


class LanguageForm(FlaskForm):
    """Add a language to translate the questionnaire into."""

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
    submit = SubmitField(_l("Add the language"), widget=GovSubmitInput())


class RemoveLanguageForm(FlaskForm):
    """Confirm removing a language (and, when it has any, its texts)."""

    confirm = BooleanField(
        _l("Yes, delete its translated texts from the draft too"), widget=GovCheckboxInput()
    )
    submit = SubmitField(_l("Remove the language"), widget=GovSubmitInput())


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


def translation_form(slots: list[Slot], extra_keys: dict[str, t.TextKey]) -> FlaskForm:
    """Build the translation form: one text area per text, plus what the translator saw."""

    class TranslationForm(FlaskForm):
        seen = HiddenField()
        submit = SubmitField(_l("Save translations"), widget=GovSubmitInput())

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
    return TranslationForm()


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


def _language_or_404(questionnaire, code: str) -> d.Language:
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


@blueprint.get(TRANSLATIONS)
@allow(ANY_MEMBER)
def show_translations(questionnaire_id: int):
    """Show each language with how many texts are translated and missing."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    return render_template(
        "surveys/translations.html",
        questionnaire=questionnaire,
        draft=draft,
        progress=t.translation_progress(draft),
        may_edit=may_edit(),
    )


@blueprint.route(f"{TRANSLATIONS}/new", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def add_language(questionnaire_id: int):
    """Add a language to translate the questionnaire into."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            language = t.add_language(
                db.session, questionnaire=questionnaire, code=form.code.data, name=form.name.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(
                _("%(language)s is added. Now translate the texts.", language=language.name),
                "success",
            )
            return redirect(
                url_for(
                    "surveys.translate_language",
                    questionnaire_id=questionnaire.id,
                    code=language.code,
                )
            )
    return render_template("surveys/translations_add.html", form=form, questionnaire=questionnaire)


@blueprint.route(f"{TRANSLATIONS}/<code>/remove", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def remove_language(questionnaire_id: int, code: str):
    """Ask to confirm, then remove a language and its texts from the draft."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    language = _language_or_404(questionnaire, code)
    draft = services.draft_definition(db.session, questionnaire)
    count = t.texts_in_language(draft, language.code)
    form = RemoveLanguageForm()
    if form.validate_on_submit():
        try:
            t.remove_language(
                db.session,
                questionnaire=questionnaire,
                code=language.code,
                confirmed=form.confirm.data,
                changed_by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            count = getattr(error, "count", count)
        else:
            db.commit()
            flash(_("%(language)s is removed from the draft.", language=language.name), "success")
            return redirect(url_for("surveys.show_translations", questionnaire_id=questionnaire.id))
    return render_template(
        "surveys/translations_remove.html",
        form=form,
        questionnaire=questionnaire,
        language=language,
        count=count,
    )


@blueprint.route(f"{TRANSLATIONS}/<code>", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def translate_language(questionnaire_id: int, code: str):
    """Show every text beside its translation into one language, and save the changes."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    language = _language_or_404(questionnaire, code)
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
    form = translation_form(slots, gone)
    conflict_item: str | None = None
    if form.validate_on_submit():
        if seen is None:
            form.form_errors.append(
                _("This page was out of date. Nothing was saved: reload it and try again.")
            )
        else:
            try:
                saved = t.save_translations(
                    db.session,
                    questionnaire=questionnaire,
                    language=language.code,
                    texts=_changed_texts(form, seen[1]),
                    revisions=seen[0],
                    changed_by=current_user,
                )
            except DomainError as error:
                db.session.rollback()
                show_domain_error(form, error)
                conflict_item = getattr(error, "item", None)
            else:
                db.commit()
                _flash_saved(saved, language)
                return redirect(request.full_path if request.query_string else request.path)
    missing_only = request.args.get("missing") == "1"
    shown = [
        slot
        for slot in slots
        if not (missing_only and slot.text.in_language(language.code).strip())
    ]
    if request.method == "POST":
        form.seen.data = _refresh(form, slots, seen, language.code, revisions, conflict_item)
    else:
        form.seen.data = _write_seen(shown, language.code, revisions)
        for slot in shown:
            form[slot.field_name].data = slot.text.in_language(language.code)
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
    )


def _changed_texts(form, seen_texts: dict[str, tuple[t.TextKey, str]]) -> dict[t.TextKey, str]:
    """Return the texts the translator changed: sent, and different from what they saw."""
    return {
        key: form[name].data or ""
        for name, (key, print_) in seen_texts.items()
        if name in form and form[name].raw_data and fingerprint(form[name].data or "") != print_
    }


def _flash_saved(saved: list[str], language: d.Language) -> None:
    """Say what the save changed."""
    if not saved:
        flash(_("Nothing was changed."), "info")
        return
    message = ngettext(
        "Saved. %(num)d question has new %(language)s texts.",
        "Saved. %(num)d questions have new %(language)s texts.",
        len(saved),
        language=language.name,
    )
    flash(message, "success")


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
