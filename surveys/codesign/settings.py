"""How the group decides: who is in the design group, the rule in force and its history.

The rule lives in append-only `decision_rules` rows: a facilitator sets it up once; after
that it changes only by an accepted rule poll (`versions.suggest_rule` opens one). The
rules themselves (consent, majority, quorum) are pure functions in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.errors import DomainError
from peer_research.studies.models import Membership, MembershipRole, Role, Study
from peer_research.studies.services import get_membership
from surveys.codesign import rules
from surveys.codesign.models import Decision, DecisionRule, Outcome, PollSubject, RuleKind

# Everyone in the design group has an equal voice: only support leads are outside it.
DESIGN_GROUP_ROLES = frozenset(
    {Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER}
)


def design_group_user_ids(session: Session, study: Study) -> list[int]:
    """Return the ids of the study's members who are in its design group."""
    query = (
        sa.select(Membership.user_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.study_id == study.id, MembershipRole.role.in_(DESIGN_GROUP_ROLES))
        .distinct()
        .order_by(Membership.user_id)
    )
    return list(session.scalars(query))


def require_design_member(session: Session, *, study: Study, user: User) -> Membership:
    """Return the user's membership, or refuse someone outside the study's design group."""
    membership = get_membership(session, study=study, user=user)
    if membership is None or not membership.has_any_role(DESIGN_GROUP_ROLES):
        raise DomainError(_("Only members of this study's design group can do this."))
    return membership


@dataclass(frozen=True)
class DecisionSettings:
    """How a study decides: its rule, whether polls are anonymous, whether direct edits exist."""

    rule: rules.Rule = rules.DEFAULT_RULE
    anonymous_polls: bool = False
    allow_direct_edits: bool = False
    setting: DecisionRule | None = None  # the row in force (None: the defaults, never set)

    def as_json(self) -> dict:
        """Return the settings as JSON-ready data (for a rule-change poll)."""
        return {
            "kind": self.rule.kind.value,
            "consent_threshold": self.rule.consent_threshold,
            "quorum": self.rule.quorum,
            "anonymous_polls": self.anonymous_polls,
            "allow_direct_edits": self.allow_direct_edits,
        }

    @classmethod
    def from_json(cls, data: dict) -> DecisionSettings:
        """Rebuild settings from `as_json` data."""
        return cls(
            rule=rules.Rule(RuleKind(data["kind"]), data["consent_threshold"], data["quorum"]),
            anonymous_polls=data["anonymous_polls"],
            allow_direct_edits=data["allow_direct_edits"],
        )


def decision_settings(session: Session, study: Study) -> DecisionSettings:
    """Return the study's settings in force (consent at 75%, named polls, no direct edits,
    until the study sets its own)."""
    row = session.scalar(
        sa.select(DecisionRule)
        .where(DecisionRule.study_id == study.id)
        .order_by(DecisionRule.id.desc())
        .limit(1)
    )
    if row is None:
        return DecisionSettings()
    return DecisionSettings(
        rule=rules.Rule(row.kind, row.consent_threshold, row.quorum),
        anonymous_polls=row.anonymous_polls,
        allow_direct_edits=row.allow_direct_edits,
        setting=row,
    )


def rule_history(session: Session, study: Study) -> list[DecisionRule]:
    """Return every setting of the study's rule, oldest first."""
    query = sa.select(DecisionRule).where(DecisionRule.study_id == study.id)
    return list(session.scalars(query.order_by(DecisionRule.id)))


def set_decision_rule(
    session: Session,
    *,
    study: Study,
    settings: DecisionSettings,
    set_by: User | None,
    decision: Decision | None = None,
) -> DecisionRule:
    """Put new decision settings in force, recording who and which decision.

    The first setting may be made by a facilitator alone (`decision` None); every later
    change needs the accepted rule-change decision that authorised it.
    """
    settings.rule.check()
    first = decision_settings(session, study).setting is None
    if decision is None:
        membership = get_membership(session, study=study, user=set_by) if set_by else None
        if not first:
            raise DomainError(
                _("The group decides how it decides: open a poll to change the rule.")
            )
        if membership is None or Role.FACILITATOR not in membership.roles:
            raise DomainError(_("Only a facilitator can set up how the group decides."))
    elif not (
        decision.study_id == study.id
        and decision.outcome == Outcome.ACCEPTED
        and decision.poll is not None
        and decision.poll.subject == PollSubject.RULE_CHANGE
    ):
        raise DomainError(_("That decision did not agree this change of rule."))
    row = DecisionRule(
        study_id=study.id,
        kind=settings.rule.kind,
        consent_threshold=settings.rule.consent_threshold,
        quorum=settings.rule.quorum,
        anonymous_polls=settings.anonymous_polls,
        allow_direct_edits=settings.allow_direct_edits,
        set_by_id=set_by.id if set_by else None,
        decision_id=decision.id if decision else None,
    )
    session.add(row)
    session.flush()
    record(
        session,
        Action.DECISION_RULE_CHANGED,
        actor=set_by,
        study=study,
        detail={**settings.as_json(), "decision_id": decision.id if decision else None},
    )
    return row


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
            rule=rules.Rule(self.row.kind, self.row.consent_threshold, self.row.quorum),
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
