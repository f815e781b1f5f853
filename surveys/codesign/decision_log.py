"""The decision log: every change to a draft with its proposal, votes and outcome.

There is no way to change the draft that bypasses it: accepted proposals and publishing
are written by `decisions.close_poll`, and a facilitator's direct edit (when the study allows
direct edits at all) is written by `apply_directly`, marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from peer_research.studies.services import get_membership
from surveys.codesign import first_draft, signals
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
    Position,
    Proposal,
    ProposalState,
    Vote,
)
from surveys.codesign.polls import anonymous_reasons_of
from surveys.codesign.settings import decision_settings
from surveys.models import Questionnaire


@dataclass(frozen=True)
class VoteLine:
    """One named vote as the log shows it."""

    name: str
    position: Position
    reason: str


@dataclass(frozen=True)
class LogEntry:
    """One entry of the decision log."""

    decision: Decision
    kind: EntryKind
    decided_at: datetime
    outcome: Outcome
    applied: bool
    statement: str
    reason: str
    counts: dict[str, int]
    change: dict[str, Any]
    subject: PollSubject | None
    proposal: Proposal | None
    anonymous: bool
    decided_by: str | None  # the closer's or direct editor's name; None: closed by itself
    votes: tuple[VoteLine, ...] = ()  # named polls only
    reasons: tuple[str, ...] = field(default=())  # anonymous polls: reasons without names

    @property
    def direct_edit(self) -> bool:
        """Tell whether a facilitator made this change without a poll."""
        return self.kind == EntryKind.DIRECT_EDIT

    @property
    def first_draft_edit(self) -> bool:
        """Tell whether a named builder of the first draft made this change directly."""
        return self.kind == EntryKind.FIRST_DRAFT


def decision_log(
    session: Session,
    questionnaire: Questionnaire,
    *,
    newest_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[LogEntry]:
    """Return a stretch of the questionnaire's decision log, oldest (or newest) first."""
    order = (Decision.decided_at, Decision.id)
    query = (
        sa.select(Decision)
        .where(Decision.questionnaire_id == questionnaire.id)
        .order_by(*(column.desc() for column in order) if newest_first else order)
        .offset(offset)
        .limit(limit)
    )
    return log_entries(session, list(session.scalars(query)))


def log_entries(session: Session, decisions: list[Decision]) -> list[LogEntry]:
    """Return the log entries of these decisions, with every poll's votes in two queries."""
    polls = [decision.poll for decision in decisions if decision.poll is not None]
    votes = _named_votes_of(session, [poll for poll in polls if not poll.anonymous])
    reasons = anonymous_reasons_of(session, polls)
    return [
        _entry(decision, votes.get(decision.poll_id, ()), reasons.get(decision.poll_id, ()))
        for decision in decisions
    ]


def _named_votes_of(session: Session, polls: list[Poll]) -> dict[int, tuple[VoteLine, ...]]:
    """Return each named poll's votes as the log shows them, by poll id."""
    if not polls:
        return {}
    query = (
        sa.select(Vote.poll_id, User.display_name, Vote.position, Vote.reason)
        .join(User, User.id == Vote.user_id)
        .where(Vote.poll_id.in_([poll.id for poll in polls]))
        .order_by(Vote.poll_id, User.display_name, Vote.id)
    )
    found: dict[int, list[VoteLine]] = {}
    for poll_id, name, position, reason in session.execute(query):
        found.setdefault(poll_id, []).append(VoteLine(name, position, reason))
    return {poll_id: tuple(lines) for poll_id, lines in found.items()}


def _entry(decision: Decision, votes: tuple[VoteLine, ...], reasons: tuple[str, ...]) -> LogEntry:
    """Return one decision as the log shows it."""
    poll: Poll | None = decision.poll
    return LogEntry(
        decision=decision,
        kind=decision.entry_kind,
        decided_at=decision.decided_at,
        outcome=decision.outcome,
        applied=decision.applied,
        statement=decision.statement,
        reason=decision.reason,
        counts=dict(decision.counts),
        change=dict(decision.change),
        subject=poll.subject if poll is not None else None,
        proposal=decision.proposal,
        anonymous=poll is not None and poll.anonymous,
        decided_by=decision.decided_by.display_name if decision.decided_by else None,
        votes=votes,
        reasons=reasons,
    )


def check_direct_edit_allowed(
    session: Session, *, questionnaire: Questionnaire, editor: User
) -> None:
    """Refuse a direct edit unless the study allows them and the editor is a facilitator."""
    study = questionnaire.study
    if not decision_settings(session, study).allow_direct_edits:
        raise DomainError(_("This study changes its questionnaire by suggestion and vote only."))
    membership = get_membership(session, study=study, user=editor)
    if membership is None or Role.FACILITATOR not in membership.roles:
        raise DomainError(_("Only a facilitator can change the draft directly."))


def apply_directly(
    session: Session,
    *,
    proposal: Proposal,
    editor: User,
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    """Make one's own draft proposal's change at once, without a poll, logged as a direct edit.

    Only a facilitator of a study that allows direct edits may. The change is applied in
    one savepoint (all of it or none), then logged with the proposal and marked as a direct
    edit; live proposals about the same items are marked as needing an update.
    """
    questionnaire = session.get_one(Questionnaire, proposal.questionnaire_id)
    grant = first_draft.grant_for(session, questionnaire=questionnaire, user=editor)
    if grant is None:
        check_direct_edit_allowed(session, questionnaire=questionnaire, editor=editor)
    if proposal.author_id != editor.id or proposal.state != ProposalState.DRAFT:
        raise DomainError(_("Only your own draft suggestion can be made directly."))
    now = now or utcnow()
    with session.begin_nested():  # all of the change, or none of it
        apply_proposal(session, proposal=proposal)
    proposal.open(now)
    proposal.accept()
    change = change_record(proposal)
    if grant is None:
        reason = _("Changed directly by a facilitator, without a poll.")
    else:  # a named builder of the first draft, under the group's decision
        reason = _(
            "Changed directly while building the first draft, as the group decided on %(day)s.",
            day=format_date(grant.decided_at, format="long"),
        )
        change["first_draft_decision"] = grant.id
    decision = Decision(
        entry_kind=EntryKind.DIRECT_EDIT if grant is None else EntryKind.FIRST_DRAFT,
        study_id=questionnaire.study_id,
        questionnaire_id=questionnaire.id,
        proposal_id=proposal.id,
        outcome=Outcome.ACCEPTED,
        applied=True,
        reason=reason,
        statement=note.strip() or proposal.reason or reason,
        counts={},
        change=change,
        decided_at=now,
        decided_by_id=editor.id,
    )
    session.add(decision)
    session.flush()
    mark_linked_needs_update(
        session,
        questionnaire=questionnaire,
        names=changed_names(proposal),
        decision_id=decision.id,
        exclude=proposal.id,
    )
    record(
        session,
        Action.DIRECT_EDIT_RECORDED,
        actor=editor,
        study=questionnaire.study,
        detail={
            "decision_id": decision.id,
            "proposal_id": proposal.id,
            "kind": proposal.kind.value,
            "item": proposal.target_name,
            "first_draft_decision": grant.id if grant else None,
        },
    )
    signals.decision_recorded.send(session, decision=decision)
    return decision
