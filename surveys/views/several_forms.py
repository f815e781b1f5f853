"""The forms of a suggestion of several changes: starting it, and each change in it.

A change in it is described on the same question and section forms as a suggestion of one
change, without "Why?", "Decide by" and the sending buttons: the whole suggestion has one
reason and is put to the group once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from surveys.views.editor_forms import (
    QuestionSuggestionForm,
    SectionSuggestionForm,
    question_form_data,
    question_from_form,
    section_form_data,
    section_from_form,
)

# The fields a suggestion of one change ends with; a change within several has none of them.
SENDING_FIELDS = ("reason", "deadline", "suggest", "save_draft", "change_now")


def _reason_field() -> StringField:
    """Return the "Why?" of a suggestion of several changes."""
    return StringField(
        _l("What are these changes for, and why?"),
        widget=GovTextArea(),
        description=_l(
            "In your own words, so the group understands what you have in mind. For "
            "example: “Six questions about help at home, so we learn who helps people.”"
        ),
        validators=[
            DataRequired(message=_l("Say in your own words why you suggest these changes")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )


class StartSeveralForm(FlaskForm):
    """Start a suggestion of several changes: why, then its changes one by one."""

    reason = _reason_field()
    submit = SubmitField(_l("Start the suggestion"), widget=GovSubmitInput())


class SeveralReasonForm(FlaskForm):
    """Change why one's suggestion of several changes is made."""

    reason = _reason_field()
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class QuestionPartForm(QuestionSuggestionForm):
    """A question to add to (or change in) a suggestion of several changes."""

    add_part = SubmitField(_l("Save this change in the suggestion"), widget=GovSubmitInput())


class SectionPartForm(SectionSuggestionForm):
    """A section to add to (or change in) a suggestion of several changes."""

    add_part = SubmitField(_l("Save this change in the suggestion"), widget=GovSubmitInput())


def part_form(item_kind: str, **kwargs):
    """Return a change form for a question or section, without the sending fields, with its
    builder, form data and template (as `editor_forms.item_form` does for one change)."""
    if item_kind == "section":
        form = SectionPartForm(**kwargs)
        found = (form, section_from_form, section_form_data, "surveys/section_form.html")
    else:
        form = QuestionPartForm(**kwargs)
        found = (form, question_from_form, question_form_data, "surveys/question_form.html")
    for name in SENDING_FIELDS:
        del form[name]
    return found


def part_form_data(item_kind: str):
    """Return the function giving a change form's values for a question or section."""
    return section_form_data if item_kind == "section" else question_form_data
