"""Forms of the facilitators' consent pages: the register's filters, the reason for seeing a
participant's details, e-mailing a copy, and recording a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from consent.models import ConsentMethod, WithdrawalChoice
from consent.participants import MAX_REASON
from consent.schemas import ParticipantStatus
from consent.withdrawals import MAX_REASON as MAX_WITHDRAWAL_NOTE

STATUS_NAMES = {
    ParticipantStatus.ACTIVE: _l("Active"),
    ParticipantStatus.NEEDS_RECONSENT: _l("Needs to consent again"),
    ParticipantStatus.WITHDRAWN: _l("Withdrawn"),
}
METHOD_NAMES = {
    ConsentMethod.SIGNATURE: _l("Signed"),
    ConsentMethod.TYPED_NAME: _l("Typed their name"),
    ConsentMethod.VERBAL: _l("Said it out loud, with a witness"),
    ConsentMethod.CONSULTEE: _l("A consultee agreed for them"),
}
CHOICE_NAMES = {
    WithdrawalChoice.REMOVE_ALL: _l("Remove everything"),
    WithdrawalChoice.KEEP_ANALYSED: _l("Keep what was already analysed"),
}
CHOICE_HINTS = {
    WithdrawalChoice.REMOVE_ALL: _l(
        "Their answers, name, contact details and signature are deleted."
    ),
    WithdrawalChoice.KEEP_ANALYSED: _l(
        "Their answers are taken out of results and shared data from now on, but what was "
        "already analysed stays as it is."
    ),
}


def _blank_to_none(value):
    """Treat an empty choice as no choice."""
    return value or None


class RegisterFilterForm(FlaskForm):
    """Narrow the register down (a GET form: the filters stay in the address)."""

    class Meta:
        csrf = False  # it only reads

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(s.value, n) for s, n in STATUS_NAMES.items()],
        widget=GovSelect(),
        validators=[Optional()],
        filters=[_blank_to_none],
    )
    version = SelectField(
        _l("Consent form version"),
        choices=[SelectChoice("", _l("Any version"))],
        widget=GovSelect(),
        validators=[Optional()],
        filters=[_blank_to_none],
    )
    method = SelectField(
        _l("How they consented"),
        choices=[SelectChoice("", _l("Any way"))]
        + [SelectChoice(m.value, n) for m, n in METHOD_NAMES.items()],
        widget=GovSelect(),
        validators=[Optional()],
        filters=[_blank_to_none],
    )

    def offer_versions(self, numbers: list[int]) -> None:
        """Offer the published version numbers to filter by."""
        self.version.choices = [SelectChoice("", _l("Any version"))] + [
            SelectChoice(str(n), _l("Version %(n)d", n=n)) for n in numbers
        ]


class DetailsReasonForm(FlaskForm):
    """Say why you need to see a participant's name and details."""

    reason = TextAreaField(
        _l("Why do you need to see this person's details?"),
        widget=GovTextArea(),
        description=_l(
            "For example: to send them their copy by post, or because they asked to stop "
            "taking part. Your reason is kept in the activity log with your name."
        ),
        validators=[
            InputRequired(message=_l("Say why you need to see these details")),
            Length(
                max=MAX_REASON,
                message=_l("Keep the reason to %(n)d characters or fewer", n=MAX_REASON),
            ),
        ],
    )
    submit = SubmitField(_l("Show the details"), widget=GovSubmitInput())


class EmailCopyForm(FlaskForm):
    """Send the participant their copy by e-mail."""

    submit = SubmitField(_l("E-mail the copy to the participant"), widget=GovSubmitInput())


class WithdrawalForm(FlaskForm):
    """Record that a participant wants to stop taking part."""

    code = StringField(
        _l("Participant code"),
        widget=GovTextInput(),
        description=_l("Six letters and numbers, like KT7-M4C. It is on the participant's copy."),
        validators=[
            InputRequired(message=_l("Enter the participant code")),
            Length(max=20, message=_l("A participant code is 6 letters and numbers, like KT7-M4C")),
        ],
    )
    choice = RadioField(
        _l("What should happen to what they already told us?"),
        choices=[SelectChoice(c.value, n) for c, n in CHOICE_NAMES.items()],
        widget=GovRadioInput(),
        description=_l(
            "Choose what your study's protocol allows (the plan the ethics committee approved)."
        ),
        validators=[InputRequired(message=_l("Choose what should happen to their information"))],
    )
    reason = TextAreaField(
        _l("Note (optional)"),
        widget=GovTextArea(),
        description=_l("For example, how they told us. Do not write their name here."),
        validators=[
            Optional(),
            Length(
                max=MAX_WITHDRAWAL_NOTE,
                message=_l("Keep the note to %(n)d characters or fewer", n=MAX_WITHDRAWAL_NOTE),
            ),
        ],
    )
    # Set by the confirmation step: the facilitator has seen what will happen.
    confirmed = HiddenField(default="")
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
