"""Plain language: review the draft's wording, and keep the study's jargon list."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.edge import parse_id
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from surveys import plain_language as pl
from surveys import services
from surveys.views import blueprint
from surveys.views.common import DESIGN_GROUP, may_edit, questionnaire_or_404, study_jargon

JARGON = "/studies/<study_slug>/jargon"


class JargonTermForm(FlaskForm):
    """Add a word or phrase to the study's jargon list."""

    term = StringField(
        _l("Word or phrase"),
        widget=GovTextInput(),
        description=_l("For example: co-production. Hyphens and spaces count as the same."),
        validators=[
            InputRequired(message=_l("Enter a word or phrase")),
            Length(max=pl.MAX_TERM_LENGTH, message=_l("Use 100 characters or fewer")),
        ],
    )
    suggestion = StringField(
        _l("A plainer way to say it (optional)"),
        widget=GovTextInput(),
        description=_l("For example: working together."),
        validators=[
            Optional(),
            Length(max=pl.MAX_SUGGESTION_LENGTH, message=_l("Use 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add to the list"), widget=GovSubmitInput())


@blueprint.get("/studies/<study_slug>/questionnaires/<int:questionnaire_id>/plain-language")
@allow(ANY_MEMBER)
def show_plain_language(questionnaire_id: int):
    """Show how easy each question is to read, and the jargon it uses, in one language."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    wanted = request.args.get("language", "").casefold()
    language = next(
        (lang for lang in draft.languages if lang.code.casefold() == wanted),
        draft.default_language,
    )
    jargon = study_jargon()
    return render_template(
        "surveys/plain_language.html",
        questionnaire=questionnaire,
        draft=draft,
        language=language,
        review=pl.review_draft(draft, language, jargon),
        may_edit=may_edit(),
        jargon_size=len(jargon),
    )


@blueprint.get(JARGON)
@allow(ANY_MEMBER)
def list_jargon():
    """Show the study's jargon list: words that may shut people out, and plainer ways."""
    terms = study_jargon()
    return render_template(
        "surveys/jargon.html",
        terms=terms,
        may_edit=may_edit(),
        confirm_form=ConfirmForm(),
        back=_back_link(),
    )


def _back_link() -> str | None:
    """Return the plain-language review the person came from, if they came from one."""
    questionnaire_id = parse_id(request.args.get("questionnaire"))
    if questionnaire_id is None:
        return None
    return url_for("surveys.show_plain_language", questionnaire_id=questionnaire_id)


@blueprint.route(f"{JARGON}/new", methods=["GET", "POST"])
@allow(DESIGN_GROUP)
def add_jargon_term():
    """Add a word or phrase, with a plainer way to say it, to the study's jargon list."""
    form = JargonTermForm()
    if form.validate_on_submit():
        try:
            term = pl.add_jargon_term(
                db.session, study=g.study, term=form.term.data, suggestion=form.suggestion.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("“%(term)s” is on the list.", term=term.term), "success")
            return redirect(url_for("surveys.list_jargon"))
    return render_template("surveys/jargon_form.html", form=form)


@blueprint.post(f"{JARGON}/<int:term_id>/remove")
@allow(DESIGN_GROUP)
def remove_jargon_term(term_id: int):
    """Take a word or phrase off the study's jargon list."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        term = pl.remove_jargon_term(db.session, study=g.study, term_id=term_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("“%(term)s” is off the list.", term=term.term), "success")
    return redirect(url_for("surveys.list_jargon"))
