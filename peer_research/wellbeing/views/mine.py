"""The interviewer's own wellbeing: their check-ins and debriefs with a chart of how they
felt, their notes (add to them, or hide them from everyone), their daily limit, and where
to find support. Nobody else reaches these pages' contents: each check-in is looked up
for the person signed in."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow, members_with
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.chart import build_chart
from peer_research.wellbeing.forms import HideNoteForm, LimitForm, OwnNoteForm
from peer_research.wellbeing.views import WELLBEING, blueprint
from peer_research.wellbeing.wording import answer_rows

INTERVIEWERS = members_with("peer_researcher")


def _questions_for(check_in) -> list:
    """Return the study's current questions for the kind of this check-in."""
    settings = wellbeing.settings_for(db.session, g.study)
    kind = getattr(check_in.kind, "value", check_in.kind)
    return list((settings.questions or {}).get(kind, ()))


@blueprint.get(f"{WELLBEING}/mine")
@allow(INTERVIEWERS)
def show_mine(limit_form: LimitForm | None = None, status: int = 200):
    """Show the interviewer's own check-ins, a chart of how they felt, limit and support."""
    check_ins = wellbeing.my_check_ins(db.session, study=g.study, user=current_user)
    limit = wellbeing.limit_for(db.session, study=g.study, user=current_user)
    if limit_form is None:
        limit_form = LimitForm(
            max_interviews_per_day=limit.max_interviews_per_day if limit else None
        )
    page = render_template(
        "wellbeing/mine.html",
        check_ins=check_ins,
        chart=build_chart(check_ins),
        limit_form=limit_form,
        resources=wellbeing.support_resources(db.session, g.study),
    )
    return page, status


@blueprint.post(f"{WELLBEING}/mine/limit")
@allow(INTERVIEWERS)
def set_limit():
    """Save the interviewer's own daily limit (a reminder on the tablet, never a block)."""
    form = LimitForm()
    if form.validate_on_submit():
        try:
            wellbeing.set_limit(
                db.session,
                study=g.study,
                user=current_user,
                max_interviews_per_day=form.max_interviews_per_day.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your limit is saved."), "success")
            return redirect(url_for("wellbeing.show_mine"))
    return show_mine(limit_form=form, status=400)


def _my_check_in_or_404(check_in_id: int):
    """Return one of the caller's own check-ins; someone else's gets the same 404 as none."""
    mine = wellbeing.my_check_ins(db.session, study=g.study, user=current_user)
    found = next((c for c in mine if c.id == check_in_id), None)
    if found is None:
        abort(404, _("You have no check-in with that number in this study."))
    return found


def _show_check_in(check_in, *, note_form: OwnNoteForm | None = None, status: int = 200):
    """Render one of the interviewer's own check-ins with its note forms."""
    page = render_template(
        "wellbeing/my_check_in.html",
        check_in=check_in,
        answers=answer_rows(check_in, _questions_for(check_in)),
        note_form=note_form or OwnNoteForm(),
        hide_form=HideNoteForm(),
    )
    return page, status


@blueprint.get(f"{WELLBEING}/mine/check-ins/<int:check_in_id>")
@allow(INTERVIEWERS)
def show_my_check_in(check_in_id: int):
    """Show one of the interviewer's own check-ins, with "add to my note" and "hide it"."""
    return _show_check_in(_my_check_in_or_404(check_in_id))


@blueprint.post(f"{WELLBEING}/mine/check-ins/<int:check_in_id>/note")
@allow(INTERVIEWERS)
def add_to_my_note(check_in_id: int):
    """Add words to the interviewer's own note on a check-in."""
    check_in = _my_check_in_or_404(check_in_id)
    form = OwnNoteForm()
    if form.validate_on_submit():
        try:
            wellbeing.add_to_note(
                db.session,
                study=g.study,
                user=current_user,
                check_in_id=check_in.id,
                text=form.text.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your note is saved."), "success")
            return redirect(url_for("wellbeing.show_my_check_in", check_in_id=check_in_id))
    return _show_check_in(check_in, note_form=form, status=400)


@blueprint.post(f"{WELLBEING}/mine/check-ins/<int:check_in_id>/privacy")
@allow(INTERVIEWERS)
def hide_my_note(check_in_id: int):
    """Hide the interviewer's own note from everyone (support leads too), or show it again."""
    check_in = _my_check_in_or_404(check_in_id)
    back = redirect(url_for("wellbeing.show_my_check_in", check_in_id=check_in_id))
    form = HideNoteForm()
    if not form.validate_on_submit():
        flash(_("Something went wrong. Please try again."), "error")
        return back
    hide = form.hide.data == "yes"
    try:
        wellbeing.set_note_hidden(
            db.session, study=g.study, user=current_user, check_in_id=check_in.id, hidden=hide
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        if hide:
            flash(_("Your note is hidden. Nobody else can read it now."), "success")
        else:
            flash(_("The support leads can read your note again."), "success")
    return back
