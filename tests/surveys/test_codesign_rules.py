"""Decision rules: consent, majority and quorum, tallied as pure functions."""

from __future__ import annotations

import pytest

from peer_research.errors import DomainError
from surveys.codesign.models import Position, RuleKind
from surveys.codesign.rules import Rule, tally

A, AB, D, B = Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK


pytestmark = pytest.mark.usefixtures("app_context")


def test_consent_with_a_single_block_is_not_accepted():
    outcome = tally(Rule(RuleKind.CONSENT, 50), [A, A, A, A, B], eligible_count=6)
    assert not outcome.accepted
    assert "blocked" in outcome.reason
    assert outcome.counts.block == 1
    assert outcome.counts.voted == 5
    assert outcome.counts.eligible == 6


def test_consent_threshold_exactly_met_is_accepted_and_just_below_is_not():
    rule = Rule(RuleKind.CONSENT, 75)
    exactly = tally(rule, [A, A, A, D], eligible_count=4)  # 3 of 4 = 75%
    assert exactly.accepted
    assert "75%" in exactly.reason
    below = tally(rule, [A, A, D, D, A, A, A, D], eligible_count=8)  # 5 of 8 = 62.5%
    assert not below.accepted
    assert "Fewer than 75%" in below.reason
    two_thirds = tally(Rule(RuleKind.CONSENT, 67), [A, A, D], eligible_count=3)  # 66.67% < 67%
    assert not two_thirds.accepted


def test_consent_leaves_abstentions_out_of_the_share_but_needs_someone_to_agree():
    assert tally(Rule(RuleKind.CONSENT, 100), [A, AB, AB, AB], eligible_count=4).accepted
    nobody = tally(Rule(RuleKind.CONSENT, 50), [AB, AB], eligible_count=4)
    assert not nobody.accepted
    assert nobody.reason == "Nobody agreed."


def test_majority_tie_is_not_accepted():
    outcome = tally(Rule(RuleKind.MAJORITY), [A, A, D, D, AB], eligible_count=5)
    assert not outcome.accepted
    assert "tie" in outcome.reason


def test_majority_counts_a_block_as_a_vote_against_without_a_veto():
    assert tally(Rule(RuleKind.MAJORITY), [A, A, A, B], eligible_count=4).accepted
    assert not tally(Rule(RuleKind.MAJORITY), [A, B], eligible_count=2).accepted
    assert not tally(Rule(RuleKind.MAJORITY), [AB, AB], eligible_count=2).accepted


def test_quorum_not_met_is_not_accepted_even_when_everyone_agrees():
    rule = Rule(RuleKind.QUORUM, quorum=4)
    outcome = tally(rule, [A, A, A], eligible_count=10)
    assert not outcome.accepted
    assert outcome.reason == "Not enough people voted: 3 voted and at least 4 must."


def test_quorum_counts_abstentions_and_then_needs_a_majority():
    rule = Rule(RuleKind.QUORUM, quorum=4)
    assert tally(rule, [A, A, AB, AB], eligible_count=10).accepted
    assert not tally(rule, [A, D, AB, AB], eligible_count=10).accepted


def test_nobody_voting_accepts_nothing_under_any_rule():
    for rule in (Rule(RuleKind.CONSENT), Rule(RuleKind.MAJORITY), Rule(RuleKind.QUORUM, quorum=1)):
        outcome = tally(rule, [], eligible_count=3)
        assert not outcome.accepted
        assert outcome.reason == "Nobody voted."


def test_rule_numbers_are_checked():
    with pytest.raises(DomainError, match="percentage"):
        Rule(RuleKind.CONSENT, 0).check()
    with pytest.raises(DomainError, match="how many people must vote"):
        Rule(RuleKind.QUORUM).check()
    assert Rule(RuleKind.MAJORITY).check().describe().startswith("Agreed when more people")
