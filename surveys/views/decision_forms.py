"""The forms of decisions: a vote, how the group decides (set up or suggested), and asking
the group to publish."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from surveys.codesign import services as codesign
from surveys.views.suggestion_forms import decide_by_field

POSITION_NAMES = codesign.POSITION_NAMES

# One line under each choice, so that everyone knows what their vote will mean.
POSITION_HINTS = {
    codesign.Position.AGREE: _l("You are happy for this to go ahead."),
    codesign.Position.ABSTAIN: _l(
        "You do not mind either way, or you want others to decide. You are not counted "
        "for or against."
    ),
    codesign.Position.DISAGREE: _l("You would rather this did not go ahead."),
    codesign.Position.BLOCK: _l(
        "You think this would harm people. Say why in the box below, so the group can respond."
    ),
}


class VoteForm(FlaskForm):
    """Say what you think of a suggestion, of publishing or of a new rule."""

    position = RadioField(
        _l("What do you think?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(position.value, POSITION_NAMES[position]) for position in codesign.Position
        ],
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
        return [
            {"hint": {"text": str(POSITION_HINTS[codesign.Position(choice.value)])}}
            for choice in self.position.choices
        ]


RULE_NAMES = {
    codesign.RuleKind.CONSENT: _l("Consent: agreed when nobody blocks and enough people agree"),
    codesign.RuleKind.MAJORITY: _l("Majority: agreed when more people agree than disagree"),
    codesign.RuleKind.QUORUM: _l(
        "Named quorum: enough people must vote, then the majority decides"
    ),
}
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class RuleForm(FlaskForm):
    """How the group decides: the rule, its number, anonymous polls, direct edits."""

    kind = RadioField(
        _l("How is a suggestion agreed?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, RULE_NAMES[kind]) for kind in codesign.RuleKind],
        validators=[InputRequired(message=_l("Choose how a suggestion is agreed"))],
    )
    consent_threshold = IntegerField(
        _l("For consent: how many of those who agree or disagree must agree, in percent"),
        widget=GovTextInput(),
        description=_l("A number from 1 to 100. People who stand aside are not counted."),
        default=codesign.DEFAULT_CONSENT_THRESHOLD,
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message=_l("Enter a number from 1 to 100")),
        ],
    )
    quorum = IntegerField(
        _l("For a named quorum: how many people must vote"),
        widget=GovTextInput(),
        description=_l("At least 1."),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Enter at least 1"))],
    )
    anonymous_polls = RadioField(
        _l("Are votes anonymous?"),
        widget=GovRadioInput(),
        description=_l(
            "If yes, nobody, facilitators included, can see who voted how. "
            "The numbers are shown when a poll closes."
        ),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Say whether votes are anonymous"))],
    )
    allow_direct_edits = RadioField(
        _l("May facilitators change the draft without a vote?"),
        widget=GovRadioInput(),
        description=_l("Such changes still appear in the decision log, marked as such."),
        choices=YES_NO,
        validators=[InputRequired(message=_l("Say whether facilitators may change it directly"))],
    )
    submit = SubmitField(_l("Save how we decide"), widget=GovSubmitInput())

    def validate_quorum(self, field: IntegerField) -> None:
        """Ask for the number of people when the rule is a named quorum."""
        if self.kind.data == codesign.RuleKind.QUORUM.value and field.data is None:
            raise ValidationError(_l("Say how many people must vote (at least 1)"))

    def settings(self) -> codesign.DecisionSettings:
        """Return the settings the form describes."""
        kind = codesign.RuleKind(self.kind.data)
        return codesign.DecisionSettings(
            rule=codesign.Rule(
                kind,
                self.consent_threshold.data or codesign.DEFAULT_CONSENT_THRESHOLD,
                self.quorum.data if kind == codesign.RuleKind.QUORUM else None,
            ),
            anonymous_polls=self.anonymous_polls.data == "yes",
            allow_direct_edits=self.allow_direct_edits.data == "yes",
        )

    def fill(self, settings: codesign.DecisionSettings) -> None:
        """Show the settings in force as the starting point."""
        self.kind.data = settings.rule.kind.value
        self.consent_threshold.data = settings.rule.consent_threshold
        self.quorum.data = settings.rule.quorum
        self.anonymous_polls.data = "yes" if settings.anonymous_polls else "no"
        self.allow_direct_edits.data = "yes" if settings.allow_direct_edits else "no"


class SuggestRuleForm(RuleForm):
    """Suggest a new way of deciding, with a reason and a day to decide by."""

    reason = StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=_l("In your own words, so the group understands what you have in mind."),
        validators=[
            InputRequired(message=_l("Say in your own words why you suggest this")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )
    deadline = decide_by_field()
    submit = SubmitField(_l("Ask the group"), widget=GovSubmitInput())


class AskToPublishForm(FlaskForm):
    """Ask the group to publish the draft, with a reason and a day to decide by."""

    reason = StringField(
        _l("Why publish now? (optional)"),
        widget=GovTextArea(),
        description=_l("For example, what this version is for, or who is waiting for it."),
        validators=[Optional(), Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
    )
    deadline = decide_by_field()
    submit = SubmitField(_l("Ask the group to publish"), widget=GovSubmitInput())
