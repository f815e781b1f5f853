"""Form pieces and helpers shared by every domain's forms and views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from peer_research.db import utcnow
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


class DayField(DateField):
    """A date typed as day, month and year, with a plain message when it is not a date."""

    def process_formdata(self, valuelist):
        """Read the three boxes; say plainly when they do not make a real date."""
        # Always three parts (day, month, year), whatever was posted, for the widget.
        self.raw_data = valuelist = [*(valuelist or [])[:3], "", "", ""][:3]
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a real date, like 8 3 2030")) from None


def decide_by_day(form: FlaskForm, field: DayField) -> None:
    """Ask for the day the group should decide by: a real day after today."""
    if field.process_errors:
        return  # already said: not a real date
    if field.data is None:
        raise ValidationError(_l("Enter the day the group should decide by"))
    if field.data <= utcnow().date():
        raise ValidationError(_l("Choose a day after today"))


def decide_by_field(*, required: bool = True) -> DayField:
    """Return a "Decide by" field; `required`: checked on its own (else by the form)."""
    return DayField(
        _l("Decide by"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("The group can vote until this day. For example, 8 3 2030."),
        validators=[decide_by_day] if required else [],
    )
