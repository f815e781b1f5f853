"""Publishing as a decision: asking the group to publish, and the page of a poll on
publishing or on how the group decides (proposals have their own page)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys import services
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.validation import check_definition
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, questionnaire_or_404
from surveys.views.decision_forms import AskToPublishForm, VoteForm
from surveys.views.decision_rules import describe_settings
from surveys.views.suggesting import DECIDE_WITHIN, decide_by
from surveys.views.versions import changes_since_last
from surveys.views.voting import close_due_polls, poll_context, send_vote

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"

SUBJECT_TITLES = {
    codesign.PollSubject.PUBLISH: _l("Publish the draft as a new version"),
    codesign.PollSubject.RULE_CHANGE: _l("Change how the group decides"),
    codesign.PollSubject.FIRST_DRAFT: _l("Who may build the first draft"),
}

# Helpers --------------------------------------------------------------------------------


@blueprint.app_template_global()
def open_publish_poll_for(questionnaire: Questionnaire) -> codesign.Poll | None:
    """Return the open poll on publishing a questionnaire (for the draft page)."""
    return codesign.open_publish_poll_of(db.session, questionnaire)


def _poll_or_404(poll_id: int) -> codesign.Poll:
    """Return a publish or rule-change poll of this study, or answer 404."""
    poll = codesign.get_study_poll(db.session, study=g.study, poll_id=poll_id)
    if poll is None or poll.subject in codesign.CONSENT_SUBJECTS:  # on the consent form's pages
        abort(404, _("That poll is not part of this study."))
    return poll


# Publishing as a decision ---------------------------------------------------------------


@blueprint.route(f"{QUESTIONNAIRE}/ask-to-publish", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def ask_to_publish(questionnaire_id: int):
    """Show whether the draft can be published and what changed; ask the group to decide."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    open_poll = codesign.open_publish_poll_of(db.session, questionnaire)
    form = AskToPublishForm(
        data=None if request.method == "POST" else {"deadline": (utcnow() + DECIDE_WITHIN).date()}
    )
    if open_poll is None and form.validate_on_submit():
        now = utcnow()
        try:
            poll = codesign.ask_to_publish(
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
    last, comparison = changes_since_last(questionnaire, draft)
    return render_template(
        "surveys/decisions/ask_to_publish.html",
        questionnaire=questionnaire,
        form=form,
        problems=check_definition(draft),
        draft=draft,
        last=last,
        comparison=comparison,
        pending=codesign.changelog(db.session, questionnaire=questionnaire, number=None),
        open_poll=open_poll,
        next_number=(last.number + 1) if last else 1,
    ), 400 if form.errors or form.form_errors else 200


def _render_poll(poll: codesign.Poll, vote_form: VoteForm, status: int = 200):
    """Render a publish or rule-change poll: what is decided, the votes, the outcome."""
    context = poll_context(poll, vote_form)
    decision = context["decision"]
    if poll.subject == codesign.PollSubject.PUBLISH:
        questionnaire = services.get_questionnaire(
            db.session, questionnaire_id=poll.questionnaire_id
        )
        draft = services.draft_definition(db.session, questionnaire)
        last, comparison = changes_since_last(questionnaire, draft)
        context |= {
            "questionnaire": questionnaire,
            "problems": check_definition(draft) if poll.is_open else [],
            "draft": draft,
            "last": last,
            "comparison": comparison if poll.is_open else None,
            "pending": codesign.changelog(db.session, questionnaire=questionnaire, number=None)
            if poll.is_open
            else [],
            "published": (decision.change or {}).get("version") if decision else None,
        }
    elif poll.subject == codesign.PollSubject.FIRST_DRAFT:
        context |= {
            "questionnaire": services.get_questionnaire(
                db.session, questionnaire_id=poll.questionnaire_id
            ),
            "builders": codesign.first_draft_builders_asked(db.session, poll),
        }
    else:
        proposed = codesign.DecisionSettings.from_json(poll.proposed_rule or {})
        context |= {
            "proposed": describe_settings(proposed),
            "in_force": describe_settings(codesign.decision_settings(db.session, g.study)),
        }
    return render_template(
        "surveys/decisions/poll.html",
        poll=poll,
        title=SUBJECT_TITLES[poll.subject],
        reason=poll.reason,
        opened_by=codesign.poll_opener(db.session, poll=poll),
        vote_form=vote_form,
        PollSubject=codesign.PollSubject,
        **context,
    ), status


@blueprint.get("/studies/<study_slug>/polls/<int:poll_id>")
@allow(ANY_MEMBER)
def show_poll(poll_id: int):
    """Show a poll on publishing or on how the group decides, with the votes and outcome."""
    close_due_polls()
    poll = _poll_or_404(poll_id)
    if poll.subject == codesign.PollSubject.PROPOSAL and poll.proposal_id is not None:
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
    if poll.subject == codesign.PollSubject.PROPOSAL:
        abort(404, _("Vote on a suggestion from its own page."))
    form = VoteForm()
    if not (form.validate_on_submit() and send_vote(poll, form)):
        return _render_poll(poll, form, 400)
    return redirect(url_for("surveys.show_poll", poll_id=poll.id))
