"""Translation forms: suggesting a language to add or remove, and the translation form.

The translation form has one text box per text of the draft, and a record of what the
translator saw (each item's revision and a fingerprint of each text), so that only the
texts they changed are suggested and someone else's change meanwhile is noticed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from surveys import definition as d
from surveys.languages import MAX_CODE_LENGTH, MAX_NAME_LENGTH
from surveys.translations import texts as t
from surveys.views.suggesting import SuggestionForm


class LanguageForm(SuggestionForm):
    """Suggest a language to translate the questionnaire into."""

    name = StringField(
        _l("Language"),
        widget=GovTextInput(),
        description=_l("The name people who speak it use, like Cymraeg, Polski or Español."),
        validators=[
            InputRequired(message=_l("Enter the language's name")),
            Length(max=MAX_NAME_LENGTH, message=_l("Use 60 characters or fewer")),
        ],
    )
    code = StringField(
        _l("Language code"),
        widget=GovTextInput(),
        description=_l("Two or three letters, like cy, ur or pl; pt-BR for a country's own."),
        validators=[
            InputRequired(message=_l("Enter the language code")),
            Length(max=MAX_CODE_LENGTH, message=_l("Use a language code like cy, ur or pt-BR")),
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


FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "choice": _l("Answer"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
}
SECTION_FIELD_NAMES = {"label": _l("Section title"), "hint": _l("Help text")}


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


def describe_text(text: t.Text, default: str) -> str:
    """Say in plain words which text this is."""
    if text.key.field == "choice":
        choice = next(c for c in text.item.choices if c.name == text.key.choice)
        return _("Answer: %(answer)s", answer=choice.label.get(default) or choice.name)
    names = FIELD_NAMES if isinstance(text.item, d.Question) else SECTION_FIELD_NAMES
    return str(names[text.key.field])


def slots_of(definition: d.FormDefinition) -> list[Slot]:
    default = definition.default_language.code
    return [
        Slot(text, field_name_of(text.key), describe_text(text, default))
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


def read_seen(raw: str | None) -> tuple[dict[str, int], dict[str, tuple[t.TextKey, str]]] | None:
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


def write_seen(
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


def changed_texts(form, seen_texts: dict[str, tuple[t.TextKey, str]]) -> dict[t.TextKey, str]:
    """Return the texts the translator changed: sent, and different from what they saw."""
    return {
        key: form[name].data or ""
        for name, (key, print_) in seen_texts.items()
        if name in form and form[name].raw_data and fingerprint(form[name].data or "") != print_
    }


def refresh_after_refusal(
    form, slots, seen, language: str, revisions: dict[str, int], conflict_item
):
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
    return write_seen(slots, language, revisions, kept, kept_revisions)


def group_by_item(slots: list[Slot]) -> list[tuple[d.Item, list[Slot]]]:
    """Group the page's texts by the item they belong to, in questionnaire order."""
    groups: list[tuple[d.Item, list[Slot]]] = []
    for slot in slots:
        if groups and groups[-1][0].name == slot.text.key.item:
            groups[-1][1].append(slot)
        else:
            groups.append((slot.text.item, [slot]))
    return groups
