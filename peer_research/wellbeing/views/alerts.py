"""Alerts: support leads see every alert of the study with its check-in and notes, and
move it from new to acknowledged to followed up; facilitators see only the alerts that
went to them because nobody acknowledged in time, without the interviewer's notes."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow, members_with
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.forms import AcknowledgeForm, AlertNoteForm, FollowUpForm
from peer_research.wellbeing.views import WELLBEING, blueprint
from peer_research.wellbeing.wording import (
    ALERT_STATE_NAMES,
    CAUSE_NAMES,
    KIND_NAMES,
    SCORE_WORDS,
    answer_rows,
    state_from_text,
)

SUPPORT_LEADS = members_with("support_lead")
# Facilitators reach the alerts that escalated to them (checked in the view).
ALERT_READERS = members_with("support_lead", "facilitator")


@blueprint.context_processor
def alert_names() -> dict:
    """Give templates the plain names of alert causes and states, scores and kinds."""
    return {
        "alert_cause_names": CAUSE_NAMES,
        "alert_state_names": ALERT_STATE_NAMES,
        "score_words": SCORE_WORDS,
        "check_in_kind_names": KIND_NAMES,
    }


def is_support_lead() -> bool:
    """Tell whether the caller is one of the study's support leads."""
    return g.membership.has_any_role(SUPPORT_LEADS.study_roles)


@blueprint.get(f"{WELLBEING}/alerts")
@allow(ALERT_READERS)
def list_alerts():
    """List the study's alerts by state (facilitators: only those that escalated to them)."""
    state = state_from_text(request.args.get("state", "")[:20])
    alerts = wellbeing.alerts_for(db.session, study=g.study, viewer=current_user)
    counts = {s: sum(1 for a in alerts if a.state == s) for s in ALERT_STATE_NAMES}
    return render_template(
        "wellbeing/alerts.html",
        alerts=[a for a in alerts if a.state == state],
        state=state,
        counts=counts,
        full=is_support_lead(),
    )


def _view_or_404(alert_id: int):
    """Return the alert as this person may see it; the same 404 for none and not theirs."""
    try:
        return wellbeing.alert_for(
            db.session, study=g.study, viewer=current_user, alert_id=alert_id
        )
    except DomainError:
        abort(404, _("This study has no alert with that number for you."))


def _show(view, *, note_form=None, status: int = 200):
    """Render one alert: in full for support leads, without any notes for facilitators."""
    page = render_template(
        "wellbeing/alert.html",
        alert=view.alert,
        view=view,
        check_in=view.check_in,
        answers=answer_rows(view.check_in, questions_of(view.check_in)) if view.check_in else [],
        note_form=note_form or AlertNoteForm(),
        acknowledge_form=AcknowledgeForm(),
        follow_up_form=FollowUpForm(),
    )
    return page, status


def questions_of(check_in) -> list:
    """Return the study's current questions for the kind of a check-in."""
    settings = wellbeing.settings_for(db.session, g.study)
    return list((settings.questions or {}).get(getattr(check_in.kind, "value", check_in.kind), ()))


@blueprint.get(f"{WELLBEING}/alerts/<int:alert_id>")
@allow(ALERT_READERS)
def show_alert(alert_id: int):
    """Show one alert: why it was raised, when, its check-in and notes (support leads)."""
    return _show(_view_or_404(alert_id))


def _change_state(alert_id: int, form, change, done: str):
    """Run one state change on an alert, then go back to it with a message."""
    _view_or_404(alert_id)
    back = redirect(url_for("wellbeing.show_alert", alert_id=alert_id))
    if not form.validate_on_submit():
        flash(_("Something went wrong. Please try again."), "error")
        return back
    try:
        change(db.session, study=g.study, user=current_user, alert_id=alert_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(done, "success")
    return back


@blueprint.post(f"{WELLBEING}/alerts/<int:alert_id>/acknowledge")
@allow(SUPPORT_LEADS)
def acknowledge_alert(alert_id: int):
    """Say that a support lead has seen the alert and will get in touch."""
    return _change_state(
        alert_id,
        AcknowledgeForm(),
        wellbeing.acknowledge_alert,
        _("You have said you will get in touch."),
    )


@blueprint.post(f"{WELLBEING}/alerts/<int:alert_id>/followed-up")
@allow(SUPPORT_LEADS)
def follow_up_alert(alert_id: int):
    """Say that someone has been in touch with the interviewer."""
    return _change_state(
        alert_id,
        FollowUpForm(),
        wellbeing.follow_up_alert,
        _("The alert is marked as followed up."),
    )


@blueprint.post(f"{WELLBEING}/alerts/<int:alert_id>/notes")
@allow(SUPPORT_LEADS)
def add_alert_note(alert_id: int):
    """Add a support lead's note to an alert."""
    view = _view_or_404(alert_id)
    form = AlertNoteForm()
    if form.validate_on_submit():
        try:
            wellbeing.add_alert_note(
                db.session, study=g.study, user=current_user, alert_id=alert_id, text=form.text.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your note is added."), "success")
            return redirect(url_for("wellbeing.show_alert", alert_id=alert_id))
    return _show(view, note_form=form, status=400)
