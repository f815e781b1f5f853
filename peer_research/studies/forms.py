"""Forms for inviting people, joining and changing roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from peer_research.forms import email_field, name_field
from peer_research.studies.models import Role
from peer_research.studies.roles import ROLE_NAMES


def role_field(label: str) -> SelectMultipleField:
    """Return a set of role checkboxes."""
    return SelectMultipleField(
        label,
        choices=[SelectChoice(role.value, ROLE_NAMES[role]) for role in Role],
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message=_l("Choose at least one role"))],
    )


class InviteForm(FlaskForm):
    """Invite a person to the study with one or more roles."""

    name = name_field(_l("Their name"))
    email = email_field(
        _l("Their e-mail address (optional)"),
        _l("Leave this empty if they do not use e-mail. You can print or copy the link instead."),
    )
    roles = role_field(_l("What will they do in this study?"))
    send_email = BooleanField(_l("Also send the link by e-mail"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Make the invitation link"), widget=GovSubmitInput())


class JoinWithNewAccountForm(FlaskForm):
    """Accept an invitation by making an account."""

    display_name = name_field(_l("Your name"))
    username = StringField(
        _l("Choose a username"),
        widget=GovTextInput(),
        description=_l("You will use this to sign in. Letters, numbers, dots or dashes."),
        validators=[
            InputRequired(message=_l("Choose a username")),
            Length(max=60, message=_l("Usernames must be 60 characters or fewer")),
        ],
    )
    email = email_field(
        _l("Your e-mail address (optional)"), _l("Only if you want to sign in with it.")
    )
    password = PasswordField(
        _l("Choose a password"),
        widget=GovPasswordInput(),
        description=_l(
            "At least 8 characters. Long is good: try three or four words you will remember."
        ),
        validators=[InputRequired(message=_l("Choose a password"))],
    )
    submit = SubmitField(_l("Join the study"), widget=GovSubmitInput())


class RolesForm(FlaskForm):
    """Change a member's roles."""

    roles = role_field(_l("Roles in this study"))
    submit = SubmitField(_l("Save roles"), widget=GovSubmitInput())
