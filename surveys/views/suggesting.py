"""What every change form shares: why, decide by, and how the change is sent.

Every change to a draft goes through a proposal, so nothing bypasses the decision log. A
form that changes the draft inherits `SuggestionForm` and hands `send_suggestion` a function
that writes (or rewrites) the author's draft proposal; the button pressed then decides:

- "Suggest this change": the proposal opens and the group is asked to decide by a day;
- "Save as a draft": only its author sees it, to finish later;
- "Make this change now, without a vote": only facilitators of a study that allows direct
  edits; the change is made and logged as a direct edit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Proposal
from surveys.models import Questionnaire
from surveys.views.common import hidden_revision, is_facilitator

DECIDE_WITHIN = timedelta(days=7)


class DayField(DateField):
    """A date typed as day, month and year, with a plain message when it is not a date."""

    def process_formdata(self, valuelist):
        """Read the three boxes; say plainly when they do not make a real date."""
        # Always three parts (day, month, year), whatever was posted, for the widget.
        self.raw_data = valuelist = [*(valuelist or [])[:3], "", "", ""][:3]
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a real date, like 8 3 2030")) from None


def decide_by_day(form: FlaskForm, field: DayField) -> None:
    """Ask for the day the group should decide by: a real day after today."""
    if field.process_errors:
        return  # already said: not a real date
    if field.data is None:
        raise ValidationError(_l("Enter the day the group should decide by"))
    if field.data <= utcnow().date():
        raise ValidationError(_l("Choose a day after today"))


def decide_by_field(*, required: bool = True) -> DayField:
    """Return a "Decide by" field; `required`: checked on its own (else by the form)."""
    return DayField(
        _l("Decide by"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("The group can vote until this day. For example, 8 3 2030."),
        validators=[decide_by_day] if required else [],
    )


class SuggestionForm(FlaskForm):
    """The fields every change form ends with: why, decide by, and three ways to send it."""

    reason = StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=_l("In your own words, so the group understands what you have in mind."),
        validators=[
            DataRequired(message=_l("Say in your own words why you suggest this")),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )
    deadline = decide_by_field(required=False)
    suggest = SubmitField(_l("Suggest this change"), widget=GovSubmitInput())
    save_draft = SubmitField(_l("Save as a draft"), widget=GovSubmitInput())
    change_now = SubmitField(_l("Make this change now, without a vote"), widget=GovSubmitInput())

    def validate_deadline(self, field: DayField) -> None:
        """Ask for the day only when the change is put to the group now."""
        if self.suggest.data:
            decide_by_day(self, field)


def suggestion_defaults(proposal: Proposal | None = None) -> dict:
    """Return the initial reason and closing day of a change form."""
    return {
        "reason": proposal.reason if proposal else "",
        "deadline": (utcnow() + DECIDE_WITHIN).date(),
    }


def decide_by(day: date, now: datetime) -> datetime:
    """Return the closing time: the chosen day, at the time of day it is now (UTC)."""
    return datetime.combine(day, now.timetz())


def put_to_group(proposal: Proposal, day: date, now: datetime) -> None:
    """Open one's own draft proposal and ask the group to decide it by `day`."""
    codesign.open_proposal(db.session, proposal=proposal, opened_by=current_user, now=now)
    codesign.open_proposal_poll(
        db.session, proposal=proposal, opened_by=current_user, deadline=decide_by(day, now), now=now
    )


def may_change_now() -> bool:
    """Tell whether the current member may make a change without a vote (a direct edit)."""
    return is_facilitator() and codesign.decision_settings(db.session, g.study).allow_direct_edits


def send_suggestion(form: SuggestionForm, write: Callable[[], Proposal]) -> Proposal | None:
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
        show_domain_error(form, error)
        return None
    db.commit()
    flash(message, "success")
    return proposal


def proposal_url(proposal: Proposal) -> str:
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
    form: SuggestionForm, questionnaire: Questionnaire, kind: ChangeKind, **change
) -> Proposal | None:
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


def after_sending(form: SuggestionForm, proposal: Proposal, back_url: str):
    """Go to the suggestion; after a change made at once (no vote), back to `back_url`."""
    return redirect(back_url if form.change_now.data else proposal_url(proposal))
