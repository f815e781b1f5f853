"""List, create and show questionnaires (publishing is a decision: see decisions.py)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys import definition as d
from surveys import services
from surveys.forms import QUESTION_TYPE_NAMES, QuestionnaireForm
from surveys.plain_language import label_feedback
from surveys.validation import check_definition
from surveys.views import blueprint
from surveys.views.common import (
    DESIGN_GROUP,
    is_facilitator,
    may_edit,
    may_suggest,
    questionnaire_or_404,
    study_jargon,
)


@blueprint.get("/studies/<study_slug>/questionnaires")
@allow(ANY_MEMBER)
def list_questionnaires():
    """List the study's questionnaires."""
    return render_template(
        "surveys/list.html",
        questionnaires=services.questionnaires_of(db.session, g.study),
        may_edit=may_edit(),
        is_facilitator=is_facilitator(),
    )


@blueprint.route("/studies/<study_slug>/questionnaires/new", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def create_questionnaire():
    """Start a new, empty questionnaire."""
    form = QuestionnaireForm()
    if form.validate_on_submit():
        try:
            questionnaire = services.create_questionnaire(
                db.session,
                study=g.study,
                title=form.title.data,
                languages=[
                    d.Language(form.language_code.data.strip(), form.language_name.data.strip())
                ],
                created_by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your questionnaire is ready. Add the first question."), "success")
            return redirect(url_for("surveys.show_draft", questionnaire_id=questionnaire.id))
    return render_template("surveys/create.html", form=form)


@blueprint.get("/studies/<study_slug>/questionnaires/<int:questionnaire_id>/")
@allow(ANY_MEMBER)
def show_draft(questionnaire_id: int):
    """Show the draft with its questions in order, and the published versions."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    language = draft.default_language.code
    terms = study_jargon()
    feedback = {
        item.name: label_feedback(item.label.get(language, ""), language, terms)
        for item, _parents in draft.walk()
    }
    return render_template(
        "surveys/draft.html",
        questionnaire=questionnaire,
        draft=draft,
        problems=check_definition(draft),
        may_edit=may_edit(),
        may_suggest=may_suggest(),
        type_names=QUESTION_TYPE_NAMES,
        feedback=feedback,
    )


@blueprint.get("/studies/<study_slug>/questionnaires/<int:questionnaire_id>/versions/<int:number>")
@allow(ANY_MEMBER)
def show_version(questionnaire_id: int, number: int):
    """Show a published version exactly as it was frozen."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = services.get_version(db.session, questionnaire=questionnaire, number=number)
    if version is None:
        abort(404, _("That version has not been published."))
    return render_template(
        "surveys/version.html",
        questionnaire=questionnaire,
        version=version,
        definition=services.version_definition(version),
        type_names=QUESTION_TYPE_NAMES,
    )
