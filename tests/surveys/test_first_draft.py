"""Building the first draft: the group names members who change it directly until the first
version is published, each change still in the decision log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, EntryKind, Outcome, Position

from builders import age_question, question

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a design group of three (and a support lead) and a draft with "age"."""
    return make_design_group(age_question())


def _ask(db_session, group, builders, asked_by=None):
    return codesign.ask_for_first_draft_builders(
        db_session,
        questionnaire=group.questionnaire,
        asked_by=asked_by or group.sam,
        builder_ids=[person.id for person in builders],
        reason="Ada and Sam write the first draft; we all read it before it is published",
        deadline=DEADLINE,
        now=NOW,
    )


def _vote_all(db_session, group, poll, position=Position.AGREE):
    for voter in group.everyone:
        codesign.cast_vote(db_session, poll=poll, voter=voter, position=position, now=NOW)
    return codesign.decision_of(db_session, poll)


def _grant(db_session, group, builders):
    return _vote_all(db_session, group, _ask(db_session, group, builders))


def _change_now(db_session, group, editor, name="diet", label="What do you eat?"):
    proposal = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=editor,
        kind=ChangeKind.ADD_ITEM,
        item=question(name, label={"en": label}),
        reason="Building the first draft",
    )
    return codesign.apply_directly(db_session, proposal=proposal, editor=editor, now=NOW)


def test_the_group_grants_named_members_by_decision(db_session, group):
    poll = _ask(db_session, group, [group.ada, group.sam])
    assert codesign.first_draft_grant(db_session, group.questionnaire) is None
    assert codesign.open_first_draft_poll(db_session, group.questionnaire) == poll
    decision = _vote_all(db_session, group, poll)
    assert decision.outcome == Outcome.ACCEPTED and decision.applied
    grant = codesign.first_draft_grant(db_session, group.questionnaire)
    assert grant.decision == decision
    assert [person.display_name for person in grant.builders] == ["Ada Brook", "Sam Okafor"]


def test_a_rejected_request_grants_nothing(db_session, group):
    decision = _vote_all(db_session, group, _ask(db_session, group, [group.ada]), Position.DISAGREE)
    assert decision.outcome == Outcome.REJECTED
    assert codesign.first_draft_grant(db_session, group.questionnaire) is None
    with pytest.raises(DomainError, match="vote only"):
        _change_now(db_session, group, group.ada)


def test_a_named_builder_changes_the_draft_and_each_change_is_logged(db_session, group):
    granted = _grant(db_session, group, [group.ada])
    entry = _change_now(db_session, group, group.ada)
    assert entry.entry_kind == EntryKind.FIRST_DRAFT and entry.applied
    assert entry.decided_by_id == group.ada.id and entry.decided_at == NOW
    assert entry.change["first_draft_decision"] == granted.id
    assert "building the first draft" in entry.reason
    assert drafts.draft_definition(db_session, group.questionnaire).find("diet") is not None
    log = codesign.decision_log(db_session, group.questionnaire)
    assert [item.kind for item in log] == [EntryKind.POLL, EntryKind.FIRST_DRAFT]
    assert log[-1].first_draft_edit


def test_a_builder_can_make_several_changes_at_once(db_session, group):
    _grant(db_session, group, [group.ada])
    proposal = codesign.start_several(
        db_session, questionnaire=group.questionnaire, author=group.ada, reason="A first section"
    )
    for name in ("one", "two"):
        codesign.put_part(
            db_session,
            proposal=proposal,
            editor=group.ada,
            kind=ChangeKind.ADD_ITEM,
            item=question(name),
        )
    entry = codesign.apply_directly(db_session, proposal=proposal, editor=group.ada, now=NOW)
    assert entry.entry_kind == EntryKind.FIRST_DRAFT and len(entry.change["changes"]) == 2


def test_someone_not_named_cannot_change_the_draft_directly(db_session, group):
    _grant(db_session, group, [group.ada])
    assert (
        codesign.first_draft_grant_for(
            db_session, questionnaire=group.questionnaire, user=group.pat
        )
        is None
    )
    with pytest.raises(DomainError):
        _change_now(db_session, group, group.pat)
    assert drafts.draft_definition(db_session, group.questionnaire).find("diet") is None


def test_the_permission_lapses_at_the_first_publication(db_session, group):
    _grant(db_session, group, [group.ada])
    drafts.publish_version(db_session, questionnaire=group.questionnaire, published_by=group.sam)
    assert codesign.first_draft_grant(db_session, group.questionnaire) is None
    with pytest.raises(DomainError, match="vote only"):
        _change_now(db_session, group, group.ada)
    with pytest.raises(DomainError, match="has been published"):
        _ask(db_session, group, [group.ada])


def test_publishing_while_the_poll_is_open_grants_nothing(db_session, group):
    poll = _ask(db_session, group, [group.ada])
    drafts.publish_version(db_session, questionnaire=group.questionnaire, published_by=group.sam)
    decision = _vote_all(db_session, group, poll)
    assert decision.outcome == Outcome.ACCEPTED and not decision.applied
    assert "published before the poll closed" in decision.reason


def test_a_later_decision_can_name_nobody(db_session, group):
    _grant(db_session, group, [group.ada])
    _grant(db_session, group, [])
    assert codesign.first_draft_grant(db_session, group.questionnaire) is None


def test_only_design_group_members_can_be_named_and_one_poll_at_a_time(db_session, group):
    with pytest.raises(DomainError, match="design group"):
        _ask(db_session, group, [group.lee])  # a support lead
    with pytest.raises(DomainError, match="Choose who"):
        _ask(db_session, group, [])
    _ask(db_session, group, [group.ada])
    with pytest.raises(DomainError, match="already deciding"):
        _ask(db_session, group, [group.pat])


def test_a_support_lead_cannot_ask(db_session, group):
    with pytest.raises(DomainError, match="design group"):
        _ask(db_session, group, [group.ada], asked_by=group.lee)


def test_a_question_added_directly_is_a_real_draft_item(db_session, group):
    _grant(db_session, group, [group.ada])
    _change_now(db_session, group, group.ada, name="pets", label="Do you have pets?")
    item = drafts.draft_definition(db_session, group.questionnaire).find("pets")
    assert isinstance(item, d.Question) and item.label == {"en": "Do you have pets?"}


def test_the_group_is_told_who_changed_the_draft_directly(db_session, group):
    from surveys.codesign.notices import outcome_message

    _grant(db_session, group, [group.ada])
    entry = _change_now(db_session, group, group.ada)
    assert outcome_message(db_session, entry).startswith("Ada Brook changed the draft directly")


def test_the_changelog_marks_the_builders_changes(db_session, group):
    _grant(db_session, group, [group.ada])
    _change_now(db_session, group, group.ada)
    lines = codesign.changelog(db_session, questionnaire=group.questionnaire, number=None)
    assert [line.text for line in lines] == ["Added the question “What do you eat?”"]
    assert lines[0].first_draft_edit and not lines[0].direct_edit
