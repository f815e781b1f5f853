"""Helpers shared by the consent form's pages."""

from __future__ import annotations

from flask import abort, current_app, flash, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from consent import services as consent
from consent.wording import services as wording
from consent.wording.forms import POSITION_NAMES, VoteForm
from peer_research.access import members_with
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.studies.services import Role

# Who decides the consent form: facilitators and co-researchers, one equal vote each.
CONSENT_GROUP = members_with(Role.FACILITATOR, Role.CO_RESEARCHER)
# The interviewers' tablets keep the easy-read pictures too.
WITH_INTERVIEWERS = members_with(Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER)

OUTCOME_NAMES = {
    "accepted": _l("Agreed"),
    "rejected": _l("Not agreed"),
    "cancelled": _l("Closed without a decision"),
}


def prepare_page() -> None:
    """Close the polls whose time is up and make the draft if there is none yet.

    These are writes on pages people usually GET, so they run in a writing transaction of
    their own, as the questionnaire's pages do.
    """
    with db.writing() as session:
        wording.group_decisions().close_due_polls(session, now=utcnow(), study=g.study)
        if not wording.has_draft(session, g.study):
            wording.start_draft(session, g.study)


def checked(document: dict) -> consent.ConsentContent:
    """Return a stored form, checked, to show."""
    return consent.read_content(document)


def chosen_language(content: consent.ConsentContent) -> str:
    """Return the language asked for in `?language=` if the form has it, else its main one."""
    asked = request.args.get("language", "")
    return asked if asked in content.languages else content.main_language


def poll_or_404(poll_id: int | None) -> wording.PollView:
    """Return what the page shows of one of the consent form's polls, or answer 404."""
    view = None
    if poll_id is not None:
        view = wording.group_decisions().poll_view(
            db.session, study=g.study, poll_id=poll_id, viewer=current_user
        )
    if view is None:
        abort(404, _("That poll is not about this study's consent form."))
    return view


def vote_form_for(view: wording.PollView, form: VoteForm | None = None) -> VoteForm:
    """Return the vote form, filled in with one's own named vote when not just sent."""
    form = form or VoteForm(formdata=None)
    if view.my_vote and not form.is_submitted():
        form.position.data = view.my_vote.position
        form.reason.data = view.my_vote.reason
    return form


def send_vote(poll_id: int, form: VoteForm) -> bool:
    """Cast the current member's vote from a validated form; commit and say what happened.

    On a refusal rolls back, shows the message beside the form and returns False.
    """
    try:
        decision = wording.group_decisions().cast_vote(
            db.session,
            study=g.study,
            poll_id=poll_id,
            voter=current_user,
            position=form.position.data,
            reason=form.reason.data,
            secret_key=current_app.config["SECRET_KEY"],
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
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
    return True


def refuse(form: FlaskForm, error: DomainError) -> None:
    """Undo what was written and show a refusal beside its field, a row's field too
    (`statements-2-key` is the name in the data of the third statement)."""
    db.session.rollback()
    found = _field_named(form, error.field or "")
    if found is None:
        show_domain_error(form, error)
        return
    rows, entry, field = found
    field.errors = [*field.errors, error.message]
    # WTForms keeps the errors it found while validating: count this one in too.
    entry.form._errors = None
    rows.errors = [row.errors for row in rows.entries]
    form._errors = None


def _field_named(form: FlaskForm, name: str):
    """Return the field of a row of a list of rows by its full name, or None."""
    list_name, _sep, rest = name.partition("-")
    index, _sep, part = rest.partition("-")
    rows = form._fields.get(list_name)
    if not (rows is not None and part and index.isdigit() and hasattr(rows, "entries")):
        return None
    if int(index) >= len(rows.entries):
        return None
    entry = rows.entries[int(index)]
    field = entry.form._fields.get(part)
    return (rows, entry, field) if field is not None else None


def template_names() -> dict:
    """Return the names every consent form page shows."""
    return {
        "position_names": POSITION_NAMES,
        "outcome_names": OUTCOME_NAMES,
        "purpose_names": wording.PURPOSE_NAMES,
    }
