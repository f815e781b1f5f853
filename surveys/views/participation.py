"""Equal voice: who in the group has suggested, commented and voted; reminders to vote.

Counts come from who wrote what and from `poll_voters.voted_at`, never from positions, so
anonymous polls stay anonymous here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import Session

from peer_research.access import ANY_MEMBER, allow
from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm
from peer_research.studies.models import Membership, Study
from surveys.codesign import services as codesign
from surveys.codesign.comments import Comment
from surveys.codesign.models import Poll, PollVoter, Proposal, ProposalState
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, questionnaire_or_404
from surveys.views.voting import close_due_polls

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


@dataclass(frozen=True)
class Participation:
    """What one member of the design group has done so far (counts only)."""

    user: User
    roles: frozenset
    suggestions: int
    comments: int
    votes: int
    open_polls_waiting: int  # open polls they may vote in and have not

    @property
    def not_heard_from(self) -> bool:
        """Tell whether they have not suggested or commented yet."""
        return self.suggestions == 0 and self.comments == 0


def _counts(session: Session, query: sa.Select) -> dict[int, int]:
    """Run a (user id, count) query into a dictionary."""
    return dict(session.execute(query).all())


def participation(session: Session, study: Study) -> list[Participation]:
    """Return, for each member of the study's design group, what they have done (by name)."""
    user_ids = codesign.design_group_user_ids(session, study)
    if not user_ids:
        return []
    in_study = sa.select(Questionnaire.id).where(Questionnaire.study_id == study.id)
    suggestions = _counts(
        session,
        sa.select(Proposal.author_id, sa.func.count())
        .where(
            Proposal.questionnaire_id.in_(in_study),
            Proposal.state != ProposalState.DRAFT,  # drafts are their author's own
        )
        .group_by(Proposal.author_id),
    )
    comments = _counts(
        session,
        sa.select(Comment.author_id, sa.func.count())
        .where(Comment.questionnaire_id.in_(in_study), Comment.removed_at.is_(None))
        .group_by(Comment.author_id),
    )
    voters = (
        sa.select(PollVoter.user_id, sa.func.count())
        .join(Poll, Poll.id == PollVoter.poll_id)
        .where(Poll.study_id == study.id)
        .group_by(PollVoter.user_id)
    )
    votes = _counts(session, voters.where(PollVoter.voted_at.is_not(None)))
    waiting = _counts(session, voters.where(PollVoter.voted_at.is_(None), Poll.closed_at.is_(None)))
    memberships = session.scalars(
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.study_id == study.id, Membership.user_id.in_(user_ids))
        .order_by(User.display_name, User.id)
    )
    return [
        Participation(
            user=membership.user,
            roles=membership.roles,
            suggestions=suggestions.get(membership.user_id, 0),
            comments=comments.get(membership.user_id, 0),
            votes=votes.get(membership.user_id, 0),
            open_polls_waiting=waiting.get(membership.user_id, 0),
        )
        for membership in memberships
    ]


def polls_waiting_for(session: Session, *, study: Study, user: User) -> list[Poll]:
    """Return the open polls of the study a person may vote in and has not yet."""
    query = (
        sa.select(Poll)
        .join(PollVoter, PollVoter.poll_id == Poll.id)
        .where(
            Poll.study_id == study.id,
            Poll.closed_at.is_(None),
            PollVoter.user_id == user.id,
            PollVoter.voted_at.is_(None),
        )
        .order_by(Poll.deadline, Poll.id)
    )
    return list(session.scalars(query))


@blueprint.get("/studies/<study_slug>/participation")
@allow(ANY_MEMBER)
def show_participation():
    """Show who in the design group has suggested, commented and voted, so all are heard."""
    close_due_polls()
    rows = participation(db.session, g.study)
    waiting = polls_waiting_for(db.session, study=g.study, user=current_user)
    return render_template(
        "surveys/participation.html",
        rows=rows,
        quiet=[row for row in rows if row.not_heard_from],
        waiting=[
            (poll, codesign.describe_poll(db.session, poll), codesign.poll_path(g.study, poll))
            for poll in waiting
        ],
    )


@blueprint.app_template_global()
def reminder_state(poll: Poll) -> codesign.ReminderState | None:
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
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.questionnaire_id != questionnaire.id:
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
