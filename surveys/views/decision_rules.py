"""How the group decides: the rule in force in plain words, its history, the first set-up
by a facilitator, and suggesting a new rule (which the group decides by a poll)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
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

from peer_research.access import ANY_MEMBER, FACILITATORS, allow
from peer_research.accounts.models import User
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.codesign.models import Decision, DecisionRule, Poll, PollSubject, RuleKind
from surveys.codesign.rules import DEFAULT_CONSENT_THRESHOLD, Rule
from surveys.codesign.settings import DecisionSettings
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, is_facilitator, may_suggest
from surveys.views.suggesting import DECIDE_WITHIN, decide_by, decide_by_field
from surveys.views.voting import close_due_polls

RULES = "/studies/<study_slug>/how-we-decide"

RULE_NAMES = {
    RuleKind.CONSENT: _l("Consent: agreed when nobody blocks and enough people agree"),
    RuleKind.MAJORITY: _l("Majority: agreed when more people agree than disagree"),
    RuleKind.QUORUM: _l("Named quorum: enough people must vote, then the majority decides"),
}
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class RuleForm(FlaskForm):
    """How the group decides: the rule, its number, anonymous polls, direct edits."""

    kind = RadioField(
        _l("How is a suggestion agreed?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, RULE_NAMES[kind]) for kind in RuleKind],
        validators=[InputRequired(message=_l("Choose how a suggestion is agreed"))],
    )
    consent_threshold = IntegerField(
        _l("For consent: how many of those who agree or disagree must agree, in percent"),
        widget=GovTextInput(),
        description=_l("A number from 1 to 100. Abstentions do not count."),
        default=DEFAULT_CONSENT_THRESHOLD,
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
        if self.kind.data == RuleKind.QUORUM.value and field.data is None:
            raise ValidationError(_l("Say how many people must vote (at least 1)"))

    def settings(self) -> DecisionSettings:
        """Return the settings the form describes."""
        kind = RuleKind(self.kind.data)
        return DecisionSettings(
            rule=Rule(
                kind,
                self.consent_threshold.data or DEFAULT_CONSENT_THRESHOLD,
                self.quorum.data if kind == RuleKind.QUORUM else None,
            ),
            anonymous_polls=self.anonymous_polls.data == "yes",
            allow_direct_edits=self.allow_direct_edits.data == "yes",
        )

    def fill(self, settings: DecisionSettings) -> None:
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


def describe_settings(settings: DecisionSettings) -> dict:
    return {
        "rule": settings.rule.describe(),
        "anonymous": settings.anonymous_polls,
        "direct_edits": settings.allow_direct_edits,
    }


# How the group decides -----------------------------------------------------------------


@blueprint.get(RULES)
@allow(ANY_MEMBER)
def show_decision_rules():
    """Show how the group decides, in plain words, with its history."""
    close_due_polls()
    settings = codesign.decision_settings(db.session, g.study)
    rule_polls = db.session.scalars(
        sa.select(Poll)
        .where(Poll.study_id == g.study.id, Poll.subject == PollSubject.RULE_CHANGE)
        .order_by(Poll.id.desc())
    ).all()
    return render_template(
        "surveys/decisions/how_we_decide.html",
        settings=settings,
        described=describe_settings(settings),
        history=[
            _history_line(row) for row in reversed(codesign.rule_history(db.session, g.study))
        ],
        open_rule_poll=next((poll for poll in rule_polls if poll.is_open), None),
        may_set_up=settings.setting is None and is_facilitator(),
        may_suggest=may_suggest(),
    )


def _history_line(row: DecisionRule) -> dict:
    """Return one past setting of the rule: what it said, who set it, by which decision."""
    decision = db.session.get(Decision, row.decision_id) if row.decision_id else None
    settings = DecisionSettings(
        rule=Rule(row.kind, row.consent_threshold, row.quorum),
        anonymous_polls=row.anonymous_polls,
        allow_direct_edits=row.allow_direct_edits,
    )
    return {
        "row": row,
        "set_by": db.session.get(User, row.set_by_id) if row.set_by_id else None,
        "poll_id": decision.poll_id if decision else None,
        **describe_settings(settings),
    }


@blueprint.route(f"{RULES}/set-up", methods=["GET", "POST"])
@allow(FACILITATORS)
def set_up_decision_rule():
    """Let a facilitator set how the group decides, the first time only."""
    settings = codesign.decision_settings(db.session, g.study)
    if settings.setting is not None:
        flash(_("The group decides how it decides: suggest a new rule and the group votes."))
        return redirect(url_for("surveys.suggest_decision_rule"))
    form = RuleForm()
    if request.method == "GET":
        form.fill(settings)
    if form.validate_on_submit():
        try:
            codesign.set_decision_rule(
                db.session, study=g.study, settings=form.settings(), set_by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Saved. From now on, the group changes this by a vote."), "success")
            return redirect(url_for("surveys.show_decision_rules"))
    return render_template(
        "surveys/decisions/rule_form.html", form=form, setting_up=True
    ), 400 if form.errors or form.form_errors else 200


@blueprint.route(f"{RULES}/suggest", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def suggest_decision_rule():
    """Suggest a new way of deciding; the group decides it under the rule in force."""
    settings = codesign.decision_settings(db.session, g.study)
    form = SuggestRuleForm()
    if request.method == "GET":
        form.fill(settings)
        form.deadline.data = (utcnow() + DECIDE_WITHIN).date()
    if form.validate_on_submit():
        now = utcnow()
        try:
            poll = codesign.suggest_rule(
                db.session,
                study=g.study,
                settings=form.settings(),
                asked_by=current_user,
                reason=form.reason.data,
                deadline=decide_by(form.deadline.data, now),
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your suggestion is open. The group can now say what they think."), "success")
            return redirect(url_for("surveys.show_poll", poll_id=poll.id))
    return render_template(
        "surveys/decisions/rule_form.html",
        form=form,
        setting_up=False,
        in_force=describe_settings(settings),
    ), 400 if form.errors or form.form_errors else 200
