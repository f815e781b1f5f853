"""Publishing the consent form: asking the group, and the page of that poll.

As with a questionnaire, anyone who decides the consent form may ask; the group decides by
the study's rule, and an accepted poll publishes the draft as it was when they were asked.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consent.wording import services as wording
from consent.wording.forms import AskToPublishForm, VoteForm
from consent.wording.views import blueprint
from consent.wording.views.common import (
    CONSENT_GROUP,
    checked,
    poll_or_404,
    prepare_page,
    refuse,
    send_vote,
    template_names,
    vote_form_for,
)
from consent.wording.views.suggesting import decide_by
from peer_research.access import allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError


@blueprint.route("/publish", methods=["GET", "POST"])
@allow(CONSENT_GROUP)
def ask_to_publish():
    """Show what would be published and ask the group to publish it as a new version."""
    if request.method == "GET":
        prepare_page()
    engine = wording.group_decisions()
    open_poll = engine.open_publishing_poll(db.session, study=g.study)
    state = wording.form_state(db.session, g.study)
    form = AskToPublishForm(
        data=None
        if request.method == "POST"
        else {"deadline": (utcnow() + wording.DECIDE_WITHIN).date()}
    )
    if open_poll is not None and request.method == "POST":
        flash(_("The group is already deciding whether to publish the consent form."), "error")
        return redirect(url_for("consent_wording.show_publishing", poll_id=open_poll))
    if form.validate_on_submit():
        now = utcnow()
        try:
            poll_id = wording.ask_to_publish(
                db.session,
                study=g.study,
                asked_by=current_user,
                requires_reconsent=form.reconsent.data == "yes",
                reason=form.reason.data,
                deadline=decide_by(form, now),
                now=now,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.commit()
            flash(
                _("The group is asked to publish. Everyone can now say what they think."), "success"
            )
            return redirect(url_for("consent_wording.show_publishing", poll_id=poll_id))
    return render_template(
        "consent/wording/ask_to_publish.html",
        form=form,
        state=state,
        draft=checked(state.draft.content),
        problem=wording.publishing_problem(db.session, g.study),
        open_poll=open_poll,
        next_number=(state.current.number + 1) if state.current else 1,
        **template_names(),
    ), 400 if form.errors or form.form_errors else 200


def _render_publishing(poll: wording.PollView, vote_form: VoteForm | None = None, status=200):
    """Render a poll on publishing: what changes, re-consent, the votes and the outcome."""
    state = wording.form_state(db.session, g.study)
    return render_template(
        "consent/wording/publishing.html",
        poll=poll,
        state=state,
        vote_form=vote_form_for(poll, vote_form),
        vote_url=url_for("consent_wording.vote_on_publishing", poll_id=poll.id),
        **template_names(),
    ), status


def _publishing_poll_or_404(poll_id: int) -> wording.PollView:
    """Return a poll on publishing the consent form, or answer 404."""
    view = poll_or_404(poll_id)
    if view.subject != wording.PUBLISHING:
        poll_or_404(None)
    return view


@blueprint.get("/publishing/<int:poll_id>")
@allow(CONSENT_GROUP)
def show_publishing(poll_id: int):
    """Show a poll on publishing the consent form, with the votes and the outcome."""
    prepare_page()
    return _render_publishing(_publishing_poll_or_404(poll_id))


@blueprint.post("/publishing/<int:poll_id>/vote")
@allow(CONSENT_GROUP)
def vote_on_publishing(poll_id: int):
    """Cast or change one's vote on publishing; say the outcome if it closed the poll."""
    poll = _publishing_poll_or_404(poll_id)
    form = VoteForm()
    if not (form.validate_on_submit() and send_vote(poll.id, form)):
        return _render_publishing(_publishing_poll_or_404(poll_id), form, 400)
    return redirect(url_for("consent_wording.show_publishing", poll_id=poll.id))
