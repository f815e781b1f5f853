"""Equal voice: who in the group has suggested, commented and voted; reminders to vote.

The counts (`codesign.group_participation`) never read positions, so anonymous polls stay
anonymous here.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm
from surveys.codesign import services as codesign
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, questionnaire_or_404
from surveys.views.voting import close_due_polls

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


@blueprint.get("/studies/<study_slug>/participation")
@allow(ANY_MEMBER)
def show_participation():
    """Show who in the design group has suggested, commented and voted, so all are heard."""
    close_due_polls()
    rows = codesign.group_participation(db.session, study=g.study)
    waiting = codesign.polls_waiting_for(db.session, study=g.study, user=current_user)
    not_heard_from = [row for row in rows if row.not_heard_from]
    return render_template(
        "surveys/participation.html",
        rows=rows,
        # Whom to ask what they think: never the reader themself, who is told gently instead.
        quiet=[row for row in not_heard_from if row.user.id != current_user.id],
        me_quiet=any(row.user.id == current_user.id for row in not_heard_from),
        waiting=[
            (poll, codesign.describe_poll(db.session, poll), codesign.poll_path(g.study, poll))
            for poll in waiting
        ],
    )


@blueprint.app_template_global()
def reminder_state(poll: codesign.Poll) -> codesign.ReminderState | None:
    """Return whether the current member may remind the group to vote in an open poll.

    None when the poll is closed or the member is not in the design group.
    """
    membership = g.get("membership")
    if (
        poll is None
        or not poll.is_open
        or membership is None
        or not membership.has_any_role(CO_DESIGN_GROUP.study_roles)
    ):
        return None
    return codesign.reminder_state(db.session, poll=poll, user=current_user)


@blueprint.post(f"{QUESTIONNAIRE}/polls/<int:poll_id>/remind")
@allow(CO_DESIGN_GROUP)
def remind_voters(questionnaire_id: int, poll_id: int):
    """Remind everyone who has not voted in an open poll (at most once a day per poll)."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    poll = codesign.get_questionnaire_poll(db.session, questionnaire=questionnaire, poll_id=poll_id)
    if poll is None:
        abort(404, _("That poll is not about this questionnaire."))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = codesign.remind_voters(db.session, poll=poll, reminded_by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(
            ngettext(
                "A reminder went to the %(num)d person who has not voted yet.",
                "A reminder went to the %(num)d people who have not voted yet.",
                count,
            ),
            "success",
        )
    if poll.proposal_id is not None:
        return redirect(
            url_for(
                "surveys.show_proposal",
                questionnaire_id=questionnaire.id,
                proposal_id=poll.proposal_id,
            )
        )
    return redirect(url_for("surveys.show_decision_log", questionnaire_id=questionnaire.id))
