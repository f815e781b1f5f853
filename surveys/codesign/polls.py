"""Decision rules, polls and votes, and closing a poll into a recorded decision.

Anonymous polls: the position is stored in `anonymous_ballots` under
HMAC-SHA256(voter_key, "poll_id:user_id") with no user and no time, and `poll_voters`
records only that someone voted. No function here returns a position together with a
person for an anonymous poll, and counts of an anonymous poll stay hidden until it
closes (otherwise watching the counts change after each vote would reveal it).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys import services as drafts
from surveys.codesign import rules, signals
from surveys.codesign.models import (
    AnonymousBallot,
    Decision,
    EntryKind,
    Outcome,
    Poll,
    PollSubject,
    PollVoter,
    Position,
    Proposal,
    ProposalState,
    Visibility,
    Vote,
)
from surveys.codesign.proposals import (
    apply_proposal,
    change_record,
    changed_names,
    design_group_user_ids,
    mark_linked_needs_update,
    require_design_member,
)
from surveys.codesign.settings import DecisionSettings, decision_settings, set_decision_rule
from surveys.models import Questionnaire

# Opening polls --------------------------------------------------------------------------


def _open_poll(
    session: Session,
    *,
    study: Study,
    questionnaire: Questionnaire | None,
    subject: PollSubject,
    opened_by: User,
    deadline: datetime,
    now: datetime | None,
    proposal: Proposal | None = None,
    proposed_rule: dict | None = None,
    reason: str = "",
) -> Poll:
    """Open a poll with the study's rule and design group as they are now."""
    require_design_member(session, study=study, user=opened_by)
    now = now or utcnow()
    if deadline <= now:
        raise DomainError(_("Choose a closing time in the future."), field="deadline")
    settings = decision_settings(session, study)
    poll = Poll(
        study_id=study.id,
        questionnaire_id=questionnaire.id if questionnaire else None,
        subject=subject,
        proposal_id=proposal.id if proposal else None,
        proposed_rule=proposed_rule,
        reason=reason,
        visibility=Visibility.ANONYMOUS if settings.anonymous_polls else Visibility.NAMED,
        rule_kind=settings.rule.kind,
        consent_threshold=settings.rule.consent_threshold,
        quorum=settings.rule.quorum,
        opened_by_id=opened_by.id,
        opened_at=now,
        deadline=deadline,
    )
    poll.voters = [PollVoter(user_id=user_id) for user_id in design_group_user_ids(session, study)]
    session.add(poll)
    session.flush()
    record(
        session,
        Action.POLL_OPENED,
        actor=opened_by,
        study=study,
        detail={"poll_id": poll.id, "subject": subject.value, "eligible": len(poll.voters)},
    )
    signals.poll_opened.send(session, poll=poll)
    return poll


def _open_polls(session: Session, *conditions) -> list[Poll]:
    query = sa.select(Poll).where(Poll.closed_at.is_(None), *conditions).order_by(Poll.id)
    return list(session.scalars(query))


def open_proposal_poll(
    session: Session,
    *,
    proposal: Proposal,
    opened_by: User,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group to decide an open proposal."""
    questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
    if proposal.state != ProposalState.OPEN:
        raise DomainError(_("Only a suggestion that is open to the group can be put to a vote."))
    if _open_polls(session, Poll.proposal_id == proposal.id):
        raise DomainError(_("There is already a poll on this suggestion."))
    return _open_poll(
        session,
        study=questionnaire.study,
        questionnaire=questionnaire,
        subject=PollSubject.PROPOSAL,
        proposal=proposal,
        opened_by=opened_by,
        deadline=deadline,
        now=now,
    )


def open_publish_poll(
    session: Session,
    *,
    questionnaire: Questionnaire,
    opened_by: User,
    deadline: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Poll:
    """Ask the group whether to publish the draft as the next version, saying why."""
    if _open_polls(
        session,
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.PUBLISH,
    ):
        raise DomainError(_("There is already a poll on publishing this questionnaire."))
    return _open_poll(
        session,
        study=questionnaire.study,
        questionnaire=questionnaire,
        subject=PollSubject.PUBLISH,
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


def open_rule_poll(
    session: Session,
    *,
    study: Study,
    settings: DecisionSettings,
    opened_by: User,
    deadline: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Poll:
    """Ask the group to change how it decides (decided under the rule in force), saying why."""
    settings.rule.check()
    if _open_polls(session, Poll.study_id == study.id, Poll.subject == PollSubject.RULE_CHANGE):
        raise DomainError(_("There is already a poll on changing the rule."))
    return _open_poll(
        session,
        study=study,
        questionnaire=None,
        subject=PollSubject.RULE_CHANGE,
        proposed_rule=settings.as_json(),
        opened_by=opened_by,
        deadline=deadline,
        now=now,
        reason=reason,
    )


# Voting ---------------------------------------------------------------------------------


def derive_voter_key(secret_key: str | bytes) -> bytes:
    """Derive the key for anonymous ballots from the app's secret key (not the key itself)."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, b"peer-research anonymous ballots v1", hashlib.sha256).digest()


def _ballot_key(voter_key: bytes, poll_id: int, user_id: int) -> str:
    return hmac.new(voter_key, f"{poll_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def _lock_open_poll(session: Session, poll: Poll, now: datetime) -> None:
    """Hold the poll's row while voting, and refuse a poll that has closed or run out.

    The conditional UPDATE serialises a vote with a close: whichever comes second sees
    the other's result.
    """
    result = session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None), Poll.deadline > now)
        .values(id=Poll.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(_("This poll has closed, so votes can no longer be cast or changed."))


def cast_vote(
    session: Session,
    *,
    poll: Poll,
    voter: User,
    position: Position | str,
    reason: str | None = None,
    voter_key: bytes | None = None,
    now: datetime | None = None,
) -> Decision | None:
    """Cast or change one's vote; return the decision if this vote closed the poll.

    Voting again changes the vote (one person, one vote). A block needs a reason. Anonymous
    polls need `voter_key` (see `derive_voter_key`). When everyone who may vote has voted,
    the poll closes at once.
    """
    now = now or utcnow()
    try:
        position = Position(position)
    except ValueError:
        raise DomainError(
            _("Choose agree, abstain, disagree or block."), field="position"
        ) from None
    reason = (reason or "").strip()
    if poll.closed_at is not None:
        raise DomainError(_("This poll has closed, so votes can no longer be cast or changed."))
    voter_row = session.get(PollVoter, (poll.id, voter.id))
    if voter_row is None:
        raise DomainError(
            _("Only the members of the design group when this poll opened can vote in it.")
        )
    if position == Position.BLOCK and not reason:
        raise DomainError(_("Say why you block this, so the group can respond."), field="reason")
    _lock_open_poll(session, poll, now)
    if poll.anonymous:
        if not voter_key:
            raise ValueError("an anonymous poll needs the voter key")
        key = _ballot_key(voter_key, poll.id, voter.id)
        ballot = session.get(AnonymousBallot, (poll.id, key))
        if ballot is None:
            session.add(
                AnonymousBallot(poll_id=poll.id, ballot_key=key, position=position, reason=reason)
            )
        else:
            ballot.position, ballot.reason = position, reason
    else:
        vote = session.scalar(
            sa.select(Vote).where(Vote.poll_id == poll.id, Vote.user_id == voter.id)
        )
        if vote is None:
            session.add(
                Vote(
                    poll_id=poll.id, user_id=voter.id, position=position, reason=reason, cast_at=now
                )
            )
        else:
            vote.position, vote.reason, vote.changed_at = position, reason, now
    changed = voter_row.voted_at is not None
    if not changed:
        voter_row.voted_at = now
    session.flush()
    detail = {"poll_id": poll.id, "changed": changed}
    if not poll.anonymous:
        detail["position"] = position.value
    record(session, Action.VOTE_CAST, actor=voter, study=_study(session, poll), detail=detail)
    if everyone_voted(session, poll):
        return close_poll(session, poll=poll, now=now)
    return None


def latest_poll(session: Session, proposal: Proposal) -> Poll | None:
    """Return the newest poll on a proposal."""
    query = sa.select(Poll).where(Poll.proposal_id == proposal.id).order_by(Poll.id.desc())
    return session.scalars(query.limit(1)).first()


def decision_of(session: Session, poll: Poll) -> Decision | None:
    """Return the decision a closed poll recorded."""
    return session.scalar(sa.select(Decision).where(Decision.poll_id == poll.id))


def everyone_voted(session: Session, poll: Poll) -> bool:
    """Tell whether every person who may vote has voted."""
    waiting = sa.select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
    return not session.scalar(sa.select(waiting.exists()))


def poll_voters(session: Session, poll: Poll) -> list[PollVoter]:
    """Return who may vote and whether each has voted (never how), for reminders."""
    query = sa.select(PollVoter).where(PollVoter.poll_id == poll.id).order_by(PollVoter.user_id)
    return list(session.scalars(query))


def not_yet_voted(session: Session, poll: Poll) -> list[User]:
    """Return the people who may vote and have not yet (to remind them)."""
    query = (
        sa.select(User)
        .join(PollVoter, PollVoter.user_id == User.id)
        .where(PollVoter.poll_id == poll.id, PollVoter.voted_at.is_(None))
        .order_by(User.display_name, User.id)
    )
    return list(session.scalars(query))


def has_voted(session: Session, *, poll: Poll, user: User) -> bool:
    """Tell whether a person has voted in a poll."""
    row = session.get(PollVoter, (poll.id, user.id))
    return row is not None and row.voted_at is not None


def named_votes(session: Session, poll: Poll) -> list[Vote]:
    """Return who voted how in a named poll (an anonymous poll has none to show)."""
    if poll.anonymous:
        return []
    query = sa.select(Vote).where(Vote.poll_id == poll.id).join(Vote.user)
    return list(session.scalars(query.order_by(User.display_name, Vote.id)))


def my_named_vote(session: Session, *, poll: Poll, user: User) -> Vote | None:
    """Return a person's own vote in a named poll.

    In an anonymous poll the app cannot show anyone their earlier vote, their own
    included: that would need a link from the person to the ballot. They can vote again.
    """
    if poll.anonymous:
        return None
    return session.scalar(sa.select(Vote).where(Vote.poll_id == poll.id, Vote.user_id == user.id))


def _positions(session: Session, poll: Poll) -> list[Position]:
    model = AnonymousBallot if poll.anonymous else Vote
    return list(session.scalars(sa.select(model.position).where(model.poll_id == poll.id)))


def poll_counts(session: Session, poll: Poll) -> rules.Counts | None:
    """Return the counts so far; None for an anonymous poll that is still open."""
    if poll.anonymous and poll.is_open:
        return None
    return rules.count(_positions(session, poll), len(poll.voters))


def anonymous_reasons(session: Session, poll: Poll) -> list[str]:
    """Return the reasons given in a closed anonymous poll, without names, in text order."""
    if not poll.anonymous or poll.is_open:
        return []
    query = sa.select(AnonymousBallot.position, AnonymousBallot.reason).where(
        AnonymousBallot.poll_id == poll.id, AnonymousBallot.reason != ""
    )
    return sorted(f"{position.value}: {reason}" for position, reason in session.execute(query))


def _study(session: Session, poll: Poll) -> Study:
    return session.get_one(Study, poll.study_id)


# Closing --------------------------------------------------------------------------------


def _claim_close(session: Session, poll: Poll, now: datetime) -> bool:
    """Mark the poll closed if nobody else has; tell whether this caller did."""
    result = session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(poll, ["closed_at"])
    return result.rowcount == 1


def close_poll(
    session: Session,
    *,
    poll: Poll,
    now: datetime,
    closed_by: User | None = None,
    statement: str | None = None,
) -> Decision | None:
    """Close a poll that is due, record its decision and apply an accepted change in one step.

    A poll is due at its deadline or once everyone has voted. Returns None when someone
    else closed it first (only one close ever records a decision or changes the draft).
    """
    if poll.closed_at is not None:
        return None
    if now < poll.deadline and not everyone_voted(session, poll):
        raise DomainError(
            _("This poll stays open until its closing time or until everyone has voted.")
        )
    if not _claim_close(session, poll, now):
        return None
    rule = rules.Rule(poll.rule_kind, poll.consent_threshold, poll.quorum)
    result = rules.tally(rule, _positions(session, poll), len(poll.voters))
    if poll.subject == PollSubject.PROPOSAL:
        decision = _decide_proposal(session, poll, result, closed_by, statement, now)
    elif poll.subject == PollSubject.PUBLISH:
        decision = _decide_publish(session, poll, result, closed_by, statement, now)
    else:
        decision = _decide_rule(session, poll, result, closed_by, statement, now)
    study = _study(session, poll)
    record(
        session,
        Action.POLL_CLOSED,
        actor=closed_by,
        study=study,
        detail={"poll_id": poll.id, **result.counts.as_dict()},
    )
    record(
        session,
        Action.DECISION_RECORDED,
        actor=closed_by,
        study=study,
        detail={
            "decision_id": decision.id,
            "poll_id": poll.id,
            "outcome": decision.outcome.value,
            "applied": decision.applied,
        },
    )
    signals.decision_recorded.send(session, decision=decision)
    return decision


def close_due_polls(session: Session, now: datetime) -> list[Decision]:
    """Close every poll past its deadline or with everyone voted (for a scheduler or hook)."""
    waiting = (
        sa.select(PollVoter)
        .where(PollVoter.poll_id == Poll.id, PollVoter.voted_at.is_(None))
        .exists()
    )
    due = _open_polls(session, sa.or_(Poll.deadline <= now, ~waiting))
    decisions = []
    for poll in due:
        decision = close_poll(session, poll=poll, now=now)
        if decision is not None:
            decisions.append(decision)
    return decisions


def _write_decision(
    session: Session,
    poll: Poll,
    result: rules.Outcome,
    *,
    applied: bool,
    note: str,
    closed_by: User | None,
    statement: str | None,
    now: datetime,
    change: dict,
) -> Decision:
    """Add the decision of a closed poll to the log."""
    reason = f"{result.reason} {note}".strip()
    decision = Decision(
        entry_kind=EntryKind.POLL,
        study_id=poll.study_id,
        questionnaire_id=poll.questionnaire_id,
        poll_id=poll.id,
        proposal_id=poll.proposal_id,
        outcome=Outcome.ACCEPTED if result.accepted else Outcome.REJECTED,
        applied=applied,
        reason=reason,
        statement=(statement or "").strip() or reason,
        counts=result.counts.as_dict(),
        change=change,
        decided_at=now,
        decided_by_id=closed_by.id if closed_by else None,
    )
    session.add(decision)
    session.flush()
    return decision


def _decide_proposal(session, poll, result, closed_by, statement, now) -> Decision:
    """Record a proposal's decision; apply it to the draft if accepted and still current."""
    proposal = session.get_one(Proposal, poll.proposal_id)
    applied, note = False, ""
    if result.accepted and proposal.state == ProposalState.OPEN:
        try:
            with session.begin_nested():  # all of the change, or none of it
                apply_proposal(session, proposal=proposal)
            applied, note = True, _("The change was made to the draft.")
        except DomainError as error:
            note = _(
                "The change could not be made, so nothing was changed: %(problem)s "
                "The suggestion needs an update.",
                problem=error.message,
            )
    elif result.accepted:
        note = _("The question changed before the poll closed, so nothing was changed.")
    decision = _write_decision(
        session,
        poll,
        result,
        applied=applied,
        note=note,
        closed_by=closed_by,
        statement=statement,
        now=now,
        change=change_record(proposal),
    )
    if applied:
        proposal.accept()
        questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
        mark_linked_needs_update(
            session,
            questionnaire=questionnaire,
            names=changed_names(proposal),
            decision_id=decision.id,
        )
    elif result.accepted:
        if proposal.state != ProposalState.NEEDS_UPDATE:
            proposal.mark_needs_update(decision.id)
    else:
        proposal.reject()
    session.flush()
    return decision


def _decide_publish(session, poll, result, closed_by, statement, now) -> Decision:
    """Record a publish decision; publish the draft as the next version if accepted."""
    applied, note, change = False, "", {}
    if result.accepted:
        questionnaire = session.get_one(Questionnaire, poll.questionnaire_id)
        try:
            with session.begin_nested():
                version = drafts.publish_version(
                    session, questionnaire=questionnaire, published_by=closed_by
                )
            applied, change = True, {"version": version.number}
            note = _("Version %(number)s was published.", number=version.number)
        except drafts.PublishRefusedError as error:
            problems = "; ".join(problem.message for problem in error.problems[:3])
            note = _(
                "The draft could not be published, so nothing was published: %(problems)s",
                problems=problems,
            )
    return _write_decision(
        session,
        poll,
        result,
        applied=applied,
        note=note,
        closed_by=closed_by,
        statement=statement,
        now=now,
        change=change,
    )


def _decide_rule(session, poll, result, closed_by, statement, now) -> Decision:
    """Record a rule-change decision; put the new rule in force if accepted."""
    note = _("The new rule is in force.") if result.accepted else ""
    decision = _write_decision(
        session,
        poll,
        result,
        applied=result.accepted,
        note=note,
        closed_by=closed_by,
        statement=statement,
        now=now,
        change=dict(poll.proposed_rule or {}),
    )
    if result.accepted:
        set_decision_rule(
            session,
            study=_study(session, poll),
            settings=DecisionSettings.from_json(poll.proposed_rule or {}),
            set_by=closed_by,
            decision=decision,
        )
    return decision


def cancel_polls_of(
    session: Session, *, proposal: Proposal, cancelled_by: User, now: datetime
) -> list[Decision]:
    """Close the open polls on a withdrawn proposal, recording that nothing was decided."""
    decisions = []
    for poll in _open_polls(session, Poll.proposal_id == proposal.id):
        if not _claim_close(session, poll, now):
            continue
        counts = rules.count(_positions(session, poll), len(poll.voters))
        reason = _("The suggestion was withdrawn before the poll closed, so nothing was decided.")
        decision = Decision(
            entry_kind=EntryKind.POLL,
            study_id=poll.study_id,
            questionnaire_id=poll.questionnaire_id,
            poll_id=poll.id,
            proposal_id=proposal.id,
            outcome=Outcome.CANCELLED,
            applied=False,
            reason=reason,
            statement=reason,
            counts=counts.as_dict(),
            change=change_record(proposal),
            decided_at=now,
            decided_by_id=cancelled_by.id,
        )
        session.add(decision)
        session.flush()
        record(
            session,
            Action.POLL_CLOSED,
            actor=cancelled_by,
            study=_study(session, poll),
            detail={"poll_id": poll.id, "cancelled": True},
        )
        signals.decision_recorded.send(session, decision=decision)
        decisions.append(decision)
    return decisions
