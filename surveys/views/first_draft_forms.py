"""The form that asks the group to let named members build the first draft directly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from surveys.views.suggestion_forms import decide_by_field


class FirstDraftBuildersForm(FlaskForm):
    """Name the members who may build the first draft directly; why; and decide by when."""

    builders = SelectMultipleField(
        _l("Who may build the first draft?"),
        choices=[],
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,  # checked against the design group by the service
        description=_l(
            "They can add, change and take out questions directly, without a vote for each "
            "change, until the first version is published. Everyone can still see every "
            "change in the decision log. Choose nobody to stop it."
        ),
    )
    reason = StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=_l(
            "In your own words. For example: “Ada and Sam write a first draft, then we all "
            "look at it together before it is published.”"
        ),
        validators=[
            DataRequired(message=_l("Say in your own words why you ask this")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )
    deadline = decide_by_field()
    submit = SubmitField(_l("Ask the group"), widget=GovSubmitInput())
