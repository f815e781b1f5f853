"""How a group decides: the decision rules and the tally, as pure functions.

One person, one vote, whatever their role. The rules, exactly:

- **consent** (threshold N percent): accepted when nobody blocks, at least one person
  agrees, and agree / (agree + disagree) is at least N%. Abstentions count as votes cast
  but not in that share. Computed in whole numbers (100 * agree >= N * (agree + disagree)),
  so exactly N% is accepted.
- **majority**: accepted when more people agree than disagree. A tie is not accepted.
  A block has no veto under this rule: it counts as a vote against.
- **quorum** (Q people): accepted when at least Q eligible people voted (any position,
  abstain included) and the majority rule above is met.

Nobody voting means nothing is accepted, whatever the rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from peer_research.errors import DomainError
from surveys.codesign.models import Position, RuleKind

DEFAULT_CONSENT_THRESHOLD = 75


@dataclass(frozen=True)
class Rule:
    """A decision rule and its numbers."""

    kind: RuleKind
    consent_threshold: int = DEFAULT_CONSENT_THRESHOLD  # percent, for consent
    quorum: int | None = None  # people, for quorum

    def check(self) -> Rule:
        """Return the rule, or raise a plain error if its numbers make no sense."""
        if not 1 <= self.consent_threshold <= 100:
            raise DomainError(
                _("The share that must agree is a percentage from 1 to 100."),
                field="consent_threshold",
            )
        if self.kind == RuleKind.QUORUM and (self.quorum is None or self.quorum < 1):
            raise DomainError(_("Say how many people must vote (at least 1)."), field="quorum")
        return self

    def describe(self) -> str:
        """Return the rule in plain words."""
        if self.kind == RuleKind.CONSENT:
            return _(
                "Agreed when nobody blocks and at least %(percent)s%% of those who agree or "
                "disagree agree.",
                percent=self.consent_threshold,
            )
        if self.kind == RuleKind.MAJORITY:
            return _("Agreed when more people agree than disagree. A tie is not agreed.")
        return _(
            "Agreed when at least %(quorum)s people vote and more agree than disagree.",
            quorum=self.quorum,
        )


DEFAULT_RULE = Rule(RuleKind.CONSENT)


@dataclass(frozen=True)
class Counts:
    """How many people took each position, and how many could vote."""

    agree: int = 0
    abstain: int = 0
    disagree: int = 0
    block: int = 0
    eligible: int = 0

    @property
    def voted(self) -> int:
        """Return how many people voted, in any position."""
        return self.agree + self.abstain + self.disagree + self.block

    def as_dict(self) -> dict[str, int]:
        """Return the counts as JSON-ready data."""
        return {
            "agree": self.agree,
            "abstain": self.abstain,
            "disagree": self.disagree,
            "block": self.block,
            "voted": self.voted,
            "eligible": self.eligible,
        }


@dataclass(frozen=True)
class Outcome:
    """What a tally decided, why in plain words, and the counts."""

    accepted: bool
    reason: str
    counts: Counts


def count(positions: Iterable[Position], eligible_count: int) -> Counts:
    """Count positions (one per voter)."""
    tally_of = Counter(Position(position) for position in positions)
    return Counts(
        agree=tally_of[Position.AGREE],
        abstain=tally_of[Position.ABSTAIN],
        disagree=tally_of[Position.DISAGREE],
        block=tally_of[Position.BLOCK],
        eligible=eligible_count,
    )


def tally(rule: Rule, votes: Iterable[Position], eligible_count: int) -> Outcome:
    """Decide a poll under a rule from its votes (one position per voter)."""
    counts = count(votes, eligible_count)
    if counts.voted == 0:
        return Outcome(False, _("Nobody voted."), counts)
    if rule.kind == RuleKind.CONSENT:
        return _consent(rule, counts)
    if rule.kind == RuleKind.QUORUM:
        quorum = rule.quorum or 0
        if counts.voted < quorum:
            return Outcome(
                False,
                ngettext(
                    "Not enough people voted: %(voted)s voted and at least %(num)s must.",
                    "Not enough people voted: %(voted)s voted and at least %(num)s must.",
                    quorum,
                    voted=counts.voted,
                ),
                counts,
            )
    return _majority(counts)


def _consent(rule: Rule, counts: Counts) -> Outcome:
    if counts.block:
        return Outcome(
            False,
            ngettext("%(num)s person blocked it.", "%(num)s people blocked it.", counts.block),
            counts,
        )
    if counts.agree == 0:
        return Outcome(False, _("Nobody agreed."), counts)
    share_met = 100 * counts.agree >= rule.consent_threshold * (counts.agree + counts.disagree)
    if not share_met:
        return Outcome(
            False,
            _(
                "Fewer than %(percent)s%% of those who agreed or disagreed agreed "
                "(%(agree)s agreed, %(disagree)s disagreed).",
                percent=rule.consent_threshold,
                agree=counts.agree,
                disagree=counts.disagree,
            ),
            counts,
        )
    return Outcome(
        True,
        _(
            "Nobody blocked and at least %(percent)s%% agreed "
            "(%(agree)s agreed, %(disagree)s disagreed).",
            percent=rule.consent_threshold,
            agree=counts.agree,
            disagree=counts.disagree,
        ),
        counts,
    )


def _majority(counts: Counts) -> Outcome:
    against = counts.disagree + counts.block  # a block has no veto here: it is a vote against
    if counts.agree == 0 and against == 0:
        return Outcome(False, _("Nobody agreed or disagreed."), counts)
    if counts.agree > against:
        return Outcome(
            True,
            _(
                "More people agreed than disagreed (%(agree)s to %(against)s).",
                agree=counts.agree,
                against=against,
            ),
            counts,
        )
    if counts.agree == against:
        return Outcome(
            False,
            _(
                "It was a tie (%(agree)s to %(against)s), and a tie is not agreed.",
                agree=counts.agree,
                against=against,
            ),
            counts,
        )
    return Outcome(
        False,
        _(
            "More people disagreed than agreed (%(against)s to %(agree)s).",
            agree=counts.agree,
            against=against,
        ),
        counts,
    )
