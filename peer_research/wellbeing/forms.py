"""Forms of the wellbeing pages: notes on alerts, the interviewer's own notes and limit,
the study's wellbeing settings and its support resources."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

MAX_NOTE = 2000
MAX_WORDING = 300
MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MAX_CONTACT = 300
MAX_HOURS_TEXT = 200
MOST_PER_DAY = 20
MOST_HOURS = 24 * 14


def _strip(value):
    """Trim spaces at both ends (a note of only spaces is empty)."""
    return value.strip() if isinstance(value, str) else value


class AlertNoteForm(FlaskForm):
    """A support lead's note on an alert."""

    text = TextAreaField(
        _l("Add a note"),
        description=_l("For example, who you spoke to and what you agreed."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write the note")),
            Length(max=MAX_NOTE, message=_l("The note must be 2000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add note"), widget=GovSubmitInput())


class AcknowledgeForm(FlaskForm):
    """Say that a support lead has seen an alert and will get in touch."""

    submit = SubmitField(_l("I have seen this and will get in touch"), widget=GovSubmitInput())


class FollowUpForm(FlaskForm):
    """Say that someone has been in touch with the interviewer."""

    submit = SubmitField(_l("Mark as followed up"), widget=GovSubmitInput())


class OwnNoteForm(FlaskForm):
    """The interviewer adds to their own note on a check-in."""

    text = TextAreaField(
        _l("Add to your note"),
        description=_l("Only you and the study's support leads can read it."),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write something to add")),
            Length(max=MAX_NOTE, message=_l("Your note must be 2000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add to note"), widget=GovSubmitInput())


class HideNoteForm(FlaskForm):
    """The interviewer hides their own note from everyone (support leads too), or shows it."""

    hide = RadioField(
        _l("Who can read your note"),
        choices=[
            SelectChoice("yes", _l("Only me")),
            SelectChoice("no", _l("Me and the support leads")),
        ],
        validators=[InputRequired(_l("Choose who can read your note"))],
    )


class LimitForm(FlaskForm):
    """The interviewer's own limit: at most this many interviews a day (empty: no limit)."""

    max_interviews_per_day = IntegerField(
        _l("Most interviews you want to do in a day"),
        description=_l(
            "The tablet reminds you when you go over. It never stops you. Leave it empty "
            "for no limit."
        ),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MOST_PER_DAY,
                message=_l("Enter a number from 1 to 20, or leave it empty"),
            ),
        ],
    )
    submit = SubmitField(_l("Save my limit"), widget=GovSubmitInput())


class SettingsForm(FlaskForm):
    """When an alert is raised and when it goes to the facilitators."""

    low_score = RadioField(
        _l("When should a debrief raise an alert?"),
        choices=[
            SelectChoice("1", _l("When they feel very bad")),
            SelectChoice("2", _l("When they feel bad or very bad")),
            SelectChoice("3", _l("When they feel OK, bad or very bad")),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Choose when a debrief should raise an alert"))],
    )
    escalate_after_hours = IntegerField(
        _l("Hours before an alert goes to the facilitators"),
        description=_l(
            "If no support lead says they have seen an alert within this many hours, the "
            "facilitators are told (without the interviewer's notes)."
        ),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter a number of hours")),
            NumberRange(min=1, max=MOST_HOURS, message=_l("Enter a number from 1 to 336")),
        ],
    )
    submit = SubmitField(_l("Save settings"), widget=GovSubmitInput())


class WordingForm(FlaskForm):
    """The words of one check-in or debrief question."""

    label = StringField(
        _l("Question"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write the question")),
            Length(max=MAX_WORDING, message=_l("The question must be 300 characters or fewer")),
        ],
    )
    hint = StringField(
        _l("Extra help (optional)"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=MAX_WORDING, message=_l("The help must be 300 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save wording"), widget=GovSubmitInput())


class ResourceForm(FlaskForm):
    """A place or person interviewers can turn to."""

    title = StringField(
        _l("Name"),
        description=_l("For example, Samaritans or Jo Bloggs, support lead."),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name")),
            Length(max=MAX_TITLE, message=_l("The name must be 120 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("What they can help with (optional)"),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=MAX_DESCRIPTION, message=_l("This must be 1000 characters or fewer")),
        ],
    )
    contact = StringField(
        _l("How to reach them"),
        description=_l("A phone number, e-mail address or address."),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter how to reach them")),
            Length(max=MAX_CONTACT, message=_l("This must be 300 characters or fewer")),
        ],
    )
    opening_hours = StringField(
        _l("When they are open (optional)"),
        description=_l("For example, every day, all day and night."),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=MAX_HOURS_TEXT, message=_l("This must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class MoveForm(FlaskForm):
    """Move a support resource up or down the list."""

    direction = RadioField(
        _l("Move"),
        choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))],
        validators=[InputRequired(_l("Choose up or down"))],
    )


class RemoveForm(FlaskForm):
    """Confirm removing a support resource."""

    submit = SubmitField(_l("Remove"), widget=GovSubmitInput())
