"""Proposals: writing, editing, opening and withdrawing suggested changes to the draft."""

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
from surveys.codesign.models import ChangeKind, Decision, Outcome, ProposalState

from builders import age_question, home_question, question, section

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a study's design group and a draft with two questions and a section."""
    return make_design_group(
        age_question(),
        home_question(),
        section("support"),
        pat_role=Role.PEER_RESEARCHER,
        outsider=True,
    )


def _change(db_session, group, author, label, **extra):
    return codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=author,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": label}),
        reason="Plainer words",
        **extra,
    )


def test_a_change_keeps_its_base_and_shows_before_and_after(db_session, group):
    proposal = _change(db_session, group, group.pat, "What is your age?")
    assert proposal.state == ProposalState.DRAFT
    assert proposal.author_id == group.pat.id
    assert proposal.base_revision == 1
    assert proposal.base_content["label"] == {"en": "How old are you?"}
    shown = codesign.before_after(db_session, proposal=proposal)
    assert shown.before.label == {"en": "How old are you?"}
    assert shown.after.label == {"en": "What is your age?"}
    assert shown.current == shown.before
    assert [(c.field, c.diff) for c in shown.changes] == [
        (
            "label",
            [
                ("delete", "How old are you"),
                ("insert", "What is your age"),
                ("equal", "?"),
            ],
        )
    ]


def test_every_member_of_the_design_group_may_propose_but_nobody_else(db_session, group):
    for author in (group.sam, group.ada, group.pat):
        _change(db_session, group, author, f"Age, asked by {author.display_name}")
    for stranger in (group.lee, group.outsider):
        with pytest.raises(DomainError, match="design group"):
            _change(db_session, group, stranger, "Your age?")


def test_a_reason_in_the_authors_own_words_is_required_to_open(db_session, group):
    """A draft may wait for its reason; putting it to the group may not."""
    draft = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        kind=ChangeKind.REMOVE_ITEM,
        target_name="home",
        reason="   ",
    )
    assert draft.reason == ""
    with pytest.raises(DomainError, match="why") as error:
        codesign.open_proposal(db_session, proposal=draft, opened_by=group.ada)
    assert error.value.field == "reason"
    with pytest.raises(DomainError, match="why"):
        codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.REMOVE_ITEM,
            target_name="age",
            reason="",
            open_now=True,
        )
    codesign.open_proposal(db_session, proposal=draft, opened_by=group.ada, reason=" Not needed ")
    assert draft.state == ProposalState.OPEN
    assert draft.reason == "Not needed"


def test_proposing_against_a_stale_base_is_refused(db_session, group):
    drafts.update_item(
        db_session,
        questionnaire=group.questionnaire,
        name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Your age"}),
        expected_revision=1,
        changed_by=group.sam,
    )
    with pytest.raises(DomainError, match="Someone changed age since you opened it"):
        _change(db_session, group, group.ada, "Age in years", base_revision=1)
    assert _change(db_session, group, group.ada, "Age in years", base_revision=2).base_revision == 2


def test_proposing_against_a_published_version_is_refused(db_session, group):
    drafts.publish_version(db_session, questionnaire=group.questionnaire, published_by=group.sam)
    drafts.delete_item(
        db_session, questionnaire=group.questionnaire, name="home", changed_by=group.sam
    )
    with pytest.raises(DomainError, match="published versions never change"):
        codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.CHANGE_ITEM,
            target_name="home",
            item=question("home", label={"en": "Your home town"}),
            reason="Clearer",
        )


def test_bad_changes_are_refused_with_plain_messages(db_session, group):
    with pytest.raises(DomainError, match="would not change anything"):
        _change(db_session, group, group.ada, "How old are you?")
    with pytest.raises(DomainError, match="already has the name age in the data"):
        codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.ADD_ITEM,
            item=question("age"),
            reason="Again",
        )
    with pytest.raises(DomainError, match="agee"):
        codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.ADD_ITEM,
            item=question("pets", relevance="${agee} > 3"),
            reason="Pets matter",
        )
    with pytest.raises(DomainError, match="not in that part"):
        codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.ada,
            kind=ChangeKind.MOVE_ITEM,
            target_name="home",
            section="support",
            before_name="age",
            reason="Belongs with support",
        )
    assert (
        codesign.proposals_touching(db_session, questionnaire=group.questionnaire, name="age") == []
    )


def test_the_author_edits_their_draft_but_not_once_it_is_open(db_session, group):
    proposal = _change(db_session, group, group.ada, "Your age?")
    with pytest.raises(DomainError, match="Only the person who suggested"):
        codesign.edit_proposal(
            db_session,
            proposal=proposal,
            editor=group.pat,
            reason="Mine now",
            item=question("age", d.QuestionType.INTEGER, label={"en": "Hijacked"}),
        )
    codesign.edit_proposal(
        db_session,
        proposal=proposal,
        editor=group.ada,
        reason="Shorter still",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Age?"}),
    )
    assert proposal.proposed["label"] == {"en": "Age?"}
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    assert proposal.state == ProposalState.OPEN
    with pytest.raises(DomainError, match="withdraw it and suggest the change again"):
        codesign.edit_proposal(
            db_session,
            proposal=proposal,
            editor=group.ada,
            reason="Changed my mind",
            item=question("age", d.QuestionType.INTEGER, label={"en": "Years?"}),
        )
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "proposal_opened"))
    assert event.actor_id == group.ada.id
    assert event.detail["proposal_id"] == proposal.id


def test_withdrawing_someone_elses_proposal_is_refused(db_session, group):
    proposal = _change(db_session, group, group.ada, "Your age?", open_now=True, now=NOW)
    with pytest.raises(DomainError, match="Only the person who suggested"):
        codesign.withdraw_proposal(db_session, proposal=proposal, withdrawn_by=group.sam)
    assert proposal.state == ProposalState.OPEN
    codesign.withdraw_proposal(db_session, proposal=proposal, withdrawn_by=group.ada)
    assert proposal.state == ProposalState.WITHDRAWN
    with pytest.raises(DomainError, match="already been decided or withdrawn"):
        codesign.withdraw_proposal(db_session, proposal=proposal, withdrawn_by=group.ada)
    assert db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "proposal_withdrawn")
    ).detail == {"proposal_id": proposal.id, "item": "age"}


def test_withdrawing_closes_its_poll_without_deciding(db_session, group):
    proposal = _change(db_session, group, group.ada, "Your age?", open_now=True, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session,
        proposal=proposal,
        opened_by=group.pat,
        deadline=NOW + timedelta(days=3),
        now=NOW,
    )
    codesign.withdraw_proposal(
        db_session, proposal=proposal, withdrawn_by=group.ada, now=NOW + timedelta(hours=1)
    )
    assert poll.closed_at == NOW + timedelta(hours=1)
    decision = db_session.scalar(sa.select(Decision).where(Decision.poll_id == poll.id))
    assert decision.outcome == Outcome.CANCELLED
    assert not decision.applied
    assert drafts.draft_definition(db_session, group.questionnaire).find("age").label == {
        "en": "How old are you?"
    }


def test_proposals_about_the_same_item_are_linked(db_session, group):
    first = _change(db_session, group, group.ada, "Your age?")
    second = _change(db_session, group, group.pat, "Age in years?")
    other = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        kind=ChangeKind.REMOVE_ITEM,
        target_name="home",
        reason="Too personal",
    )
    assert codesign.linked_proposals(db_session, proposal=first) == [second]
    assert codesign.linked_proposals(db_session, proposal=other) == []
    assert codesign.proposals_touching(
        db_session, questionnaire=group.questionnaire, name="age"
    ) == [first, second]


def test_opening_is_refused_when_the_item_changed_since_it_was_written(db_session, group):
    proposal = _change(db_session, group, group.ada, "Your age?")
    drafts.update_item(
        db_session,
        questionnaire=group.questionnaire,
        name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Age now"}),
        expected_revision=1,
        changed_by=group.sam,
    )
    with pytest.raises(DomainError, match="has changed since you wrote"):
        codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada, now=NOW)
    assert proposal.state == ProposalState.DRAFT


def test_a_position_only_change_does_not_make_a_proposal_stale(db_session, group):
    proposal = _change(db_session, group, group.ada, "Your age?")
    drafts.move_item(db_session, questionnaire=group.questionnaire, name="home", direction="up")
    assert drafts.draft_revisions(db_session, group.questionnaire)["age"] == 2  # moved, not edited
    assert codesign.base_is_current(db_session, proposal=proposal)


def test_the_same_change_sent_twice_is_refused(db_session, group):
    """A replayed form does not put the same suggestion before the group twice."""
    _change(db_session, group, group.ada, "Your age?")
    with pytest.raises(DomainError, match="already suggested this change"):
        _change(db_session, group, group.ada, "Your age?")
    _change(db_session, group, group.pat, "Your age?")  # someone else may suggest the same


def test_an_update_keeps_the_authors_change_on_the_new_base(db_session, group):
    """Each field the author changed keeps their value; the rest comes from the draft now."""
    from surveys.codesign.proposal_content import updated_item

    proposal = _change(db_session, group, group.ada, "Your age?")
    revision = drafts.draft_revisions(db_session, group.questionnaire)["age"]
    drafts.update_item(
        db_session,
        questionnaire=group.questionnaire,
        name="age",
        item=question(
            "age",
            d.QuestionType.INTEGER,
            label={"en": "How old are you?", "cy": "Faint yw dy oed?"},
            hint={"en": "In years"},
        ),
        expected_revision=revision,
        changed_by=group.sam,
    )
    merged = updated_item(db_session, proposal=proposal)
    assert merged.label == {"en": "Your age?", "cy": "Faint yw dy oed?"}
    assert merged.hint == {"en": "In years"}


def test_updating_closes_the_poll_on_the_old_words(db_session, group):
    """Votes were on the old version: its poll closes without deciding, and a new one opens."""
    proposal = _change(db_session, group, group.ada, "Your age?", open_now=True, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=group.ada, deadline=NOW + timedelta(days=3)
    )
    proposal.mark_needs_update(None)
    codesign.edit_proposal(
        db_session,
        proposal=proposal,
        editor=group.ada,
        reason="Updated",
        item=question("age", d.QuestionType.INTEGER, label={"en": "What age are you?"}),
    )
    assert poll.closed_at is not None
    assert proposal.state == ProposalState.DRAFT
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.ada)
    codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=group.ada, deadline=NOW + timedelta(days=9)
    )


def test_renaming_a_suggested_addition_moves_its_link(db_session, group):
    proposal = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        kind=ChangeKind.ADD_ITEM,
        reason="Useful",
        item=question("pets"),
    )
    codesign.edit_proposal(
        db_session, proposal=proposal, editor=group.ada, reason="Useful", item=question("animals")
    )
    assert proposal.target_names == ["animals"]
    assert codesign.proposals_touching(
        db_session, questionnaire=group.questionnaire, name="animals"
    ) == [proposal]


def test_place_in_draft_says_where_an_item_is(db_session, group):
    from surveys.codesign.draft_changes import Place, place_in_draft

    definition = drafts.draft_definition(db_session, group.questionnaire)
    assert place_in_draft(definition, "age") == Place(None, before_name="home")
    assert place_in_draft(definition, "home") == Place(None, after_name="age")
    assert place_in_draft(definition, "gone") is None
