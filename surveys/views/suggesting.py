"""How every change is sent: why, decide by, and the button pressed.

Every change to a draft goes through a proposal, so nothing bypasses the decision log. A
form that changes the draft inherits `SuggestionForm` (`suggestion_forms.py`) and hands
`send_suggestion` a function that writes (or rewrites) the author's draft proposal; the
button pressed then decides:

- "Suggest this change": the proposal opens and the group is asked to decide by a day;
- "Save as a draft": only its author sees it, to finish later (the reason can wait);
- "Make this change now, without a vote": only facilitators of a study that allows direct
  edits, and the members the group named to build a questionnaire's first draft (until it
  is first published); the change is made and logged as a direct edit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views.common import hidden_revision, is_facilitator
from surveys.views.suggestion_forms import SuggestionForm

DECIDE_WITHIN = timedelta(days=7)
PLACE_PARTS = ("section", "before_name", "after_name")


def suggestion_defaults(proposal: codesign.Proposal | None = None) -> dict:
    """Return the initial reason and closing day of a change form."""
    return {
        "reason": proposal.reason if proposal else "",
        "deadline": (utcnow() + DECIDE_WITHIN).date(),
    }


def decide_by(day: date, now: datetime) -> datetime:
    """Return the closing time: the chosen day, at the time of day it is now (UTC)."""
    return datetime.combine(day, now.timetz())


def put_to_group(
    proposal: codesign.Proposal, day: date, now: datetime, reason: str | None = None
) -> None:
    """Open one's own draft proposal and ask the group to decide it by `day`.

    `reason` is given when the draft was saved without one.
    """
    codesign.open_proposal(
        db.session, proposal=proposal, opened_by=current_user, now=now, reason=reason
    )
    codesign.open_proposal_poll(
        db.session, proposal=proposal, opened_by=current_user, deadline=decide_by(day, now), now=now
    )


def may_change_now(questionnaire: Questionnaire | None = None) -> str | None:
    """Say whether the current member may make a change without a vote, and why: "first_draft"
    (the group named them to build this questionnaire's first draft), "facilitator" (a
    facilitator of a study that allows direct edits), or None."""
    if questionnaire is not None and codesign.first_draft_grant_for(
        db.session, questionnaire=questionnaire, user=current_user
    ):
        return "first_draft"
    if is_facilitator() and codesign.decision_settings(db.session, g.study).allow_direct_edits:
        return "facilitator"
    return None


def send_suggestion(
    form: SuggestionForm, write: Callable[[], codesign.Proposal]
) -> codesign.Proposal | None:
    """Write the author's draft proposal with `write`, then send it as the button says.

    Commits and flashes what happened; on a refusal rolls everything back, shows the
    message beside the form's field and returns None.
    """
    now = utcnow()
    try:
        proposal = write()
        if form.suggest.data:
            put_to_group(proposal, form.deadline.data, now)
            message = _("Your suggestion is open. The group can now say what they think.")
        elif form.change_now.data:
            codesign.apply_directly(db.session, proposal=proposal, editor=current_user, now=now)
            message = _("Changed. The decision log shows it as a change you made without a vote.")
        else:
            message = _("Saved as a draft. Only you can see it until you put it to the group.")
    except DomainError as error:
        db.session.rollback()
        if error.field in PLACE_PARTS and "place" in form:
            error.field = "place"  # one list on the page chooses the section and neighbour
        show_domain_error(form, error)
        return None
    db.commit()
    flash(message, "success")
    return proposal


def proposal_url(proposal: codesign.Proposal) -> str:
    """Return the address of a proposal's page."""
    return url_for(
        "surveys.show_proposal",
        questionnaire_id=proposal.questionnaire_id,
        proposal_id=proposal.id,
    )


def seen_revision(form: FlaskForm) -> int:
    """Return the item's draft revision the form was written against (-1: not known)."""
    seen = hidden_revision(form.revision.data)
    return seen if seen is not None else -1


def suggest(
    form: SuggestionForm, questionnaire: Questionnaire, kind: codesign.ChangeKind, **change
) -> codesign.Proposal | None:
    """Write a new suggestion of this kind from a change form and send it (`send_suggestion`)."""
    return send_suggestion(
        form,
        lambda: codesign.create_proposal(
            db.session,
            questionnaire=questionnaire,
            author=current_user,
            kind=kind,
            reason=form.reason.data,
            **change,
        ),
    )


def after_sending(form: SuggestionForm, proposal: codesign.Proposal, back_url: str):
    """Go to the suggestion; after a change made at once (no vote), back to `back_url`."""
    return redirect(back_url if form.change_now.data else proposal_url(proposal))
