"""Form pieces and helpers shared by every domain's forms and views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from peer_research.errors import DomainError


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a domain error beside its field, or at the top of the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next_url(target: str | None) -> str | None:
    """Return the target if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


class ConfirmForm(FlaskForm):
    """A single button that confirms an action."""

    submit = SubmitField(_l("Yes, continue"), widget=GovSubmitInput())


def name_field(label: str) -> StringField:
    """Return a person's name field."""
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a name")),
            Length(max=100, message=_l("Names must be 100 characters or fewer")),
        ],
    )


def email_field(label: str, description: str) -> StringField:
    """Return an optional e-mail address field."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=description,
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Length(max=254, message=_l("E-mail addresses must be 254 characters or fewer")),
            Email(
                message=_l("Enter an e-mail address like name@example.org"),
                check_deliverability=False,
            ),
        ],
    )
