"""The engine's side of the consent form's decisions: what fills `consent.wording`'s hook.

Consent asks through plain functions and reads plain shapes (`PollView`, `DecisionView`), so
it never sees the engine's records; everything here is the engine's own polls, votes and
decision log, restricted to polls about the consent form.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from consent.wording import services as wording
from peer_research.accounts.models import User
from peer_research.studies.models import Study
from surveys.codesign import decision_log, decisions, polls, reminders, rules, votes
from surveys.codesign.consent_decisions import CONSENT_SUBJECTS
from surveys.codesign.models import Decision, Poll, PollSubject
from surveys.codesign.settings import decision_settings


def _rule_in_force(session: Session, study: Study) -> str:
    """Return the study's rule in plain words."""
    return decision_settings(session, study).rule.describe()


def _open_poll(
    session: Session,
    *,
    study: Study,
    subject: str,
    details: dict,
    reason: str,
    opened_by: User,
    voter_ids: list[int],
    deadline: datetime,
    now: datetime,
) -> int:
    """Open a poll about the consent form under the study's rule; return its id."""
    poll = polls.open_poll(
        session,
        study=study,
        questionnaire=None,
        subject=PollSubject(subject),
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        proposed_rule=details,
        reason=reason,
        voter_ids=voter_ids,
    )
    return poll.id


def _consent_poll(session: Session, study: Study, poll_id: int) -> Poll | None:
    """Return a poll about this study's consent form, or None."""
    poll = polls.get_study_poll(session, study=study, poll_id=poll_id)
    return poll if poll is not None and poll.subject in CONSENT_SUBJECTS else None


def _decision_views(session: Session, found: list[Decision]) -> list[wording.DecisionView]:
    """Return decisions as consent's pages read them."""
    return [
        wording.DecisionView(
            id=entry.decision.id,
            subject=entry.subject.value if entry.subject else "",
            decided_at=entry.decided_at,
            outcome=entry.outcome.value,
            applied=entry.applied,
            reason=entry.reason,
            statement=entry.statement,
            counts=entry.counts,
            change=entry.change,
            anonymous=entry.anonymous,
            decided_by=entry.decided_by,
            votes=tuple(
                wording.VoteLine(line.name, line.position.value, line.reason)
                for line in entry.votes
            ),
            reasons=entry.reasons,
        )
        for entry in decision_log.log_entries(session, found)
    ]


def _poll_view(
    session: Session, *, study: Study, poll_id: int, viewer: User
) -> wording.PollView | None:
    """Return what a page shows of a poll about the consent form, or None."""
    poll = _consent_poll(session, study, poll_id)
    if poll is None:
        return None
    voters = polls.poll_voters(session, poll)
    mine = polls.my_named_vote(session, poll=poll, user=viewer)
    counts = polls.poll_counts(session, poll)
    decision = None if poll.is_open else polls.decision_of(session, poll)
    opener = polls.poll_opener(session, poll=poll)
    return wording.PollView(
        id=poll.id,
        subject=poll.subject.value,
        details=dict(poll.proposed_rule or {}),
        reason=poll.reason,
        opened_by=opener.display_name if opener else None,
        is_open=poll.is_open,
        anonymous=poll.anonymous,
        deadline=poll.deadline,
        rule=rules.Rule(poll.rule_kind, poll.consent_threshold, poll.quorum).describe(),
        voted=sum(1 for voter in voters if voter.voted_at),
        eligible=len(voters),
        is_voter=any(voter.user_id == viewer.id for voter in voters),
        my_vote=wording.VoteLine(viewer.display_name, mine.position.value, mine.reason)
        if mine
        else None,
        i_voted=polls.has_voted(session, poll=poll, user=viewer),
        not_yet_voted=tuple(p.display_name for p in polls.not_yet_voted(session, poll))
        if poll.is_open
        else (),
        counts=counts.as_dict() if counts else None,
        votes=tuple(
            wording.VoteLine(vote.user.display_name, vote.position.value, vote.reason)
            for vote in polls.named_votes(session, poll)
        ),
        reasons=tuple(polls.anonymous_reasons(session, poll)),
        decision=_decision_views(session, [decision])[0] if decision else None,
    )


def _cast_vote(
    session: Session,
    *,
    study: Study,
    poll_id: int,
    voter: User,
    position: str,
    reason: str | None,
    secret_key: str | bytes,
) -> wording.DecisionView | None:
    """Cast or change a vote; return the decision when this vote closed the poll."""
    poll = _consent_poll(session, study, poll_id)
    if poll is None:
        raise LookupError("no such poll about this study's consent form")
    decision = votes.cast_vote(
        session,
        poll=poll,
        voter=voter,
        position=position,
        reason=reason,
        voter_key=votes.derive_voter_key(secret_key),
    )
    return _decision_views(session, [decision])[0] if decision else None


def _cancel_poll(
    session: Session, *, study: Study, poll_id: int, cancelled_by: User, message: str, now
) -> None:
    """Close a poll about the consent form without deciding (its suggestion was withdrawn)."""
    poll = _consent_poll(session, study, poll_id)
    if poll is not None and poll.is_open:
        decisions.cancel_poll(
            session,
            poll=poll,
            cancelled_by=cancelled_by,
            now=now,
            message=message,
            change=dict(poll.proposed_rule or {}),
        )


def _close_due_polls(session: Session, *, now: datetime, study: Study) -> None:
    """Close every poll whose time is up, and send "closes soon" notices, as other pages do."""
    decisions.close_due_polls(session, now)
    reminders.notify_polls_closing_soon(session, now, study=study)


def _decision_log(
    session: Session, *, study: Study, offset: int, limit: int
) -> list[wording.DecisionView]:
    """Return a stretch of the consent form's decision log, newest first."""
    query = (
        sa.select(Decision)
        .join(Poll, Poll.id == Decision.poll_id)
        .where(Decision.study_id == study.id, Poll.subject.in_(CONSENT_SUBJECTS))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return _decision_views(session, list(session.scalars(query)))


def _open_publishing_poll(session: Session, *, study: Study) -> int | None:
    """Return the open poll on publishing the consent form, if there is one."""
    found = polls.open_polls_where(
        session, Poll.study_id == study.id, Poll.subject == PollSubject.CONSENT_PUBLISH
    )
    return found[0].id if found else None


def consent_form_decisions() -> wording.GroupDecisions:
    """Return the engine's side of the consent form's decisions, for the app factory."""
    return wording.GroupDecisions(
        rule_in_force=_rule_in_force,
        open_poll=_open_poll,
        poll_view=_poll_view,
        cast_vote=_cast_vote,
        cancel_poll=_cancel_poll,
        close_due_polls=_close_due_polls,
        decision_log=_decision_log,
        open_publishing_poll=_open_publishing_poll,
    )
