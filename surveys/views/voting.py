"""Polls on pages: closing the ones whose time is up, casting a vote (the form is in
`decision_forms.py`), and what a page shows of a poll ("What the group thinks").

A suggestion's page (surveys/views/codesign.py) and the page of a poll on publishing or on
how the group decides (surveys/views/decisions.py) both vote through here, so a vote reads,
saves and shows the same everywhere.
"""

from __future__ import annotations

from flask import current_app, flash, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.views.decision_forms import POSITION_NAMES, VoteForm

OUTCOME_NAMES = {
    codesign.Outcome.ACCEPTED: _l("Agreed"),
    codesign.Outcome.REJECTED: _l("Not agreed"),
    codesign.Outcome.CANCELLED: _l("Closed without a decision"),
}


def close_due_polls() -> None:
    """Close the polls whose time is up and send "closes soon" notices; commit.

    Pages that show polls call this first, so deadlines work without a scheduler. Most
    are GET pages, so the writes run in a writing transaction of their own.
    """
    now = utcnow()
    with db.writing() as session:
        codesign.close_due_polls(session, now)
        codesign.notify_polls_closing_soon(session, now, study=g.study)


def voted_count(poll: codesign.Poll) -> int:
    """Return how many people have voted (never how)."""
    return sum(1 for voter in poll.voters if voter.voted_at)


def send_vote(poll: codesign.Poll, form: VoteForm) -> bool:
    """Cast the current member's vote from a validated form; commit and flash the outcome.

    On a refusal rolls back, shows the message beside the form and returns False.
    """
    try:
        decision = codesign.cast_vote(
            db.session,
            poll=poll,
            voter=current_user,
            position=form.position.data,
            reason=form.reason.data,
            voter_key=codesign.derive_voter_key(current_app.config["SECRET_KEY"]),
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


def poll_context(poll: codesign.Poll, vote_form: VoteForm, *, may_vote: bool = True) -> dict:
    """Return what "What the group thinks" shows of a poll, and fill in one's own vote.

    The page passes `poll` and `vote_form` itself (it needs them whether or not there is a
    poll).

    `may_vote`: whether the page lets people vote now at all (a suggestion waiting for an
    update does not); only the poll's voters may, and only while it is open.
    """
    voters = codesign.poll_voters(db.session, poll)
    my_vote = codesign.my_named_vote(db.session, poll=poll, user=current_user)
    if my_vote and not vote_form.is_submitted():
        vote_form.position.data = my_vote.position.value
        vote_form.reason.data = my_vote.reason
    return {
        "rule": codesign.Rule(poll.rule_kind, poll.consent_threshold, poll.quorum).describe(),
        "voted_count": sum(1 for voter in voters if voter.voted_at),
        "may_vote": may_vote
        and poll.is_open
        and any(voter.user_id == current_user.id for voter in voters),
        "votes": codesign.named_votes(db.session, poll),
        "my_vote": my_vote,
        "i_voted": codesign.has_voted(db.session, poll=poll, user=current_user),
        "not_yet_voted": codesign.not_yet_voted(db.session, poll) if poll.is_open else [],
        "counts": codesign.poll_counts(db.session, poll),
        "reasons": codesign.anonymous_reasons(db.session, poll),
        "decision": None if poll.is_open else codesign.decision_of(db.session, poll),
        "position_names": POSITION_NAMES,
        "outcome_names": OUTCOME_NAMES,
    }
