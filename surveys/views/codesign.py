"""Co-design pages: suggest a change, say what you think, and read the decision log."""

from __future__ import annotations

import dataclasses

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.studies.forms import ConfirmForm
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.diff import item_changes
from surveys.codesign.models import (
    LIVE_STATES,
    ChangeKind,
    Outcome,
    Poll,
    PollSubject,
    Position,
    Proposal,
    ProposalState,
)
from surveys.codesign.notify import notify_polls_closing_soon
from surveys.codesign.rules import Rule
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, hidden_revision, questionnaire_or_404
from surveys.views.suggesting import DECIDE_WITHIN, DayField, decide_by

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"

POSITION_NAMES = {
    Position.AGREE: _l("Agree"),
    Position.ABSTAIN: _l("Abstain"),
    Position.DISAGREE: _l("Disagree"),
    Position.BLOCK: _l("Block"),
}
STATE_NAMES = {
    ProposalState.DRAFT: _l("Draft"),
    ProposalState.OPEN: _l("Open for votes"),
    ProposalState.WITHDRAWN: _l("Withdrawn"),
    ProposalState.ACCEPTED: _l("Agreed"),
    ProposalState.REJECTED: _l("Not agreed"),
    ProposalState.NEEDS_UPDATE: _l("Needs an update"),
}
OUTCOME_NAMES = {
    Outcome.ACCEPTED: _l("Agreed"),
    Outcome.REJECTED: _l("Not agreed"),
    Outcome.CANCELLED: _l("Withdrawn before the group decided"),
}
FIELD_NAMES = {"label": _l("Question"), "hint": _l("Help text")}


# Forms ----------------------------------------------------------------------------------


class SuggestWordingForm(FlaskForm):
    """Suggest new wording for one question of the draft, with the reason."""

    revision = HiddenField()
    label = StringField(
        _l("Question"),
        widget=GovTextArea(),
        validators=[
            DataRequired(message=_l("Write the question")),
            Length(max=2000, message=_l("Use 2,000 characters or fewer")),
        ],
    )
    hint = StringField(
        _l("Help text (optional)"),
        widget=GovTextArea(),
        description=_l("Shown under the question, in smaller text."),
        validators=[Optional(), Length(max=2000, message=_l("Use 2,000 characters or fewer"))],
    )
    reason = StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=_l("In your own words, so the group understands what you have in mind."),
        validators=[
            DataRequired(message=_l("Say in your own words why you suggest this")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )
    deadline = DayField(
        _l("Decide by"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("The group can vote until this day. For example, 8 3 2030."),
        validators=[InputRequired(message=_l("Enter the day the group should decide by"))],
    )
    submit = SubmitField(_l("Suggest this change"), widget=GovSubmitInput())

    def validate_deadline(self, field: DayField) -> None:
        """Accept only a day after today."""
        if field.data is not None and field.data <= utcnow().date():
            raise ValidationError(_l("Choose a day after today"))


class VoteForm(FlaskForm):
    """Say what you think of a suggestion."""

    position = RadioField(
        _l("What do you think?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(position.value, POSITION_NAMES[position]) for position in Position],
        validators=[InputRequired(message=_l("Choose agree, abstain, disagree or block"))],
    )
    reason = StringField(
        _l("Your reason (optional)"),
        widget=GovTextArea(),
        description=_l("If you block, say why, so the group can respond."),
        validators=[Optional(), Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Send my vote"), widget=GovSubmitInput())


# Reading ---------------------------------------------------------------------------------


def _close_due_polls() -> None:
    """Close the polls whose time is up, so deadlines work without a scheduler."""
    codesign.close_due_polls(db.session, utcnow())
    notify_polls_closing_soon(db.session, utcnow())
    db.commit()


def _proposal_or_404(questionnaire: Questionnaire, proposal_id: int) -> Proposal:
    """Return a proposal about this questionnaire, or answer 404."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.questionnaire_id != questionnaire.id:
        abort(404, _("That suggestion is not about this questionnaire."))
    return proposal


def _label(content: dict | None, language: str) -> str:
    """Return an item's label (from its JSON) in a language, or its short name."""
    if not content:
        return ""
    return (content.get("label") or {}).get(language) or content.get("name", "")


def proposal_title(proposal: Proposal, language: str) -> str:
    """Return a short plain description of what a proposal does."""
    label = _label(proposal.base_content or proposal.proposed, language) or proposal.target_name
    titles = {
        ChangeKind.ADD_ITEM: _("Add “%(label)s”", label=label),
        ChangeKind.CHANGE_ITEM: _("Change “%(label)s”", label=label),
        ChangeKind.MOVE_ITEM: _("Move “%(label)s”", label=label),
        ChangeKind.REMOVE_ITEM: _("Remove “%(label)s”", label=label),
    }
    return titles[proposal.kind]


def _voted_count(poll: Poll) -> int:
    """Return how many people have voted (never how)."""
    return sum(1 for voter in codesign.poll_voters(db.session, poll) if voter.voted_at)


# Pages ----------------------------------------------------------------------------------


@blueprint.get(f"{QUESTIONNAIRE}/suggestions")
@allow(ANY_MEMBER)
def list_proposals(questionnaire_id: int):
    """List the suggestions about a questionnaire: open, mine in draft, needing an update, done."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    _close_due_polls()
    language = questionnaire.languages[0]["code"]
    proposals = codesign.proposals_of(db.session, questionnaire)
    polls = {proposal.id: codesign.latest_poll(db.session, proposal) for proposal in proposals}
    voted = {
        proposal_id: _voted_count(poll)
        for proposal_id, poll in polls.items()
        if poll is not None and poll.is_open
    }
    by_state = {
        state: [p for p in proposals if p.state == state]
        for state in (ProposalState.OPEN, ProposalState.NEEDS_UPDATE)
    }
    return render_template(
        "surveys/codesign/list.html",
        questionnaire=questionnaire,
        open_proposals=by_state[ProposalState.OPEN],
        my_drafts=[
            p
            for p in proposals
            if p.state == ProposalState.DRAFT and p.author_id == current_user.id
        ],
        needs_update=by_state[ProposalState.NEEDS_UPDATE],
        decided=[p for p in proposals if p.state not in LIVE_STATES],
        polls=polls,
        voted=voted,
        title_of=lambda proposal: proposal_title(proposal, language),
        state_names=STATE_NAMES,
    )


@blueprint.route(f"{QUESTIONNAIRE}/items/<name>/suggest", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def suggest_change(questionnaire_id: int, name: str):
    """Suggest new wording for a question, and ask the group to decide by a day."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = draft.find(name)
    if item is None:
        abort(404, _("That question is no longer in the draft. Someone may have removed it."))
    language = draft.default_language.code
    revision = services.draft_revisions(db.session, questionnaire)[name]
    initial = {
        "revision": str(revision),
        "label": item.label.get(language, ""),
        "hint": item.hint.get(language, ""),
        "deadline": (utcnow() + DECIDE_WITHIN).date(),
    }
    form = SuggestWordingForm(data=None if request.method == "POST" else initial)
    if form.validate_on_submit():
        changed = dataclasses.replace(
            item,
            label=d.with_text(item.label, language, form.label.data),
            hint=d.with_text(item.hint, language, form.hint.data),
        )
        now = utcnow()
        try:
            proposal = codesign.create_proposal(
                db.session,
                questionnaire=questionnaire,
                author=current_user,
                kind=ChangeKind.CHANGE_ITEM,
                reason=form.reason.data,
                item=changed,
                target_name=name,
                base_revision=hidden_revision(form.revision.data),
                open_now=True,
                now=now,
            )
            codesign.open_proposal_poll(
                db.session,
                proposal=proposal,
                opened_by=current_user,
                deadline=decide_by(form.deadline.data, now),
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your suggestion is open. The group can now say what they think."), "success")
            return redirect(
                url_for(
                    "surveys.show_proposal",
                    questionnaire_id=questionnaire.id,
                    proposal_id=proposal.id,
                )
            )
    return render_template(
        "surveys/codesign/suggest.html",
        form=form,
        questionnaire=questionnaire,
        item=item,
        language=language,
    )


def _render_proposal(questionnaire: Questionnaire, proposal: Proposal, vote_form: VoteForm):
    """Render a proposal with its before and after, its poll and the vote form."""
    language = questionnaire.languages[0]["code"]
    poll = codesign.latest_poll(db.session, proposal)
    context: dict = {}
    if poll is not None:
        voter_ids = {voter.user_id for voter in codesign.poll_voters(db.session, poll)}
        context = {
            "may_vote": poll.is_open and current_user.id in voter_ids,
            "voted_count": _voted_count(poll),
            "votes": codesign.named_votes(db.session, poll),
            "my_vote": codesign.my_named_vote(db.session, poll=poll, user=current_user),
            "i_voted": codesign.has_voted(db.session, poll=poll, user=current_user),
            "not_yet_voted": codesign.not_yet_voted(db.session, poll) if poll.is_open else [],
            "counts": codesign.poll_counts(db.session, poll),
            "reasons": codesign.anonymous_reasons(db.session, poll),
            "decision": None if poll.is_open else codesign.decision_of(db.session, poll),
            "rule": Rule(poll.rule_kind, poll.consent_threshold, poll.quorum).describe(),
        }
        if context["my_vote"] and not vote_form.is_submitted():
            vote_form.position.data = context["my_vote"].position.value
            vote_form.reason.data = context["my_vote"].reason
    return render_template(
        "surveys/codesign/proposal.html",
        questionnaire=questionnaire,
        proposal=proposal,
        title=proposal_title(proposal, language),
        state_name=STATE_NAMES[proposal.state],
        changes=codesign.before_after(db.session, proposal=proposal, language=language).changes,
        field_names=FIELD_NAMES,
        poll=poll,
        vote_form=vote_form,
        withdraw_form=ConfirmForm(),
        may_withdraw=proposal.author_id == current_user.id and proposal.state in LIVE_STATES,
        position_names=POSITION_NAMES,
        outcome_names=OUTCOME_NAMES,
        language=language,
        **context,
    )


@blueprint.get(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>")
@allow(ANY_MEMBER)
def show_proposal(questionnaire_id: int, proposal_id: int):
    """Show a suggestion: the reason, before and after, and what the group thinks."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    _close_due_polls()
    proposal = _proposal_or_404(questionnaire, proposal_id)
    return _render_proposal(questionnaire, proposal, VoteForm(formdata=None))


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/vote")
@allow(ANY_MEMBER)
def cast_vote(questionnaire_id: int, proposal_id: int):
    """Cast or change one's vote on a suggestion; say the outcome if it closed the poll."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _proposal_or_404(questionnaire, proposal_id)
    poll = codesign.latest_poll(db.session, proposal)
    if poll is None:
        abort(404, _("Nobody has been asked to decide this suggestion yet."))
    form = VoteForm()
    if form.validate_on_submit():
        try:
            decision = codesign.cast_vote(
                db.session,
                poll=poll,
                voter=current_user,
                position=form.position.data,
                reason=form.reason.data,
                voter_key=codesign.derive_voter_key(current_app.config["SECRET_KEY"]),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            if decision is None:
                flash(_("Thank you. Your vote is saved; you can change it until the poll closes."))
            else:
                flash(
                    _(
                        "Everyone has voted. %(outcome)s: %(statement)s",
                        outcome=OUTCOME_NAMES[decision.outcome],
                        statement=decision.statement,
                    ),
                    "success",
                )
            return redirect(
                url_for(
                    "surveys.show_proposal",
                    questionnaire_id=questionnaire.id,
                    proposal_id=proposal.id,
                )
            )
    return _render_proposal(questionnaire, proposal, form)


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/withdraw")
@allow(ANY_MEMBER)
def withdraw_proposal(questionnaire_id: int, proposal_id: int):
    """Take back one's own suggestion (its poll closes without deciding)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _proposal_or_404(questionnaire, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        codesign.withdraw_proposal(db.session, proposal=proposal, withdrawn_by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("You withdrew your suggestion. Nothing in the draft changed."), "success")
    return redirect(
        url_for("surveys.show_proposal", questionnaire_id=questionnaire.id, proposal_id=proposal.id)
    )


@blueprint.get(f"{QUESTIONNAIRE}/decisions")
@allow(ANY_MEMBER)
def show_decision_log(questionnaire_id: int):
    """Show every change to the draft with its suggestion, votes and outcome."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    _close_due_polls()
    language = questionnaire.languages[0]["code"]
    entries = []
    for entry in codesign.decision_log(db.session, questionnaire):
        change = entry.change
        changes = []
        if change.get("kind") == ChangeKind.CHANGE_ITEM.value:
            before = d.item_from_json(change["before"]) if change.get("before") else None
            after = d.item_from_json(change["after"]) if change.get("after") else None
            changes = item_changes(before, after, language)
        entries.append((entry, changes))
    return render_template(
        "surveys/codesign/log.html",
        questionnaire=questionnaire,
        entries=list(reversed(entries)),
        title_of=lambda proposal: proposal_title(proposal, language),
        outcome_names=OUTCOME_NAMES,
        position_names=POSITION_NAMES,
        field_names=FIELD_NAMES,
        PollSubject=PollSubject,
        language=language,
    )
