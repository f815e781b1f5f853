"""Deciding together: publishing as a decision, how the group decides, comparing versions,
each version's changelog and the PDF of its decisions."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
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
from surveys import definition as d
from surveys import services
from surveys.codesign import publishing
from surveys.codesign import services as codesign
from surveys.codesign.changelog import changelog, version_decisions
from surveys.codesign.diff import item_changes
from surveys.codesign.models import (
    ChangeKind,
    Decision,
    DecisionRule,
    Poll,
    PollSubject,
    RuleKind,
)
from surveys.codesign.pdf import render_pdf
from surveys.codesign.rules import DEFAULT_CONSENT_THRESHOLD, Rule
from surveys.codesign.settings import DecisionSettings
from surveys.compare import Comparison, compare_definitions
from surveys.models import Questionnaire, QuestionnaireVersion
from surveys.validation import check_definition
from surveys.views import blueprint
from surveys.views.codesign import FIELD_NAMES
from surveys.views.common import (
    CO_DESIGN_GROUP,
    is_facilitator,
    may_suggest,
    proposal_title,
    questionnaire_or_404,
)
from surveys.views.suggesting import DECIDE_WITHIN, decide_by, decide_by_field
from surveys.views.voting import (
    OUTCOME_NAMES,
    POSITION_NAMES,
    VoteForm,
    close_due_polls,
    poll_context,
    send_vote,
)

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"
RULES = "/studies/<study_slug>/how-we-decide"

RULE_NAMES = {
    RuleKind.CONSENT: _l("Consent: agreed when nobody blocks and enough people agree"),
    RuleKind.MAJORITY: _l("Majority: agreed when more people agree than disagree"),
    RuleKind.QUORUM: _l("Named quorum: enough people must vote, then the majority decides"),
}
SUBJECT_TITLES = {
    PollSubject.PUBLISH: _l("Publish the draft as a new version"),
    PollSubject.RULE_CHANGE: _l("Change how the group decides"),
}
CHANGE_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "required_message": _l("Message when the answer is missing"),
    "constraint_message": _l("Message when the answer breaks the rule"),
    "name": _l("Short name"),
    "type": _l("Kind of question"),
    "kind": _l("Question or section"),
    "required": _l("Must be answered"),
    "required_if": _l("Must be answered when"),
    "relevance": _l("Only asked when"),
    "constraint": _l("The answer must meet this rule"),
    "calculation": _l("Calculation"),
    "default": _l("Answer filled in at the start"),
    "repeat": _l("Section repeats"),
    "repeat_count": _l("How many times it repeats"),
    "other_option": _l("Offers “Other, please say”"),
    "appearance": _l("Appearance"),
    "read_only": _l("Cannot be changed by the person answering"),
    "privacy": _l("How identifying the answer is"),
    "image": _l("Picture"),
    "choices order": _l("Order of the choices"),
}
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


# Forms ----------------------------------------------------------------------------------


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


# Helpers --------------------------------------------------------------------------------


@blueprint.app_template_global()
def open_publish_poll_for(questionnaire: Questionnaire) -> Poll | None:
    """Return the open poll on publishing a questionnaire (for the draft page)."""
    return publishing.open_publish_poll_of(db.session, questionnaire)


@blueprint.app_template_global()
def version_changelog(questionnaire: Questionnaire, number: int | None) -> list:
    """Return a version's changelog (None: the draft since the last version), for pages."""
    return changelog(db.session, questionnaire=questionnaire, number=number)


def _versions(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    return sorted(questionnaire.versions, key=lambda version: version.number)


def _version_or_404(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion:
    version = services.get_version(db.session, questionnaire=questionnaire, number=number)
    if version is None:
        abort(404, _("That version has not been published."))
    return version


def _changes_since_last(questionnaire: Questionnaire, draft: d.FormDefinition):
    """Return the last version and the draft compared with it (None, None if none yet)."""
    versions = _versions(questionnaire)
    if not versions:
        return None, None
    last = versions[-1]
    return last, compare_definitions(services.version_definition(last), draft)


def _poll_or_404(poll_id: int) -> Poll:
    """Return a publish or rule-change poll of this study, or answer 404."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.study_id != g.study.id:
        abort(404, _("That poll is not part of this study."))
    return poll


def _describe_settings(settings: DecisionSettings) -> dict:
    return {
        "rule": settings.rule.describe(),
        "anonymous": settings.anonymous_polls,
        "direct_edits": settings.allow_direct_edits,
    }


# Publishing as a decision ---------------------------------------------------------------


@blueprint.route(f"{QUESTIONNAIRE}/ask-to-publish", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def ask_to_publish(questionnaire_id: int):
    """Show whether the draft can be published and what changed; ask the group to decide."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    open_poll = publishing.open_publish_poll_of(db.session, questionnaire)
    form = AskToPublishForm(
        data=None if request.method == "POST" else {"deadline": (utcnow() + DECIDE_WITHIN).date()}
    )
    if open_poll is None and form.validate_on_submit():
        now = utcnow()
        try:
            poll = publishing.ask_to_publish(
                db.session,
                questionnaire=questionnaire,
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
            flash(
                _("The group is asked to publish. Everyone can now say what they think."), "success"
            )
            return redirect(url_for("surveys.show_poll", poll_id=poll.id))
    elif open_poll is not None and request.method == "POST":
        flash(_("There is already a poll on publishing this questionnaire."), "error")
        return redirect(url_for("surveys.show_poll", poll_id=open_poll.id))
    draft = services.draft_definition(db.session, questionnaire)
    last, comparison = _changes_since_last(questionnaire, draft)
    return render_template(
        "surveys/decisions/ask_to_publish.html",
        questionnaire=questionnaire,
        form=form,
        problems=check_definition(draft),
        last=last,
        comparison=comparison,
        pending=changelog(db.session, questionnaire=questionnaire, number=None),
        open_poll=open_poll,
        next_number=(last.number + 1) if last else 1,
    ), 400 if form.errors or form.form_errors else 200


def _render_poll(poll: Poll, vote_form: VoteForm, status: int = 200):
    """Render a publish or rule-change poll: what is decided, the votes, the outcome."""
    context = poll_context(poll, vote_form)
    decision = context["decision"]
    if poll.subject == PollSubject.PUBLISH:
        questionnaire = db.session.get_one(Questionnaire, poll.questionnaire_id)
        draft = services.draft_definition(db.session, questionnaire)
        last, comparison = _changes_since_last(questionnaire, draft)
        context |= {
            "questionnaire": questionnaire,
            "problems": check_definition(draft) if poll.is_open else [],
            "last": last,
            "comparison": comparison if poll.is_open else None,
            "pending": changelog(db.session, questionnaire=questionnaire, number=None)
            if poll.is_open
            else [],
            "published": (decision.change or {}).get("version") if decision else None,
        }
    else:
        proposed = DecisionSettings.from_json(poll.proposed_rule or {})
        context |= {
            "proposed": _describe_settings(proposed),
            "in_force": _describe_settings(codesign.decision_settings(db.session, g.study)),
        }
    return render_template(
        "surveys/decisions/poll.html",
        poll=poll,
        title=SUBJECT_TITLES[poll.subject],
        reason=poll.reason,
        opened_by=db.session.get(User, poll.opened_by_id) if poll.opened_by_id else None,
        vote_form=vote_form,
        PollSubject=PollSubject,
        **context,
    ), status


@blueprint.get("/studies/<study_slug>/polls/<int:poll_id>")
@allow(ANY_MEMBER)
def show_poll(poll_id: int):
    """Show a poll on publishing or on how the group decides, with the votes and outcome."""
    close_due_polls()
    poll = _poll_or_404(poll_id)
    if poll.subject == PollSubject.PROPOSAL and poll.proposal_id is not None:
        return redirect(
            url_for(
                "surveys.show_proposal",
                questionnaire_id=poll.questionnaire_id,
                proposal_id=poll.proposal_id,
            )
        )
    return _render_poll(poll, VoteForm(formdata=None))


@blueprint.post("/studies/<study_slug>/polls/<int:poll_id>/vote")
@allow(ANY_MEMBER)
def vote_in_poll(poll_id: int):
    """Cast or change one's vote on publishing or on a rule; say the outcome if it closed."""
    poll = _poll_or_404(poll_id)
    if poll.subject == PollSubject.PROPOSAL:
        abort(404, _("Vote on a suggestion from its own page."))
    form = VoteForm()
    if not (form.validate_on_submit() and send_vote(poll, form)):
        return _render_poll(poll, form, 400)
    return redirect(url_for("surveys.show_poll", poll_id=poll.id))


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
        described=_describe_settings(settings),
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
        **_describe_settings(settings),
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
            poll = publishing.suggest_rule(
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
        in_force=_describe_settings(settings),
    ), 400 if form.errors or form.form_errors else 200


# Comparing versions ---------------------------------------------------------------------


def _read_side(value: str | None, numbers: list[int]) -> int | None:
    """Read "draft" or a published version's number; raise ValueError for anything else."""
    value = (value or "").strip().lower()
    if value == "draft":
        return None
    if value.isdigit() and len(value) < 10 and int(value) in numbers:
        return int(value)
    raise ValueError(value)


def _side_name(number: int | None) -> str:
    return _("The draft") if number is None else _("Version %(number)d", number=number)


@blueprint.get(f"{QUESTIONNAIRE}/compare")
@allow(ANY_MEMBER)
def compare_versions(questionnaire_id: int):
    """Compare two versions (or a version and the draft) side by side."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    versions = _versions(questionnaire)
    numbers = [version.number for version in versions]
    default_from = str(numbers[-1]) if numbers else "draft"
    asked = {"from": request.args.get("from"), "to": request.args.get("to")}
    chosen = {"from": asked["from"] or default_from, "to": asked["to"] or "draft"}
    errors: dict[str, str] = {}
    sides: dict[str, int | None] = {}
    for key, value in chosen.items():
        try:
            sides[key] = _read_side(value, numbers)
        except ValueError:
            errors[key] = _(
                "Choose the draft or a version that has been published (%(numbers)s).",
                numbers=", ".join(str(number) for number in numbers) or _("none yet"),
            )
    comparison: Comparison | None = None
    if not errors:
        definitions = {
            key: services.draft_definition(db.session, questionnaire)
            if number is None
            else services.version_definition(versions[numbers.index(number)])
            for key, number in sides.items()
        }
        comparison = compare_definitions(definitions["from"], definitions["to"])
    return render_template(
        "surveys/decisions/compare.html",
        questionnaire=questionnaire,
        versions=versions,
        chosen=chosen,
        errors=errors,
        comparison=comparison,
        from_name=_side_name(sides.get("from")) if not errors else "",
        to_name=_side_name(sides.get("to")) if not errors else "",
        change_names=CHANGE_NAMES,
    ), 400 if errors else 200


# Changelog and PDF ----------------------------------------------------------------------


def _log_entries(questionnaire: Questionnaire, number: int) -> list[tuple[codesign.LogEntry, list]]:
    """Return the decision log entries of a version's stretch, oldest first, with diffs."""
    wanted = {
        decision.id
        for decision in version_decisions(db.session, questionnaire=questionnaire, number=number)
    }
    language = questionnaire.languages[0]["code"]
    entries = []
    for entry in codesign.decision_log(db.session, questionnaire):
        if entry.decision.id not in wanted:
            continue
        change, changes = entry.change, []
        if change.get("kind") == ChangeKind.CHANGE_ITEM.value:
            try:
                before = d.item_from_json(change["before"]) if change.get("before") else None
                after = d.item_from_json(change["after"]) if change.get("after") else None
                changes = item_changes(before, after, language)
            except (KeyError, TypeError, ValueError):
                changes = []
        entries.append((entry, changes))
    return entries


@blueprint.get(f"{QUESTIONNAIRE}/versions/<int:number>/decisions.pdf")
@allow(ANY_MEMBER)
def download_decisions_pdf(questionnaire_id: int, number: int):
    """Give the PDF of a version's changelog and decision log, for records and ethics."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = _version_or_404(questionnaire, number)
    language = questionnaire.languages[0]["code"]
    html = render_template(
        "surveys/decisions/decisions_pdf.html",
        questionnaire=questionnaire,
        study=g.study,
        version=version,
        definition=services.version_definition(version),
        lines=changelog(db.session, questionnaire=questionnaire, number=number),
        entries=_log_entries(questionnaire, number),
        title_of=lambda proposal: proposal_title(proposal, language),
        outcome_names=OUTCOME_NAMES,
        position_names=POSITION_NAMES,
        field_names=FIELD_NAMES,
        PollSubject=PollSubject,
        language=language,
        made_at=utcnow(),
    )
    pdf = render_pdf(html, static_folder=Path(current_app.static_folder or "."))
    filename = f"decisions-{questionnaire.id}-version-{version.number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
