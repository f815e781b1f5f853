"""The history of how a study's group decides, as the "How we decide" page shows it:
each setting with who set it and the poll that decided it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.studies.models import Study
from surveys.codesign.models import Decision, DecisionRule
from surveys.codesign.rules import Rule
from surveys.codesign.settings import DecisionSettings, rule_history


@dataclass(frozen=True)
class RuleHistoryEntry:
    """One past setting of the rule: the row, who set it, and the poll that decided it."""

    row: DecisionRule
    set_by: User | None
    poll_id: int | None  # None: set up by a facilitator, without a poll

    @property
    def settings(self) -> DecisionSettings:
        """Return the settings this row held."""
        return DecisionSettings(
            rule=Rule(self.row.kind, self.row.consent_threshold, self.row.quorum),
            anonymous_polls=self.row.anonymous_polls,
            allow_direct_edits=self.row.allow_direct_edits,
        )


def rule_history_entries(session: Session, *, study: Study) -> list[RuleHistoryEntry]:
    """Return every setting of the study's rule, oldest first, with who set it and how."""
    entries = []
    for row in rule_history(session, study):
        decision = session.get(Decision, row.decision_id) if row.decision_id else None
        entries.append(
            RuleHistoryEntry(
                row=row,
                set_by=session.get(User, row.set_by_id) if row.set_by_id else None,
                poll_id=decision.poll_id if decision else None,
            )
        )
    return entries
