"""The editor's forms (items, moving, removing, pictures), and how a question or section is
built from them and shown in them."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput
from wtforms import FileField, HiddenField, RadioField, SelectField
from wtforms.validators import ValidationError

from surveys import definition as d
from surveys.forms import (
    QuestionForm,
    SectionForm,
    choice_lines,
    make_name,
    parse_choice_lines,
)
from surveys.views.places import place_field
from surveys.views.suggestion_forms import SuggestionForm


class QuestionSuggestionForm(SuggestionForm, QuestionForm):
    """Suggest adding or changing a question: every field, then why and how to send it."""

    submit = None  # the suggestion buttons replace "Save"
    place = place_field()  # shown when adding only


class SectionSuggestionForm(SuggestionForm, SectionForm):
    """Suggest adding or changing a section: its settings, then why and how to send it."""

    submit = None
    place = place_field()  # shown when adding only


class MoveSuggestionForm(SuggestionForm):
    """Suggest moving an item: where it should go, then why."""

    revision = HiddenField()
    place = place_field()

    def validate_place(self, field: SelectField) -> None:
        """Accept only one of the places offered."""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose where it should go"))


class RemoveSuggestionForm(SuggestionForm):
    """Suggest removing an item: only why."""

    revision = HiddenField()


class ImageForm(SuggestionForm):
    """Suggest a picture for a question (target empty) or for one of its answers."""

    target = RadioField(
        _l("Where should the picture go?"),
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,  # checked against the question's answers by the view
    )
    revision = HiddenField()
    image = FileField(_l("Picture"), widget=GovFileInput())


class RemoveImageForm(SuggestionForm):
    """Suggest taking the picture off a question or one of its answers."""

    target = HiddenField()
    revision = HiddenField()


def _free_name(wanted: str, taken: set[str]) -> str:
    """Return the wanted name, numbered if another item already has it."""
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}_{number}", number + 1
    return name


def question_from_form(
    form: QuestionForm, *, language: str, existing: d.Question | None, taken: set[str]
) -> d.Question:
    """Build a question from the editor form, keeping the other languages' texts."""
    kind = d.QuestionType(form.type.data)
    old = existing or d.Question(name="", type=kind, label={})
    choices = parse_choice_lines(form.choices.data or "", language, old.choices)
    if kind == d.QuestionType.YES_NO and not choices:
        choices = (d.Choice("yes", {language: _("Yes")}), d.Choice("no", {language: _("No")}))
    if kind not in d.CHOICE_TYPES and kind != d.QuestionType.YES_NO:
        choices = ()
    name = (form.name.data or "").strip() or _free_name(make_name(form.label.data or ""), taken)
    return d.Question(
        name=name,
        type=kind,
        label=d.with_text(old.label, language, form.label.data),
        hint=d.with_text(old.hint, language, form.hint.data),
        required=form.required.data,
        required_if=(form.required_if.data or "").strip(),
        required_message=d.with_text(old.required_message, language, form.required_message.data),
        default=(form.default.data or "").strip(),
        relevance=(form.relevance.data or "").strip(),
        constraint=(form.constraint.data or "").strip(),
        constraint_message=d.with_text(
            old.constraint_message, language, form.constraint_message.data
        ),
        calculation=(form.calculation.data or "").strip(),
        choices=choices,
        choice_list=old.choice_list,
        other_option=form.other_option.data and kind in d.CHOICE_TYPES,
        appearance=form.appearance.data or "",
        image=old.image,
        read_only=old.read_only,
        privacy=d.PrivacyClass(form.privacy.data or d.PrivacyClass.NONE.value),
    )


def question_form_data(question: d.Question, language: str) -> dict:
    """Return the editor form's values for a question."""
    return {
        "type": question.type.value,
        "label": question.label.get(language, ""),
        "hint": question.hint.get(language, ""),
        "name": question.name,
        "choices": choice_lines(question.choices, language),
        "other_option": question.other_option,
        "required": question.required,
        "required_message": question.required_message.get(language, ""),
        "privacy": question.privacy.value,
        "appearance": question.appearance,
        "relevance": question.relevance,
        "constraint": question.constraint,
        "constraint_message": question.constraint_message.get(language, ""),
        "required_if": question.required_if,
        "calculation": question.calculation,
        "default": question.default,
    }


def section_from_form(
    form: SectionForm, *, language: str, existing: d.Section | None, taken: set[str]
) -> d.Section:
    """Build a section from the editor form (its questions are kept as they are)."""
    old = existing or d.Section(name="", label={})
    name = (form.name.data or "").strip() or _free_name(make_name(form.label.data or ""), taken)
    return d.Section(
        name=name,
        label=d.with_text(old.label, language, form.label.data),
        items=old.items,
        hint=d.with_text(old.hint, language, form.hint.data),
        relevance=(form.relevance.data or "").strip(),
        repeat=form.repeat.data,
        repeat_count=(form.repeat_count.data or "").strip() if form.repeat.data else "",
        appearance="field-list" if form.one_screen.data else "",
    )


def section_form_data(section: d.Section, language: str) -> dict:
    """Return the editor form's values for a section."""
    return {
        "label": section.label.get(language, ""),
        "hint": section.hint.get(language, ""),
        "name": section.name,
        "relevance": section.relevance,
        "repeat": section.repeat,
        "repeat_count": section.repeat_count,
        "one_screen": section.appearance == "field-list",
    }


def item_form(item_kind: str):
    """Return the form class, builder, form data and template for a question or a section."""
    if item_kind == "section":
        return (
            SectionSuggestionForm,
            section_from_form,
            section_form_data,
            "surveys/section_form.html",
        )
    return (
        QuestionSuggestionForm,
        question_from_form,
        question_form_data,
        "surveys/question_form.html",
    )
