"""Suggesting a change to the consent form's wording (or a translation), and the suggestion's
page: what it changes word by word, what the group thinks, the vote, withdrawing it."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from consent.wording import services as wording
from consent.wording.forms import (
    ChooseLanguageForm,
    TranslationForm,
    VoteForm,
    WithdrawForm,
    WordingForm,
)
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
from peer_research.access import allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError

SPARE_ROWS = 2  # empty rows under the easy-read parts and the statements, to add more


def decide_by(form, now: datetime) -> datetime:
    """Return the closing time: the chosen day, at the time of day it is now (UTC)."""
    return datetime.combine(form.deadline.data, now.timetz())


def _start_data(typed: wording.WordingInput, main: bool) -> dict:
    """Return what the suggestion form starts with: the draft's words, and spare rows."""
    statements = [dataclasses.asdict(statement) for statement in typed.statements]
    return {
        "language_name": typed.language_name,
        "title": typed.title,
        "sheet": typed.sheet,
        "withdraw": typed.withdraw,
        "easy_read": [dataclasses.asdict(part) for part in typed.easy_read] + [{}] * SPARE_ROWS,
        "statements": statements + ([{}] * SPARE_ROWS if main else []),
        "deadline": (utcnow() + wording.DECIDE_WITHIN).date(),
    }


def _typed(form: WordingForm, language: str) -> wording.WordingInput:
    """Return what was typed in the suggestion form."""
    return wording.WordingInput(
        language=language,
        title=form.title.data or "",
        sheet=form.sheet.data or "",
        easy_read=[
            wording.EasyReadRow(
                text=row.form.text.data or "",
                picture=row.form.picture.data or "",
                alt=row.form.alt.data or "",
            )
            for row in form.easy_read
        ],
        statements=[_statement_row(row.form) for row in form.statements],
        withdraw=form.withdraw.data or "",
        language_name=form.language_name.data or "",
    )


def _statement_row(fields) -> wording.StatementRow:
    """Return one statement as typed; a translation's rows give only the words."""
    in_main = hasattr(fields, "purpose")  # the main language's rows say what it is about
    return wording.StatementRow(
        key=fields.key.data or "",
        purpose=(fields.purpose.data if in_main else "") or "other",
        required=bool(in_main and fields.required.data),
        text=fields.text.data or "",
        easy_read=fields.easy_read.data or "",
    )


@blueprint.route("/translate", methods=["GET", "POST"])
@allow(CONSENT_GROUP)
def choose_language():
    """Ask which language to write the consent form in, then go to its suggestion form."""
    if request.method == "GET":
        prepare_page()
    content = checked(wording.form_state(db.session, g.study).draft.content)
    form = ChooseLanguageForm()
    if form.validate_on_submit():
        code = form.code.data.strip().lower()
        if wording.is_language_code(code):
            return redirect(url_for("consent_wording.suggest_wording", language=code))
        form.code.errors = [_("Use a language code like cy, pl or pt-BR.")]
    return render_template(
        "consent/wording/choose_language.html", form=form, content=content
    ), 400 if form.errors else 200


@blueprint.route("/suggest/<language>", methods=["GET", "POST"])
@allow(CONSENT_GROUP)
def suggest_wording(language: str):
    """Suggest the consent form's wording in one language; the group decides by the rule."""
    if not wording.is_language_code(language):
        abort(404, _("That is not a language code we can use."))
    if request.method == "GET":
        prepare_page()
    state = wording.form_state(db.session, g.study)
    draft = checked(state.draft.content)
    main = language == draft.main_language
    form_class = WordingForm if main else TranslationForm
    start = _start_data(wording.wording_of(state.draft.content, language), main)
    form = form_class(data=None if request.method == "POST" else start)
    choices = [SelectChoice("", _("No picture"))] + [
        SelectChoice(p.stored_name, _("Picture %(name)s", name=p.stored_name[:12]))
        for p in wording.pictures_of(db.session, g.study)
    ]
    for row in form.easy_read:
        row.form.picture.choices = choices
    if form.validate_on_submit():
        now = utcnow()
        try:
            document = wording.suggested_document(state.draft.content, _typed(form, language))
            suggestion = wording.suggest_change(
                db.session,
                study=g.study,
                author=current_user,
                language=language,
                document=document,
                reason=form.reason.data,
                deadline=decide_by(form, now),
                now=now,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.commit()
            flash(
                _("Your suggestion is put to the group. Everyone can now say what they think."),
                "success",
            )
            return redirect(url_for("consent_wording.show_suggestion", suggestion_id=suggestion.id))
    return render_template(
        "consent/wording/suggest.html",
        form=form,
        draft=draft,
        language=language,
        main=main,
        is_new_language=language not in draft.languages,
        main_wording=wording.wording_of(state.draft.content, draft.main_language),
        **template_names(),
    ), 400 if form.errors or form.form_errors else 200


def _suggestion_or_404(suggestion_id: int) -> wording.WordingSuggestion:
    """Return one of the study's suggestions about the consent form, or answer 404."""
    suggestion = wording.get_suggestion(db.session, study=g.study, suggestion_id=suggestion_id)
    if suggestion is None:
        abort(404, _("That suggestion is not about this study's consent form."))
    return suggestion


def _render_suggestion(suggestion, vote_form: VoteForm | None = None, status: int = 200):
    """Render a suggestion: what it changes, why, what the group thinks, the vote."""
    view = poll_or_404(suggestion.poll_id)
    return render_template(
        "consent/wording/suggestion.html",
        suggestion=suggestion,
        lines=wording.suggestion_lines(suggestion),
        stale=wording.stale_part_of(db.session, study=g.study, suggestion=suggestion),
        poll=view,
        vote_form=vote_form_for(view, vote_form),
        vote_url=url_for("consent_wording.vote_on_suggestion", suggestion_id=suggestion.id),
        withdraw_form=WithdrawForm(formdata=None),
        **template_names(),
    ), status


@blueprint.get("/suggestions/<int:suggestion_id>")
@allow(CONSENT_GROUP)
def show_suggestion(suggestion_id: int):
    """Show a suggestion about the consent form, its votes and its outcome."""
    prepare_page()
    return _render_suggestion(_suggestion_or_404(suggestion_id))


@blueprint.post("/suggestions/<int:suggestion_id>/vote")
@allow(CONSENT_GROUP)
def vote_on_suggestion(suggestion_id: int):
    """Cast or change one's vote on a suggestion; say the outcome if it closed the poll."""
    suggestion = _suggestion_or_404(suggestion_id)
    form = VoteForm()
    if not (form.validate_on_submit() and send_vote(suggestion.poll_id, form)):
        return _render_suggestion(suggestion, form, 400)
    return redirect(url_for("consent_wording.show_suggestion", suggestion_id=suggestion.id))


@blueprint.post("/suggestions/<int:suggestion_id>/withdraw")
@allow(CONSENT_GROUP)
def withdraw_suggestion(suggestion_id: int):
    """Take one's own suggestion back; its poll closes without deciding."""
    suggestion = _suggestion_or_404(suggestion_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            wording.withdraw_suggestion(
                db.session, study=g.study, suggestion=suggestion, by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.commit()
            flash(_("Your suggestion is withdrawn. Nothing was changed."), "success")
    return redirect(url_for("consent_wording.show_suggestion", suggestion_id=suggestion.id))
