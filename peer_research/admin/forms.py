"""Forms of the site administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class StudyForm(FlaskForm):
    """Create a study (site administrators)."""

    title = StringField(
        _l("Study title"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Titles must be 200 characters or fewer")),
        ],
    )
    slug = StringField(
        _l("Short web address"),
        widget=GovTextInput(),
        description=_l("Lower-case letters, numbers and dashes, like carers-voices-2026."),
        validators=[
            InputRequired(message=_l("Enter a short web address")),
            Length(max=60, message=_l("Use 60 characters or fewer")),
        ],
    )
    description = StringField(
        _l("What the study is about (optional)"),
        widget=GovTextArea(),
        validators=[Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
    )
    facilitate = BooleanField(
        _l("I will be a facilitator of this study"), widget=GovCheckboxInput(), default=True
    )
    submit = SubmitField(_l("Create the study"), widget=GovSubmitInput())
