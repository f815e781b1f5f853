"""Polls, votes, closing into decisions, applying accepted changes, and the decision log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import (
    AnonymousBallot,
    ChangeKind,
    Decision,
    EntryKind,
    Outcome,
    Poll,
    Position,
    ProposalState,
    RuleKind,
    Vote,
)
from surveys.codesign.rules import Rule

from builders import KEY, age_question, home_question, question, section, set_group_rule

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a study's design group of three and a draft with two questions and a section."""
    return make_design_group(age_question(), home_question(), section("support"))


def _set_rule(db_session, group, rule, *, anonymous=False, direct_edits=False):
    set_group_rule(
        db_session, group, rule=rule, anonymous_polls=anonymous, allow_direct_edits=direct_edits
    )


def _proposal(db_session, group, author=None, *, kind=ChangeKind.CHANGE_ITEM, **change):
    if kind == ChangeKind.CHANGE_ITEM and "item" not in change:
        change["item"] = question("age", d.QuestionType.INTEGER, label={"en": "Your age?"})
        change.setdefault("target_name", "age")
    return codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=author or group.ada,
        kind=kind,
        reason="Because it reads better",
        open_now=True,
        now=NOW,
        **change,
    )


def _poll(db_session, group, proposal=None):
    proposal = proposal or _proposal(db_session, group)
    return codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=group.ada, deadline=DEADLINE, now=NOW
    )


def _vote(db_session, poll, voter, position, reason=None, at=NOW):
    return codesign.cast_vote(
        db_session,
        poll=poll,
        voter=voter,
        position=position,
        reason=reason,
        voter_key=KEY,
        now=at + timedelta(minutes=1),
    )


def _draft_label(db_session, group, name="age"):
    return drafts.draft_definition(db_session, group.questionnaire).find(name).label["en"]


# Voting ----------------------------------------------------------------------------------


def test_eligibility_is_the_design_group_when_the_poll_opens(db_session, group, make_member):
    poll = _poll(db_session, group)
    assert sorted(v.user_id for v in poll.voters) == sorted(u.id for u in group.everyone)
    late = make_member(study=group.study, roles=[Role.CO_RESEARCHER]).user
    for outsider in (group.lee, late):
        with pytest.raises(DomainError, match="Only the members of the design group"):
            _vote(db_session, poll, outsider, Position.AGREE)
    assert len(poll.voters) == 3


def test_voting_again_changes_the_vote_instead_of_adding_one(db_session, group):
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.DISAGREE)
    _vote(db_session, poll, group.ada, Position.AGREE, at=NOW + timedelta(hours=1))
    votes = db_session.scalars(sa.select(Vote).where(Vote.poll_id == poll.id)).all()
    assert [(v.user_id, v.position) for v in votes] == [(group.ada.id, Position.AGREE)]
    assert votes[0].changed_at == NOW + timedelta(hours=1, minutes=1)
    assert codesign.my_named_vote(db_session, poll=poll, user=group.ada).position == Position.AGREE
    assert codesign.poll_counts(db_session, poll).agree == 1
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "vote_cast").order_by(AuditEvent.id)
    ).all()
    assert [e.detail for e in events] == [
        {"poll_id": poll.id, "changed": False, "position": "disagree"},
        {"poll_id": poll.id, "changed": True, "position": "agree"},
    ]


def test_blocking_needs_a_reason(db_session, group):
    poll = _poll(db_session, group)
    with pytest.raises(DomainError, match="Say why you block") as error:
        _vote(db_session, poll, group.pat, Position.BLOCK, reason="  ")
    assert error.value.field == "reason"
    assert not codesign.has_voted(db_session, poll=poll, user=group.pat)
    _vote(db_session, poll, group.pat, Position.BLOCK, reason="It could upset people")
    assert codesign.named_votes(db_session, poll)[0].reason == "It could upset people"


def test_voting_on_a_closed_or_expired_poll_is_refused(db_session, group):
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    with pytest.raises(DomainError, match="This poll has closed"):
        codesign.cast_vote(
            db_session, poll=poll, voter=group.pat, position=Position.AGREE, now=DEADLINE
        )
    codesign.close_poll(db_session, poll=poll, now=DEADLINE)
    with pytest.raises(DomainError, match="This poll has closed"):
        _vote(db_session, poll, group.ada, Position.DISAGREE)
    assert [v.position for v in codesign.named_votes(db_session, poll)] == [Position.AGREE]


def test_an_unknown_position_is_refused(db_session, group):
    poll = _poll(db_session, group)
    with pytest.raises(DomainError, match="Choose agree, stand aside, disagree or block"):
        _vote(db_session, poll, group.ada, "maybe")


# Closing and applying --------------------------------------------------------------------


def test_the_poll_closes_when_everyone_has_voted_and_the_change_is_applied(db_session, group):
    poll = _poll(db_session, group)
    assert _vote(db_session, poll, group.sam, Position.AGREE) is None
    assert _vote(db_session, poll, group.ada, Position.AGREE) is None
    assert codesign.not_yet_voted(db_session, poll) == [group.pat]
    decision = _vote(db_session, poll, group.pat, Position.ABSTAIN)
    assert poll.closed_at is not None
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.applied
    assert decision.counts == {
        "agree": 2,
        "abstain": 1,
        "disagree": 0,
        "block": 0,
        "voted": 3,
        "eligible": 3,
    }
    assert "The change was made to the draft." in decision.statement
    assert _draft_label(db_session, group) == "Your age?"
    assert poll.proposal.state == ProposalState.ACCEPTED
    actions = db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["poll_closed", "decision_recorded"]


def test_a_poll_is_not_closed_early(db_session, group):
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    with pytest.raises(DomainError, match="stays open until its closing time"):
        codesign.close_poll(db_session, poll=poll, now=NOW + timedelta(days=1), closed_by=group.sam)
    assert poll.closed_at is None


def test_a_rejected_proposal_changes_nothing(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.CONSENT, 50))
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.sam, Position.AGREE)
    _vote(db_session, poll, group.ada, Position.AGREE)
    decision = _vote(db_session, poll, group.pat, Position.BLOCK, reason="Age is sensitive")
    assert decision.outcome == Outcome.REJECTED
    assert not decision.applied
    assert decision.reason == "1 person blocked it."
    assert poll.proposal.state == ProposalState.REJECTED
    assert _draft_label(db_session, group) == "How old are you?"


def test_quorum_not_met_at_the_deadline(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.QUORUM, quorum=3))
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    _vote(db_session, poll, group.sam, Position.AGREE)
    [decision] = codesign.close_due_polls(db_session, DEADLINE)
    assert decision.poll_id == poll.id
    assert decision.outcome == Outcome.REJECTED
    assert decision.reason.startswith("Not enough people voted: 2 voted and at least 3 must.")
    assert _draft_label(db_session, group) == "How old are you?"


def test_the_closer_may_write_the_outcome_statement(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    decision = codesign.close_poll(
        db_session, poll=poll, now=DEADLINE, closed_by=group.sam, statement="We ask age plainly."
    )
    assert decision.statement == "We ask age plainly."
    assert decision.reason.startswith("More people agreed than disagreed (1 to 0).")
    assert decision.decided_by_id == group.sam.id


def test_accepting_one_proposal_marks_the_linked_one_as_needing_an_update(db_session, group):
    winner = _proposal(db_session, group)
    other = _proposal(
        db_session,
        group,
        group.pat,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Age in years"}),
    )
    unrelated = _proposal(db_session, group, kind=ChangeKind.REMOVE_ITEM, target_name="home")
    poll = _poll(db_session, group, winner)
    for person in group.everyone:
        decision = _vote(db_session, poll, person, Position.AGREE)
    assert decision.applied
    assert other.state == ProposalState.NEEDS_UPDATE
    assert other.superseded_by_decision_id == decision.id
    assert unrelated.state == ProposalState.OPEN
    shown = codesign.before_after(db_session, proposal=other)
    assert shown.before.label == {"en": "How old are you?"}
    assert shown.current.label == {"en": "Your age?"}  # the new base
    assert shown.after.label == {"en": "Age in years"}
    # Nothing is overwritten silently: the author updates it against the new base.
    codesign.edit_proposal(
        db_session,
        proposal=other,
        editor=group.pat,
        reason="Still clearer",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Your age in years?"}),
    )
    assert other.state == ProposalState.DRAFT
    assert other.base_content["label"] == {"en": "Your age?"}


def test_an_accepted_change_on_a_moved_on_draft_is_recorded_but_not_applied(db_session, group):
    poll = _poll(db_session, group)
    drafts.update_item(
        db_session,
        questionnaire=group.questionnaire,
        name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Age (edited meanwhile)"}),
        expected_revision=1,
        changed_by=group.sam,
    )
    for person in group.everyone:
        decision = _vote(db_session, poll, person, Position.AGREE)
    assert decision.outcome == Outcome.ACCEPTED
    assert not decision.applied
    assert "nothing was changed" in decision.statement
    assert poll.proposal.state == ProposalState.NEEDS_UPDATE
    assert _draft_label(db_session, group) == "Age (edited meanwhile)"


def test_additions_moves_and_removals_are_applied_where_proposed(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    add = _proposal(
        db_session,
        group,
        kind=ChangeKind.ADD_ITEM,
        item=question("pets", label={"en": "Do you have pets?"}),
        before_name="home",
    )
    move = _proposal(
        db_session, group, kind=ChangeKind.MOVE_ITEM, target_name="age", section="support"
    )
    remove = _proposal(db_session, group, kind=ChangeKind.REMOVE_ITEM, target_name="home")
    for proposal in (add, move, remove):
        poll = _poll(db_session, group, proposal)
        _vote(db_session, poll, group.pat, Position.AGREE)
        assert codesign.close_poll(db_session, poll=poll, now=DEADLINE).applied
    draft = drafts.draft_definition(db_session, group.questionnaire)
    assert [item.name for item in draft.items] == ["pets", "support"]
    assert [item.name for item in draft.find("support").items] == ["age"]


def test_closing_twice_decides_once(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    first = codesign.close_poll(db_session, poll=poll, now=DEADLINE)
    second = codesign.close_poll(db_session, poll=poll, now=DEADLINE + timedelta(seconds=1))
    assert first.applied
    assert second is None
    assert codesign.close_due_polls(db_session, DEADLINE + timedelta(days=1)) == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


def test_a_close_that_loses_the_race_changes_nothing(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    poll = _poll(db_session, group)
    _vote(db_session, poll, group.ada, Position.AGREE)
    # Another worker closed it a moment ago; this session's poll object has not seen that.
    db_session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id)
        .values(closed_at=DEADLINE)
        .execution_options(synchronize_session=False)
    )
    assert poll.closed_at is None
    assert codesign.close_poll(db_session, poll=poll, now=DEADLINE) is None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0
    assert _draft_label(db_session, group) == "How old are you?"
    assert poll.proposal.state == ProposalState.OPEN


def test_a_vote_racing_a_close_is_refused(db_session, group):
    poll = _poll(db_session, group)
    db_session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id)
        .values(closed_at=NOW)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError, match="This poll has closed"):
        _vote(db_session, poll, group.ada, Position.AGREE)


def test_decisions_are_append_only(db_session, group):
    poll = _poll(db_session, group)
    for person in group.everyone:
        decision = _vote(db_session, poll, person, Position.AGREE)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.text("UPDATE decisions SET statement = 'x'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.text("DELETE FROM decisions"))
    decision.statement = "Rewritten history"
    with pytest.raises(PermissionError, match="append-only"):
        db_session.flush()


# Anonymous polls -------------------------------------------------------------------------


def test_anonymous_ballots_cannot_be_linked_to_people(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY), anonymous=True)
    poll = _poll(db_session, group)
    assert poll.anonymous
    _vote(db_session, poll, group.sam, Position.DISAGREE)
    _vote(db_session, poll, group.ada, Position.BLOCK, reason="Too blunt")
    _vote(db_session, poll, group.ada, Position.AGREE)  # changed, not added

    # The ballot rows hold no person and no time; the voters table holds no position.
    inspector = sa.inspect(db_session.connection())
    ballot_columns = {column["name"] for column in inspector.get_columns("anonymous_ballots")}
    assert ballot_columns == {"poll_id", "ballot_key", "position", "reason"}
    assert not sa.inspect(AnonymousBallot).relationships
    assert not {"user", "user_id", "voter", "cast_at"} & set(dir(AnonymousBallot))
    voter_columns = {column["name"] for column in inspector.get_columns("poll_voters")}
    assert voter_columns == {"poll_id", "user_id", "voted_at"}
    ballots = db_session.scalars(sa.select(AnonymousBallot)).all()
    assert sorted(b.position for b in ballots) == [Position.AGREE, Position.DISAGREE]
    people = {str(user.id) for user in group.everyone}
    assert not any(b.ballot_key in people or str(group.ada.id) == b.ballot_key for b in ballots)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 0

    # No service shows who voted how, to anyone, facilitators included.
    assert codesign.named_votes(db_session, poll) == []
    assert codesign.my_named_vote(db_session, poll=poll, user=group.ada) is None
    assert codesign.poll_counts(db_session, poll) is None  # not even counts while open
    assert codesign.anonymous_reasons(db_session, poll) == []
    for event in db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "vote_cast")):
        assert "position" not in event.detail

    # Reminders still know who has not voted.
    assert codesign.not_yet_voted(db_session, poll) == [group.pat]
    assert [v.voted_at is not None for v in codesign.poll_voters(db_session, poll)] == [
        True,
        True,
        False,
    ]
    decision = _vote(db_session, poll, group.pat, Position.AGREE, reason="Fine by me")
    assert decision.counts["agree"] == 2 and decision.counts["disagree"] == 1
    [entry] = codesign.decision_log(db_session, group.questionnaire)
    assert entry.anonymous
    assert entry.votes == ()
    assert entry.reasons == ("Agree: Fine by me",)


def test_an_anonymous_vote_needs_the_voter_key(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY), anonymous=True)
    poll = _poll(db_session, group)
    with pytest.raises(ValueError, match="voter key"):
        codesign.cast_vote(db_session, poll=poll, voter=group.ada, position="agree", now=NOW)


def test_a_poll_keeps_the_rule_and_visibility_it_opened_with(db_session, group):
    poll = _poll(db_session, group)
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY), anonymous=True)
    assert not poll.anonymous
    assert poll.rule_kind == RuleKind.CONSENT
    _vote(db_session, poll, group.ada, Position.AGREE)
    assert [v.user_id for v in codesign.named_votes(db_session, poll)] == [group.ada.id]


# Rules, publishing, direct edits, the log ------------------------------------------------


def test_the_rule_is_set_up_once_by_a_facilitator_and_then_changed_by_a_decision(db_session, group):
    assert codesign.decision_settings(db_session, group.study).rule.kind == RuleKind.CONSENT
    with pytest.raises(DomainError, match="Only a facilitator"):
        codesign.set_decision_rule(
            db_session,
            study=group.study,
            settings=codesign.DecisionSettings(rule=Rule(RuleKind.MAJORITY)),
            set_by=group.ada,
        )
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    with pytest.raises(DomainError, match="open a poll to change the rule"):
        _set_rule(db_session, group, Rule(RuleKind.CONSENT, 60))
    new = codesign.DecisionSettings(rule=Rule(RuleKind.QUORUM, quorum=2), anonymous_polls=True)
    poll = codesign.open_rule_poll(
        db_session, study=group.study, settings=new, opened_by=group.pat, deadline=DEADLINE, now=NOW
    )
    _vote(db_session, poll, group.pat, Position.AGREE)
    decision = codesign.close_poll(db_session, poll=poll, now=DEADLINE)
    settings = codesign.decision_settings(db_session, group.study)
    assert settings.rule == Rule(RuleKind.QUORUM, quorum=2)
    assert settings.anonymous_polls
    assert settings.setting.decision_id == decision.id
    assert [row.kind for row in codesign.rule_history(db_session, group.study)] == [
        RuleKind.MAJORITY,
        RuleKind.QUORUM,
    ]
    assert (
        db_session.scalars(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "decision_rule_changed")
        ).all()[-1]["decision_id"]
        == decision.id
    )


def test_publishing_is_a_decision(db_session, group):
    poll = codesign.open_publish_poll(
        db_session,
        questionnaire=group.questionnaire,
        opened_by=group.ada,
        deadline=DEADLINE,
        now=NOW,
    )
    for person in group.everyone:
        decision = _vote(db_session, poll, person, Position.AGREE)
    assert decision.applied
    assert decision.change == {"version": 1}
    assert drafts.get_version(db_session, questionnaire=group.questionnaire, number=1)


def _draft_proposal(db_session, group, author, label):
    return codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=author,
        kind=ChangeKind.CHANGE_ITEM,
        reason="Typo fix agreed at the meeting",
        item=question("age", d.QuestionType.INTEGER, label={"en": label}),
        target_name="age",
    )


def test_direct_edits_are_refused_unless_allowed_and_then_logged_as_such(db_session, group):
    mine = _draft_proposal(db_session, group, group.sam, "What is your age?")
    with pytest.raises(DomainError, match="by suggestion and vote only"):
        codesign.apply_directly(db_session, proposal=mine, editor=group.sam, now=NOW)
    _set_rule(db_session, group, Rule(RuleKind.CONSENT), direct_edits=True)
    hers = _draft_proposal(db_session, group, group.ada, "Age, in whole years")
    with pytest.raises(DomainError, match="Only a facilitator"):
        codesign.apply_directly(db_session, proposal=hers, editor=group.ada, now=NOW)
    with pytest.raises(DomainError, match="your own draft"):
        codesign.apply_directly(db_session, proposal=hers, editor=group.sam, now=NOW)
    pending = _proposal(db_session, group)
    codesign.apply_directly(db_session, proposal=mine, editor=group.sam, now=NOW)
    assert drafts.draft_definition(db_session, group.questionnaire).find("age").label == {
        "en": "What is your age?"
    }
    assert mine.state == ProposalState.ACCEPTED
    assert pending.state == ProposalState.NEEDS_UPDATE
    assert hers.state == ProposalState.NEEDS_UPDATE
    [entry] = codesign.decision_log(db_session, group.questionnaire)
    assert entry.direct_edit
    assert entry.kind == EntryKind.DIRECT_EDIT
    assert entry.proposal == mine
    assert entry.statement == "Typo fix agreed at the meeting"
    assert entry.decided_by == "Sam Okafor"
    assert entry.change["after"]["label"] == {"en": "What is your age?"}


def test_the_decision_log_shows_each_change_with_its_proposal_votes_and_outcome(db_session, group):
    _set_rule(db_session, group, Rule(RuleKind.MAJORITY))
    first = _poll(db_session, group)
    _vote(db_session, first, group.pat, Position.AGREE)
    _vote(db_session, first, group.sam, Position.DISAGREE, reason="I like the old one")
    codesign.close_poll(db_session, poll=first, now=DEADLINE)
    second = _poll(
        db_session,
        group,
        _proposal(db_session, group, kind=ChangeKind.REMOVE_ITEM, target_name="home"),
    )
    _vote(db_session, second, group.sam, Position.DISAGREE)
    codesign.close_poll(db_session, poll=second, now=DEADLINE + timedelta(hours=1))
    log = codesign.decision_log(db_session, group.questionnaire)
    assert [(e.proposal.target_name, e.outcome, e.applied) for e in log] == [
        ("age", Outcome.REJECTED, False),
        ("home", Outcome.REJECTED, False),
    ]
    assert log[0].votes == (
        codesign.VoteLine("Pat Lin", Position.AGREE, ""),
        codesign.VoteLine("Sam Okafor", Position.DISAGREE, "I like the old one"),
    )
    assert log[0].reason.startswith("It was a tie (1 to 1)")
    assert log[0].change["before"]["label"] == {"en": "How old are you?"}
    assert log[0].change["after"]["label"] == {"en": "Your age?"}
    assert log[1].decided_by is None


def test_updating_a_suggestion_closes_its_old_poll_saying_it_was_updated(db_session, group):
    winner = _proposal(db_session, group)
    other = _proposal(
        db_session,
        group,
        group.pat,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Age in years"}),
    )
    old_poll = _poll(db_session, group, other)
    winning_poll = _poll(db_session, group, winner)
    for person in group.everyone:
        _vote(db_session, winning_poll, person, Position.AGREE)
    assert other.state == ProposalState.NEEDS_UPDATE
    assert old_poll.is_open  # its votes were on words that no longer fit the question

    codesign.edit_proposal(
        db_session,
        proposal=other,
        editor=group.pat,
        reason="Still clearer",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Your age in years?"}),
    )
    codesign.open_proposal(db_session, proposal=other, opened_by=group.pat, now=NOW)
    new_poll = _poll(db_session, group, other)
    codesign.withdraw_proposal(
        db_session, proposal=other, withdrawn_by=group.pat, now=NOW + timedelta(hours=1)
    )

    log = {e.decision.poll_id: e for e in codesign.decision_log(db_session, group.questionnaire)}
    updated, withdrawn = log[old_poll.id], log[new_poll.id]
    assert (updated.outcome, updated.applied) == (Outcome.CANCELLED, False)
    assert updated.statement == (
        "The suggestion was updated after the question changed, so this poll closed without "
        "deciding; its author can put the updated suggestion to the group again."
    )
    assert "withdrawn" not in updated.reason
    assert withdrawn.outcome == Outcome.CANCELLED
    assert withdrawn.statement == (
        "The suggestion was withdrawn before the poll closed, so nothing was decided."
    )
