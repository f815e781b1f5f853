"""One suggestion of several changes: written step by step, decided once, made all at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Decision, Outcome, Position, ProposalState

from builders import age_question, home_question, question, section

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)
ADD, CHANGE, REMOVE = ChangeKind.ADD_ITEM, ChangeKind.CHANGE_ITEM, ChangeKind.REMOVE_ITEM

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a design group of three and a draft with "age", "home" and a section."""
    return make_design_group(age_question(), home_question(), section("support"))


def _start(db_session, group, author=None):
    return codesign.start_several(
        db_session,
        questionnaire=group.questionnaire,
        author=author or group.ada,
        reason="Questions about help at home, together",
    )


def _put(db_session, group, proposal, kind=ADD, **change):
    return codesign.put_part(db_session, proposal=proposal, editor=group.ada, kind=kind, **change)


def _gets_help():
    return question("gets_help", d.QuestionType.SELECT_ONE, label={"en": "Do you get help?"})


def _who_helps():
    return question("who_helps", label={"en": "Who helps you?"}, relevance="${gets_help} = 'yes'")


def _home_help_suggestion(db_session, group):
    """Write a suggestion adding a section with two questions, rewording age, removing home."""
    proposal = _start(db_session, group)
    _put(db_session, group, proposal, item=section("home_help"))
    _put(db_session, group, proposal, item=_gets_help(), section="home_help")
    _put(db_session, group, proposal, item=_who_helps(), section="home_help")
    reworded = question("age", d.QuestionType.INTEGER, label={"en": "Your age?"})
    _put(db_session, group, proposal, kind=CHANGE, item=reworded, target_name="age")
    _put(db_session, group, proposal, kind=REMOVE, target_name="home")
    return proposal


def _decide(db_session, group, proposal, position=Position.AGREE):
    author = proposal.author
    codesign.open_proposal(db_session, proposal=proposal, opened_by=author, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=author, deadline=DEADLINE, now=NOW
    )
    for voter in group.everyone:  # the last vote closes the poll
        codesign.cast_vote(db_session, poll=poll, voter=voter, position=position, now=NOW)
    return poll, codesign.decision_of(db_session, poll)


def _names(db_session, group):
    return [
        item.name for item, _p in drafts.draft_definition(db_session, group.questionnaire).walk()
    ]


def test_a_suggestion_is_built_step_by_step_as_a_private_draft(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    parts = codesign.parts_of(proposal)
    assert [(part.kind, part.name) for part in parts] == [
        (ADD, "home_help"),
        (ADD, "gets_help"),
        (ADD, "who_helps"),
        (CHANGE, "age"),
        (REMOVE, "home"),
    ]
    assert proposal.state == ProposalState.DRAFT and proposal.is_private
    assert set(proposal.target_names) == {"home_help", "who_helps", "gets_help", "age", "home"}
    assert _names(db_session, group) == ["age", "home", "support"]  # nothing changed yet


def test_one_vote_makes_every_change_in_one_step_and_logs_them_all(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    _poll, decision = _decide(db_session, group, proposal)
    assert decision.outcome == Outcome.ACCEPTED and decision.applied
    assert proposal.state == ProposalState.ACCEPTED
    draft = drafts.draft_definition(db_session, group.questionnaire)
    assert [item.name for item, _p in draft.walk()] == [
        "age",
        "support",
        "home_help",
        "gets_help",
        "who_helps",
    ]
    assert draft.find("age").label == {"en": "Your age?"}
    assert decision.change["kind"] == "several"
    assert [(c["kind"], c["name"]) for c in decision.change["changes"]] == [
        ("add_item", "home_help"),
        ("add_item", "gets_help"),
        ("add_item", "who_helps"),
        ("change_item", "age"),
        ("remove_item", "home"),
    ]
    lines = codesign.changelog(db_session, questionnaire=group.questionnaire, number=None)
    words = " ".join(line.text for line in lines)
    assert "Do you get help?" in words and "Where do you live?" in words


def test_a_rejected_suggestion_changes_nothing(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    _poll, decision = _decide(db_session, group, proposal, Position.DISAGREE)
    assert decision.outcome == Outcome.REJECTED and not decision.applied
    assert _names(db_session, group) == ["age", "home", "support"]


def test_a_change_can_be_replaced_or_taken_out_before_sending(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    better = question(
        "who_helps", label={"en": "Who helps you most?"}, relevance="${gets_help} = 'yes'"
    )
    codesign.put_part(
        db_session,
        proposal=proposal,
        editor=group.ada,
        kind=ADD,
        item=better,
        section="home_help",
        index=2,
    )
    assert codesign.parts_of(proposal)[2].item["label"] == {"en": "Who helps you most?"}
    codesign.remove_part(db_session, proposal=proposal, editor=group.ada, index=4)
    assert [part.name for part in codesign.parts_of(proposal)][-1] == "age"


def test_a_change_others_depend_on_cannot_be_taken_out_alone(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    with pytest.raises(DomainError, match="gets_help"):
        codesign.remove_part(db_session, proposal=proposal, editor=group.ada, index=1)


def test_an_empty_suggestion_cannot_be_put_to_the_group(db_session, group):
    proposal = _start(db_session, group)
    with pytest.raises(DomainError, match="Add at least one change"):
        codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)


def test_names_stay_unique_within_the_draft_and_the_suggestion(db_session, group):
    proposal = _start(db_session, group)
    with pytest.raises(DomainError, match="already has the name age in the data"):
        _put(db_session, group, proposal, item=question("age"))
    _put(db_session, group, proposal, item=question("diet"))
    with pytest.raises(DomainError, match="already has the name diet in the data"):
        _put(db_session, group, proposal, item=question("diet", label={"en": "Again"}))


def test_a_reference_must_be_in_the_draft_or_the_suggestion(db_session, group):
    proposal = _start(db_session, group)
    with pytest.raises(DomainError) as refused:
        _put(db_session, group, proposal, item=_who_helps())
    assert refused.value.field == "relevance"
    assert codesign.parts_of(proposal) == []


def test_changes_that_depend_on_each_other_in_a_circle_are_refused(db_session, group):
    proposal = _start(db_session, group)
    _put(db_session, group, proposal, item=question("a"))
    _put(db_session, group, proposal, item=question("b", relevance="${a} = 'x'"))
    with pytest.raises(DomainError, match="uses"):
        _put(db_session, group, proposal, item=question("a", relevance="${b} = 'x'"), index=0)
    assert codesign.parts_of(proposal)[0].item.get("relevance") is None


def test_one_item_is_changed_by_one_part_only(db_session, group):
    proposal = _start(db_session, group)
    _put(db_session, group, proposal, kind=REMOVE, target_name="home")
    with pytest.raises(DomainError, match="already changes home"):
        _put(
            db_session,
            group,
            proposal,
            kind=CHANGE,
            target_name="home",
            item=question("home", label={"en": "Your home?"}),
        )


def test_only_the_author_adds_changes(db_session, group):
    proposal = _start(db_session, group)
    with pytest.raises(DomainError, match="Only the person"):
        codesign.put_part(
            db_session, proposal=proposal, editor=group.pat, kind=ADD, item=question("x")
        )


def test_an_open_suggestion_is_fixed(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    with pytest.raises(DomainError):
        _put(db_session, group, proposal, item=question("late"))


def test_another_decision_on_one_of_its_items_marks_it_needing_an_update(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    other = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        kind=CHANGE,
        target_name="home",
        item=question("home", label={"en": "Where is home?"}),
        reason="Shorter",
    )
    _poll, decision = _decide(db_session, group, other)
    assert decision.applied
    assert proposal.state == ProposalState.NEEDS_UPDATE
    assert codesign.stale_part(db_session, proposal=proposal) == "home"
    with pytest.raises(DomainError, match="home has changed"):
        codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    codesign.rebase_part(db_session, proposal=proposal, editor=group.ada, index=4)
    assert proposal.state == ProposalState.DRAFT
    assert codesign.stale_part(db_session, proposal=proposal) is None


def test_if_the_draft_moved_on_under_one_change_none_is_made(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=group.ada, deadline=DEADLINE, now=NOW
    )
    revision = drafts.draft_revisions(db_session, group.questionnaire)["home"]
    drafts.update_item(  # an edit that bypassed the suggestion's links, as a race would
        db_session,
        questionnaire=group.questionnaire,
        name="home",
        item=question("home", label={"en": "Home?"}),
        expected_revision=revision,
        changed_by=group.sam,
    )
    for voter in group.everyone:
        codesign.cast_vote(db_session, poll=poll, voter=voter, position=Position.AGREE, now=NOW)
    decision = codesign.decision_of(db_session, poll)
    assert decision.outcome == Outcome.ACCEPTED and not decision.applied
    assert "needs an update" in decision.reason and "home" in decision.reason
    assert proposal.state == ProposalState.NEEDS_UPDATE
    assert _names(db_session, group) == ["age", "home", "support"]
    assert drafts.draft_definition(db_session, group.questionnaire).find("age").label == {
        "en": "How old are you?"
    }


def test_closing_twice_decides_once(db_session, group):
    proposal = _home_help_suggestion(db_session, group)
    poll, decision = _decide(db_session, group, proposal)
    assert codesign.close_poll(db_session, poll=poll, now=NOW) is None
    decisions = db_session.scalars(sa.select(Decision).where(Decision.poll_id == poll.id)).all()
    assert decisions == [decision]
    assert _names(db_session, group).count("gets_help") == 1


def test_a_facilitator_may_make_several_changes_directly_where_allowed(db_session, group):
    from builders import set_group_rule

    set_group_rule(db_session, group, allow_direct_edits=True)
    proposal = codesign.start_several(
        db_session, questionnaire=group.questionnaire, author=group.sam, reason="Set up"
    )
    codesign.put_part(db_session, proposal=proposal, editor=group.sam, kind=ADD, item=_gets_help())
    codesign.put_part(db_session, proposal=proposal, editor=group.sam, kind=ADD, item=_who_helps())
    decision = codesign.apply_directly(db_session, proposal=proposal, editor=group.sam, now=NOW)
    assert decision.applied and len(decision.change["changes"]) == 2
    assert _names(db_session, group)[-2:] == ["gets_help", "who_helps"]


def test_an_earlier_change_may_refer_to_a_later_one(db_session, group):
    proposal = _start(db_session, group)
    _put(db_session, group, proposal, item=question("first"))
    _put(db_session, group, proposal, item=question("second"), after_name="first")
    uses_second = question("first", relevance="${second} != ''")
    _put(db_session, group, proposal, item=uses_second, index=0)
    _poll, decision = _decide(db_session, group, proposal)
    assert decision.applied, decision.reason
    assert _names(db_session, group)[-2:] == ["first", "second"]
    assert drafts.draft_definition(db_session, group.questionnaire).find("first").relevance


def test_an_empty_suggestion_cannot_be_made_directly_either(db_session, group):
    from builders import set_group_rule

    set_group_rule(db_session, group, allow_direct_edits=True)
    proposal = codesign.start_several(
        db_session, questionnaire=group.questionnaire, author=group.sam, reason="Nothing yet"
    )
    with pytest.raises(DomainError, match="Add at least one change"):
        codesign.apply_directly(db_session, proposal=proposal, editor=group.sam, now=NOW)
    assert proposal.state == ProposalState.DRAFT


def test_a_change_written_against_an_older_state_of_the_suggestion_is_refused(db_session, group):
    proposal = _start(db_session, group)
    seen = codesign.step_of(proposal)
    _put(db_session, group, proposal, item=question("one"))  # in another window
    with pytest.raises(DomainError, match="another window"):
        _put(db_session, group, proposal, item=question("two"), seen_step=seen)
    with pytest.raises(DomainError, match="another window"):
        codesign.remove_part(
            db_session, proposal=proposal, editor=group.ada, index=0, seen_step=seen
        )
    assert [part.name for part in codesign.parts_of(proposal)] == ["one"]
    _put(db_session, group, proposal, item=question("two"), seen_step=codesign.step_of(proposal))
    assert [part.name for part in codesign.parts_of(proposal)] == ["one", "two"]


def test_a_section_and_a_question_its_questions_use_go_together(make_design_group, db_session):
    group = make_design_group(
        question("x"), section("s", question("inside", relevance="${x} != ''"))
    )
    proposal = _start(db_session, group)
    with pytest.raises(DomainError, match="use x in their logic: inside"):
        _put(db_session, group, proposal, kind=REMOVE, target_name="x")
    _put(db_session, group, proposal, kind=REMOVE, target_name="s")
    _put(db_session, group, proposal, kind=REMOVE, target_name="x")
    _poll, decision = _decide(db_session, group, proposal)
    assert decision.applied, decision.reason
    assert _names(db_session, group) == []
