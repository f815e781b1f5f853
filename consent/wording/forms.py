"""The forms of the consent form's pages: a suggested wording, a vote, publishing, pictures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from consent.content import MAX_STATEMENTS, StatementPurpose
from consent.wording.services import PURPOSE_NAMES
from peer_research.forms import decide_by_field

MAX_EASY_READ_ROWS = 60
LONG = 40_000
TOO_LONG = Length(max=LONG, message=_l("Use 40,000 characters or fewer"))

# What each position in a vote means, so everyone knows what their vote will do. "Abstain" is
# jargon: the group says "Stand aside" (the stored value stays `abstain`).
POSITIONS = (
    ("agree", _l("Agree"), _l("You are happy for this to go ahead.")),
    (
        "abstain",
        _l("Stand aside"),
        _l(
            "You do not mind either way, or you want others to decide. You are not counted "
            "for or against."
        ),
    ),
    ("disagree", _l("Disagree"), _l("You would rather this did not go ahead.")),
    (
        "block",
        _l("Block"),
        _l("You think this would harm people. Say why in the box below, so the group can respond."),
    ),
)
POSITION_NAMES = {value: name for value, name, _hint in POSITIONS}


def _why_field(description: str) -> StringField:
    """Return a "Why?" box that must be filled in."""
    return StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=description,
        validators=[
            InputRequired(message=_l("Say in your own words why")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )


class EasyReadRowForm(Form):
    """One easy-read sentence with an optional picture."""

    text = StringField(_l("Easy-read words"), widget=GovTextArea(), validators=[TOO_LONG])
    picture = SelectField(
        _l("Picture"), widget=GovSelect(), choices=[SelectChoice("", _l("No picture"))]
    )
    alt = StringField(
        _l("What the picture shows"),
        widget=GovTextInput(),
        description=_l("For people who cannot see it. For example: A woman talking to a man."),
        validators=[TOO_LONG],
    )


class StatementRowForm(Form):
    """One thing the participant agrees to (or not)."""

    key = StringField(
        _l("Short name for the data"),
        widget=GovTextInput(),
        description=_l(
            "One word the computer uses for this answer, like quotes or recontact. Small "
            "letters, digits and _ only."
        ),
        validators=[TOO_LONG],
    )
    purpose = SelectField(
        _l("What is it about?"),
        widget=GovSelect(),
        choices=[
            SelectChoice(value.value, PURPOSE_NAMES[value.value]) for value in StatementPurpose
        ],
        validate_choice=False,  # the service says plainly when it is not one we know
    )
    required = BooleanField(
        _l("The person must agree to this to take part"), widget=GovCheckboxInput()
    )
    text = StringField(_l("The statement"), widget=GovTextArea(), validators=[TOO_LONG])
    easy_read = StringField(
        _l("The statement in easy read (optional)"),
        widget=GovTextArea(),
        validators=[TOO_LONG],
    )


class TranslatedStatementForm(Form):
    """One statement's words in another language (its name comes from the form)."""

    key = HiddenField()
    text = StringField(_l("The statement"), widget=GovTextArea(), validators=[TOO_LONG])
    easy_read = StringField(
        _l("The statement in easy read (optional)"),
        widget=GovTextArea(),
        validators=[TOO_LONG],
    )


class WordingForm(FlaskForm):
    """A suggested wording of the consent form in one language."""

    language_name = StringField(
        _l("The language's name"),
        widget=GovTextInput(),
        description=_l("As people who speak it call it, for example Cymraeg."),
        validators=[TOO_LONG],
    )
    title = StringField(_l("Title"), widget=GovTextInput(), validators=[TOO_LONG])
    sheet = StringField(
        _l("Information sheet"),
        widget=GovTextArea(),
        description=_l(
            "Start a line with # to make it a heading, and with - to make it a point in a "
            "list. Leave an empty line between paragraphs."
        ),
        validators=[TOO_LONG],
    )
    easy_read = FieldList(FormField(EasyReadRowForm), max_entries=MAX_EASY_READ_ROWS)
    statements = FieldList(FormField(StatementRowForm), max_entries=MAX_STATEMENTS + 5)
    withdraw = StringField(
        _l("How to stop taking part"),
        widget=GovTextArea(),
        description=_l("Say who to tell and how, in plain words."),
        validators=[TOO_LONG],
    )
    reason = _why_field(_l("Tell the group why you suggest this change."))
    deadline = decide_by_field()
    submit = SubmitField(_l("Suggest this change"), widget=GovSubmitInput())


class TranslationForm(WordingForm):
    """A suggested wording in a language other than the main one."""

    statements = FieldList(FormField(TranslatedStatementForm), max_entries=MAX_STATEMENTS + 5)


class ChooseLanguageForm(FlaskForm):
    """Which language to write the consent form in."""

    code = StringField(
        _l("Language code"),
        widget=GovTextInput(),
        description=_l("Two or three small letters, for example cy for Welsh or pl for Polish."),
        validators=[
            InputRequired(message=_l("Enter the language code")),
            Length(max=35, message=_l("Use 35 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class VoteForm(FlaskForm):
    """Say what you think of a change to the consent form, or of publishing it."""

    position = RadioField(
        _l("What do you think?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value, name) for value, name, _hint in POSITIONS],
        validators=[InputRequired(message=_l("Choose agree, stand aside, disagree or block"))],
    )
    reason = StringField(
        _l("Your reason (optional)"),
        widget=GovTextArea(),
        description=_l("If you block, say why, so the group can respond."),
        validators=[Optional(), Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Send my vote"), widget=GovSubmitInput())

    def position_items(self) -> list[dict]:
        """Return the hint of each choice, in order, for the radios' `items` parameter."""
        return [{"hint": {"text": str(hint)}} for _value, _name, hint in POSITIONS]


class WithdrawForm(FlaskForm):
    """Take one's own suggestion back."""

    submit = SubmitField(_l("Withdraw my suggestion"), widget=GovSubmitInput())


class AskToPublishForm(FlaskForm):
    """Ask the group to publish the draft as a new version."""

    reconsent = RadioField(
        _l("Should people be asked to consent again?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("yes", _l("Yes, ask everyone again")),
            SelectChoice("no", _l("No, what they agreed to still stands")),
        ],
        validators=[InputRequired(message=_l("Say whether people should be asked again"))],
    )
    reason = _why_field(_l("Tell the group why the new version should be used now."))
    deadline = decide_by_field()
    submit = SubmitField(_l("Ask the group"), widget=GovSubmitInput())


class PictureForm(FlaskForm):
    """Upload a picture for the easy-read consent form."""

    image = FileField(_l("Picture"), widget=GovFileInput())
    submit = SubmitField(_l("Upload the picture"), widget=GovSubmitInput())
