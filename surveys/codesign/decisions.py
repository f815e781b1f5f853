"""Closing a poll into a recorded decision, and applying what the group accepted.

A poll closes at its deadline or once everyone has voted; only one close ever records a
decision or changes the draft. A poll on a suggestion that is withdrawn or updated closes
without deciding anything (`cancel_polls_of`).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from surveys import services as drafts
from surveys.codesign import consent_decisions, first_draft, rules, signals
from surveys.codesign.draft_changes import (
    apply_proposal,
    change_record,
    changed_names,
    mark_linked_needs_update,
)
from surveys.codesign.models import (
    Decision,
    EntryKind,
    Outcome,
    Poll,
    PollSubject,
    PollVoter,
    Proposal,
    ProposalState,
)
from surveys.codesign.pictures import remove_unused_pictures
from surveys.codesign.polls import everyone_voted, open_polls_where, positions, study_of
from surveys.codesign.settings import DecisionSettings, set_decision_rule
from surveys.models import Questionnaire


class CancelReason(enum.Enum):
    """Why a poll closed without deciding: its suggestion was withdrawn, or updated."""

    WITHDRAWN = "withdrawn"
    UPDATED = "updated"

    def message(self) -> str:
        """Say in plain words why nothing was decided, as the decision log shows it."""
        if self is CancelReason.UPDATED:
            return _(
                "The suggestion was updated after the question changed, so this poll closed "
                "without deciding; its author can put the updated suggestion to the group "
                "again."
            )
        return _("The suggestion was withdrawn before the poll closed, so nothing was decided.")


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
    result = rules.tally(rule, positions(session, poll), len(poll.voters))
    if poll.subject == PollSubject.PROPOSAL:
        decision = _decide_proposal(session, poll, result, closed_by, statement, now)
    elif poll.subject == PollSubject.PUBLISH:
        decision = _decide_publish(session, poll, result, closed_by, statement, now)
    elif poll.subject == PollSubject.FIRST_DRAFT:
        decision = _decide_first_draft(session, poll, result, closed_by, statement, now)
    elif poll.subject in consent_decisions.CONSENT_SUBJECTS:
        settled = consent_decisions.settle(session, poll=poll, accepted=result.accepted, now=now)
        decision = _write_decision(
            session,
            poll,
            result,
            applied=settled.applied,
            note=settled.note,
            closed_by=closed_by,
            statement=statement,
            now=now,
            change=settled.change,
        )
    else:
        decision = _decide_rule(session, poll, result, closed_by, statement, now)
    study = study_of(session, poll)
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
    due = open_polls_where(session, sa.or_(Poll.deadline <= now, ~waiting))
    decisions = []
    for poll in due:
        decision = close_poll(session, poll=poll, now=now)
        if decision is not None:
            decisions.append(decision)
    return decisions


def _add_decision(
    session: Session,
    poll: Poll,
    *,
    outcome: Outcome,
    applied: bool,
    reason: str,
    statement: str,
    counts: rules.Counts,
    change: dict,
    decided_by: User | None,
    now: datetime,
) -> Decision:
    """Add the decision of a closed poll to the log."""
    decision = Decision(
        entry_kind=EntryKind.POLL,
        study_id=poll.study_id,
        questionnaire_id=poll.questionnaire_id,
        poll_id=poll.id,
        proposal_id=poll.proposal_id,
        outcome=outcome,
        applied=applied,
        reason=reason,
        statement=statement,
        counts=counts.as_dict(),
        change=change,
        decided_at=now,
        decided_by_id=decided_by.id if decided_by else None,
    )
    session.add(decision)
    session.flush()
    return decision


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
    """Add the decision the votes made to the log, with what was done about it."""
    reason = f"{result.reason} {note}".strip()
    return _add_decision(
        session,
        poll,
        outcome=Outcome.ACCEPTED if result.accepted else Outcome.REJECTED,
        applied=applied,
        reason=reason,
        statement=(statement or "").strip() or reason,
        counts=result.counts,
        change=change,
        decided_by=closed_by,
        now=now,
    )


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
        questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
        remove_unused_pictures(session, questionnaire=questionnaire)  # a refused picture
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


def _decide_first_draft(session, poll, result, closed_by, statement, now) -> Decision:
    """Record a decision on who builds the first draft; name them if accepted and unpublished."""
    applied, note = first_draft.decide_builders(session, poll, result.accepted)
    decision = _write_decision(
        session,
        poll,
        result,
        applied=applied,
        note=note,
        closed_by=closed_by,
        statement=statement,
        now=now,
        change={
            "first_draft_builders": list((poll.proposed_rule or {}).get("builders", [])),
            "names": [person.display_name for person in first_draft.builders_asked(session, poll)],
        },
    )
    if applied:
        first_draft.grant(session, decision=decision, poll=poll)
    return decision


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
            study=study_of(session, poll),
            settings=DecisionSettings.from_json(poll.proposed_rule or {}),
            set_by=closed_by,
            decision=decision,
        )
    return decision


def cancel_polls_of(
    session: Session,
    *,
    proposal: Proposal,
    cancelled_by: User,
    now: datetime,
    reason: CancelReason,
) -> list[Decision]:
    """Close the open polls on a withdrawn or updated proposal, saying why nothing was decided."""
    decisions = []
    for poll in open_polls_where(session, Poll.proposal_id == proposal.id):
        decision = cancel_poll(
            session,
            poll=poll,
            cancelled_by=cancelled_by,
            now=now,
            message=reason.message(),
            change=change_record(proposal),
        )
        if decision is not None:
            decisions.append(decision)
    return decisions


def cancel_poll(
    session: Session, *, poll: Poll, cancelled_by: User, now: datetime, message: str, change: dict
) -> Decision | None:
    """Close an open poll without deciding, saying why; None if it had already closed."""
    if not _claim_close(session, poll, now):
        return None
    decision = _add_decision(
        session,
        poll,
        outcome=Outcome.CANCELLED,
        applied=False,
        reason=message,
        statement=message,
        counts=rules.count(positions(session, poll), len(poll.voters)),
        change=change,
        decided_by=cancelled_by,
        now=now,
    )
    record(
        session,
        Action.POLL_CLOSED,
        actor=cancelled_by,
        study=study_of(session, poll),
        detail={"poll_id": poll.id, "cancelled": True},
    )
    signals.decision_recorded.send(session, decision=decision)
    return decision
