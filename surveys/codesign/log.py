"""The decision log: every change to a draft with its proposal, votes and outcome.

There is no way to change the draft that bypasses it: accepted proposals and publishing
are written by `polls.close_poll`, and a facilitator's direct edit (when the study allows
direct edits at all) is written by `record_direct_edit`, marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from peer_research.studies.services import get_membership
from surveys import definition as d
from surveys.codesign import signals
from surveys.codesign.models import (
    ChangeKind,
    Decision,
    EntryKind,
    Outcome,
    Poll,
    PollSubject,
    Position,
    Proposal,
)
from surveys.codesign.polls import anonymous_reasons, named_votes
from surveys.codesign.proposals import item_content, mark_linked_needs_update
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


def decision_log(session: Session, questionnaire: Questionnaire) -> list[LogEntry]:
    """Return the questionnaire's decision log, oldest first."""
    query = (
        sa.select(Decision)
        .where(Decision.questionnaire_id == questionnaire.id)
        .order_by(Decision.decided_at, Decision.id)
    )
    return [_entry(session, decision) for decision in session.scalars(query)]


def _entry(session: Session, decision: Decision) -> LogEntry:
    poll: Poll | None = decision.poll
    votes: tuple[VoteLine, ...] = ()
    reasons: tuple[str, ...] = ()
    if poll is not None and poll.anonymous:
        reasons = tuple(anonymous_reasons(session, poll))
    elif poll is not None:
        votes = tuple(
            VoteLine(vote.user.display_name, vote.position, vote.reason)
            for vote in named_votes(session, poll)
        )
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


def record_direct_edit(
    session: Session,
    *,
    questionnaire: Questionnaire,
    editor: User,
    kind: ChangeKind,
    name: str,
    before: d.Item | None,
    after: d.Item | None,
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    """Log a facilitator's direct change to the draft, marked as such.

    The editor calls this in the same transaction as the change itself. Live proposals
    about the item are marked as needing an update, as after an accepted proposal.
    """
    check_direct_edit_allowed(session, questionnaire=questionnaire, editor=editor)
    kind = ChangeKind(kind)
    reason = _("Changed directly by a facilitator, without a poll.")
    decision = Decision(
        entry_kind=EntryKind.DIRECT_EDIT,
        study_id=questionnaire.study_id,
        questionnaire_id=questionnaire.id,
        outcome=Outcome.ACCEPTED,
        applied=True,
        reason=reason,
        statement=note.strip() or reason,
        counts={},
        change={
            "kind": kind.value,
            "name": name,
            "before": item_content(before) if before is not None else None,
            "after": item_content(after) if after is not None else None,
        },
        decided_at=now or utcnow(),
        decided_by_id=editor.id,
    )
    session.add(decision)
    session.flush()
    names = {name} | ({after.name} if after is not None else set())
    mark_linked_needs_update(
        session, questionnaire=questionnaire, names=names, decision_id=decision.id
    )
    record(
        session,
        Action.DIRECT_EDIT_RECORDED,
        actor=editor,
        study=questionnaire.study,
        detail={"decision_id": decision.id, "kind": kind.value, "item": name},
    )
    signals.decision_recorded.send(session, decision=decision)
    return decision
