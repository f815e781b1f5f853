"""Forms for signing in, choosing and changing passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from peer_research.accounts.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    """Sign in with a username (or e-mail address) and password."""

    username = StringField(
        _l("Username or e-mail address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter your username or e-mail address")),
            Length(max=254, message=_l("That is too long to be a username")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=MAX_LENGTH, message=_l("That is too long to be a password")),
        ],
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choose a new password (from a reset link)."""

    password = PasswordField(
        _l("New password"),
        widget=GovPasswordInput(),
        description=_l(
            "At least 8 characters. Long is good: try three or four words you will remember."
        ),
        validators=[InputRequired(message=_l("Enter a new password"))],
    )
    submit = SubmitField(_l("Save my new password"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """Change your password, confirming the current one."""

    current_password = PasswordField(
        _l("Your current password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your current password")),
            Length(max=MAX_LENGTH, message=_l("That is too long to be a password")),
        ],
    )
    password = NewPasswordForm.password
    submit = SubmitField(_l("Change my password"), widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    """The sign-out button (a POST with a CSRF token)."""

    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class SignOutEverywhereForm(FlaskForm):
    """The "sign out everywhere" button on the account page (a POST with a CSRF token)."""

    # Its own id: the account page also has the password form's submit button.
    submit = SubmitField(
        _l("Sign out everywhere"), widget=GovSubmitInput(), id="sign-out-everywhere"
    )
