"""Building the first draft: asking the group to let named members change it directly, and
saying who may, until the first version is published."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, questionnaire_or_404
from surveys.views.first_draft_forms import FirstDraftBuildersForm
from surveys.views.suggesting import DECIDE_WITHIN, decide_by
from surveys.views.voting import close_due_polls

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


@blueprint.app_template_global()
def first_draft_of(questionnaire: Questionnaire) -> dict:
    """Return who may build a questionnaire's first draft directly, and any open poll on it
    (for the draft page); nothing once a version is published."""
    if codesign.is_published(db.session, questionnaire):
        return {"published": True, "grant": None, "poll": None}
    return {
        "published": False,
        "grant": codesign.first_draft_grant(db.session, questionnaire),
        "poll": codesign.open_first_draft_poll(db.session, questionnaire),
    }


@blueprint.route(f"{QUESTIONNAIRE}/first-draft", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def ask_first_draft_builders(questionnaire_id: int):
    """Show who may build the first draft directly; ask the group to name who may."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    close_due_polls()
    state = first_draft_of(questionnaire)
    people = codesign.design_group_people(db.session, questionnaire)
    initial = {"deadline": (utcnow() + DECIDE_WITHIN).date()}
    if state["grant"] is not None:
        initial["builders"] = [person.id for person in state["grant"].builders]
    form = FirstDraftBuildersForm(data=None if request.method == "POST" else initial)
    form.builders.choices = [(person.id, person.display_name) for person in people]
    if state["poll"] is None and not state["published"] and form.validate_on_submit():
        now = utcnow()
        try:
            poll = codesign.ask_for_first_draft_builders(
                db.session,
                questionnaire=questionnaire,
                asked_by=current_user,
                builder_ids=form.builders.data or [],
                reason=form.reason.data,
                deadline=decide_by(form.deadline.data, now),
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("The group is asked. Everyone can now say what they think."), "success")
            return redirect(url_for("surveys.show_poll", poll_id=poll.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "surveys/first_draft.html", questionnaire=questionnaire, form=form, **state
    ), status
