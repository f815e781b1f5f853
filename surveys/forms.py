"""Forms for questionnaires: create one, and edit a question or a section of the draft."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from surveys import definition as d
from surveys.languages import LANGUAGE_CODE

QUESTION_TYPE_NAMES = {
    d.QuestionType.TEXT: _l("Short text answer"),
    d.QuestionType.LONG_TEXT: _l("Long text answer"),
    d.QuestionType.INTEGER: _l("Whole number"),
    d.QuestionType.DECIMAL: _l("Number with decimals"),
    d.QuestionType.DATE: _l("Date"),
    d.QuestionType.TIME: _l("Time"),
    d.QuestionType.YES_NO: _l("Yes or no"),
    d.QuestionType.SELECT_ONE: _l("Choose one answer"),
    d.QuestionType.SELECT_MULTIPLE: _l("Choose any answers that fit"),
    d.QuestionType.RATING: _l("Rating scale"),
    d.QuestionType.RANKING: _l("Put answers in order"),
    d.QuestionType.ACKNOWLEDGE: _l("Tick to say they have read it"),
    d.QuestionType.NOTE: _l("Information only (no answer)"),
    d.QuestionType.CALCULATE: _l("Hidden calculation"),
}

PRIVACY_NAMES = {
    d.PrivacyClass.NONE: _l("Not personal"),
    d.PrivacyClass.SENSITIVE: _l("Sensitive (health, feelings, money, beliefs)"),
    d.PrivacyClass.FREE_TEXT: _l("Free text that could mention names or places"),
    d.PrivacyClass.QUASI_IDENTIFIER: _l("Could identify someone when combined (age, area, job)"),
    d.PrivacyClass.DIRECT_IDENTIFIER: _l("Identifies someone (name, address, phone)"),
}

APPEARANCES = [
    ("", _l("Standard")),
    ("faces", _l("Easy read faces (rating scales)")),
    ("minimal", _l("Drop-down list (long lists of answers)")),
    ("multiline", _l("Large text box")),
]

LOGIC_HINT = _l(
    "Write other questions by their name in the data, like ${age}: for example ${age} >= 18."
)
CHOICE_LINE = re.compile(r"^\s*(?:(?P<name>[A-Za-z0-9_.-]+)\s*=\s*)?(?P<label>.*?)\s*$")


def _choices(options) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in options]


def _text(label, description=None, *, max_length=2000, required=False):
    """Return a text area for words people will read."""
    validators = [Length(max=max_length, message=_l("Use %(max)d characters or fewer"))]
    validators.insert(0, InputRequired(message=_l("Write this")) if required else Optional())
    return StringField(label, widget=GovTextArea(), description=description, validators=validators)


def _logic(label, description=LOGIC_HINT):
    """Return a logic expression field (checked as you type, and on saving)."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=description,
        validators=[Optional(), Length(max=2000, message=_l("Use 2,000 characters or fewer"))],
    )


def _short_name():
    return StringField(
        _l("Name in the data"),
        widget=GovTextInput(),
        description=_l(
            "A name for computers, used in rules and in spreadsheets of the answers, like age "
            "or support_used. Leave it empty and we make one from the words."
        ),
        validators=[Optional(), Length(max=100, message=_l("Use 100 characters or fewer"))],
    )


class QuestionnaireForm(FlaskForm):
    """Start a new, empty questionnaire."""

    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Use 200 characters or fewer")),
        ],
    )
    language_name = StringField(
        _l("Main language"),
        widget=GovTextInput(),
        default="English",
        description=_l("The language every question is written in first."),
        validators=[InputRequired(message=_l("Enter the main language")), Length(max=60)],
    )
    language_code = StringField(
        _l("Language code"),
        widget=GovTextInput(),
        default="en",
        description=_l("Two or three letters, like en, cy, ur or pl."),
        validators=[InputRequired(message=_l("Enter the language code")), Length(max=12)],
    )
    submit = SubmitField(_l("Create the questionnaire"), widget=GovSubmitInput())

    def validate_language_code(self, field: StringField) -> None:
        """Accept BCP 47-like codes only."""
        if not LANGUAGE_CODE.fullmatch(field.data.strip()):
            raise ValidationError(_l("Use a language code like en, cy or pt-BR"))


class QuestionForm(FlaskForm):
    """Write or change one question of the draft."""

    revision = HiddenField()
    type = SelectField(
        _l("Kind of question"),
        widget=GovSelect(),
        choices=_choices((kind.value, label) for kind, label in QUESTION_TYPE_NAMES.items()),
    )
    label = _text(_l("Question"), _l("Write it the way you would say it."), required=True)
    hint = _text(_l("Help text (optional)"), _l("Shown under the question, in smaller text."))
    name = _short_name()
    choices = _text(
        _l("Answers to choose from"),
        _l("One answer per line. For a rating scale, from lowest to highest."),
        max_length=20000,
    )
    other_option = BooleanField(
        _l("Add “Other, please say” with a box to write in"), widget=GovCheckboxInput()
    )
    required = BooleanField(_l("An answer is needed to go on"), widget=GovCheckboxInput())
    required_message = _text(_l("Message when it is left empty (optional)"), max_length=500)
    privacy = RadioField(
        _l("How personal is the answer?"),
        widget=GovRadioInput(),
        default=d.PrivacyClass.NONE.value,
        choices=_choices((kind.value, label) for kind, label in PRIVACY_NAMES.items()),
    )
    appearance = SelectField(_l("How it looks"), widget=GovSelect(), choices=_choices(APPEARANCES))
    relevance = _logic(_l("Only ask when"))
    constraint = _logic(
        _l("The answer must meet this rule"),
        _l("Optional. Use . for the answer, for example . >= 18 and . < 120."),
    )
    constraint_message = _text(_l("Message when the rule is not met (optional)"), max_length=500)
    required_if = _logic(_l("Only needed when"))
    calculation = _logic(
        _l("Calculation"), _l("For hidden calculations, like ${adults} + ${children}.")
    )
    default = StringField(
        _l("Answer filled in to start with (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Save question"), widget=GovSubmitInput())


class SectionForm(FlaskForm):
    """Write or change a section (a group of questions, possibly repeated)."""

    revision = HiddenField()
    label = _text(_l("Section title"), required=True, max_length=500)
    hint = _text(_l("Help text (optional)"), max_length=2000)
    name = _short_name()
    relevance = _logic(_l("Only ask this section when"))
    repeat = BooleanField(
        _l("Ask these questions more than once (for example, once for each person who helps)"),
        widget=GovCheckboxInput(),
    )
    repeat_count = _logic(
        _l("How many times"),
        _l(
            "Optional. Leave empty to let the interviewer add as many as needed, "
            "or use an answer like ${helpers_count}."
        ),
    )
    one_screen = BooleanField(_l("Show the whole section on one screen"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save section"), widget=GovSubmitInput())


def parse_choice_lines(
    text: str, language: str, existing: tuple[d.Choice, ...]
) -> tuple[d.Choice, ...]:
    """Turn one-answer-per-line text into choices, keeping known names and other languages."""
    by_label = {choice.label.get(language, ""): choice for choice in existing}
    by_name = {choice.name: choice for choice in existing}
    choices: list[d.Choice] = []
    used: set[str] = set()
    for line in text.splitlines():
        match = CHOICE_LINE.match(line)
        label = match["label"] if match else line.strip()
        if not label:
            continue
        known = by_name.get(match["name"]) if match and match["name"] else by_label.get(label)
        name = (match["name"] if match and match["name"] else None) or (
            known.name if known else None
        )
        name = _unique(name or make_name(label), used)
        used.add(name)
        labels = dict(known.label) if known else {}
        labels[language] = label
        choices.append(d.Choice(name=name, label=labels, image=known.image if known else None))
    return tuple(choices)


def choice_lines(choices: tuple[d.Choice, ...], language: str) -> str:
    """Show choices as editable lines: `short_name = Label`."""
    return "\n".join(f"{choice.name} = {choice.label.get(language, '')}" for choice in choices)


def make_name(label: str) -> str:
    """Make a short name from words: 'How old are you?' -> 'how_old_are_you'."""
    words = re.findall(r"[A-Za-z0-9]+", label.lower())
    name = "_".join(words)[:40].strip("_") or "item"
    return name if name[0].isalpha() or name[0] == "_" else f"q_{name}"


def _unique(name: str, used: set[str]) -> str:
    """Add a number to a name until it is not in `used`."""
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


class ImportForm(FlaskForm):
    """Upload an XLSForm, choosing what happens to questions we cannot ask.

    After a refused import the page keeps the chosen file (`kept`, signed by the view), so
    "Try again" needs no new file unless the person has changed it.
    """

    file = FileField(
        _l("The spreadsheet (an XLSForm)"),
        widget=GovFileInput(),
        description=_l(
            "An XLSForm is the spreadsheet layout KoboToolbox and ODK use: an .xlsx, .xls, "
            ".csv or .md file."
        ),
    )
    kept = HiddenField()
    unsupported = RadioField(
        _l("If the form has questions peer-research cannot ask"),
        widget=GovRadioInput(),
        default="refuse",
        choices=[
            SelectChoice("refuse", _l("Do not import it; show me what they are")),
            SelectChoice("map", _l("Import it and change or leave them out, listing each one")),
        ],
    )
    submit = SubmitField(_l("Import"), widget=GovSubmitInput())
