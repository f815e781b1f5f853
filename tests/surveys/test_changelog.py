"""Each version's changelog comes from the decisions taken between two publishings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Outcome, Position
from surveys.codesign.versions import changelog, describe_change, version_decisions

from builders import age_question, everyone_votes, home_question, question, section

START = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a design group of three and a draft with two questions."""
    group = make_design_group(
        age_question(), home_question(), people=("ada", "pat"), pat_role=Role.PEER_RESEARCHER
    )
    group.clock = iter(START + timedelta(hours=hour) for hour in range(1000))
    return group


def _decide(db_session, group, poll, position=Position.AGREE):
    """Have everyone vote the same way, which closes the poll; return the decision."""
    return everyone_votes(db_session, poll, group.everyone, position, now=poll.opened_at)


def _suggest(db_session, group, position=Position.AGREE, **change):
    """Suggest a change and let the group decide it."""
    now = next(group.clock)
    proposal = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        reason="It reads better",
        open_now=True,
        now=now,
        **change,
    )
    poll = codesign.open_proposal_poll(
        db_session,
        proposal=proposal,
        opened_by=group.ada,
        deadline=now + timedelta(days=1),
        now=now,
    )
    return _decide(db_session, group, poll, position)


def _publish(db_session, group):
    """Ask the group to publish and let everyone agree."""
    now = next(group.clock)
    poll = codesign.open_publish_poll(
        db_session,
        questionnaire=group.questionnaire,
        opened_by=group.sam,
        deadline=now + timedelta(days=1),
        now=now,
    )
    decision = _decide(db_session, group, poll)
    assert decision.applied
    db_session.refresh(group.questionnaire)
    return decision


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_each_version_lists_the_changes_decided_since_the_one_before(db_session, group):
    first = _publish(db_session, group)
    reworded = _suggest(
        db_session,
        group,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
    )
    turned_down = _suggest(
        db_session, group, Position.DISAGREE, kind=ChangeKind.REMOVE_ITEM, target_name="home"
    )
    added = _suggest(
        db_session,
        group,
        kind=ChangeKind.ADD_ITEM,
        item=question("pets", label={"en": "Do you have pets?"}),
    )
    second = _publish(db_session, group)
    later = _suggest(db_session, group, kind=ChangeKind.REMOVE_ITEM, target_name="pets")

    q = group.questionnaire
    assert changelog(db_session, questionnaire=q, number=1) == []
    assert version_decisions(db_session, questionnaire=q, number=1) == [first]
    lines = changelog(db_session, questionnaire=q, number=2)
    assert _texts(lines) == [
        "Reworded the question “How old are you?” as “What is your age?”",
        "Added the question “Do you have pets?”",
    ]
    assert [line.decision for line in lines] == [reworded, added]
    assert lines[0].proposal_id == reworded.proposal_id and not lines[0].direct_edit
    assert lines[0].statement == reworded.statement
    assert turned_down.outcome == Outcome.REJECTED
    assert version_decisions(db_session, questionnaire=q, number=2) == [
        reworded,
        turned_down,
        added,
        second,
    ]
    assert _texts(changelog(db_session, questionnaire=q, number=None)) == [
        "Removed the question “Do you have pets?”"
    ]
    assert version_decisions(db_session, questionnaire=q, number=None) == [later]
    with pytest.raises(LookupError):
        version_decisions(db_session, questionnaire=q, number=3)


def test_a_version_published_before_publishing_was_a_decision_uses_its_time(db_session, group):
    version = drafts.publish_version(
        db_session, questionnaire=group.questionnaire, published_by=None
    )
    version.published_at  # noqa: B018 (loaded)
    db_session.refresh(group.questionnaire)
    # A decision after it belongs to the draft, not to version 1.
    _suggest(
        db_session,
        group,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="home",
        item=question("home", label={"en": "Where do you live?"}, hint={"en": "A town is enough"}),
    )
    assert changelog(db_session, questionnaire=group.questionnaire, number=1) == []
    assert _texts(changelog(db_session, questionnaire=group.questionnaire, number=None)) == [
        "Reworded the question “Where do you live?”"
    ]


def test_plain_words_for_each_kind_of_change():
    age = d.item_to_json(question("age", d.QuestionType.INTEGER, label={"en": "Age?"}))
    checked = {**age, "constraint": ". >= 16"}
    home = d.item_to_json(section("home", label={"en": "Your home"}))
    assert describe_change({"kind": "add_item", "after": home}, "en") == (
        "Added the section “Your home”"
    )
    assert describe_change({"kind": "remove_item", "before": age}, "en") == (
        "Removed the question “Age?”"
    )
    assert describe_change({"kind": "move_item", "before": age}, "en") == (
        "Moved the question “Age?”"
    )
    assert describe_change({"kind": "change_item", "before": age, "after": checked}, "en") == (
        "Changed the question “Age?”"
    )
    assert describe_change({"kind": "translate", "name": "age"}, "en") == (
        "Changed the translations"
    )
    welsh_only = {**age, "label": {"cy": "Oed?"}}
    assert describe_change({"kind": "remove_item", "before": welsh_only}, "en") == (
        "Removed the question “Oed?”"
    )
    broken = {"kind": "change_item", "name": "age", "before": {"kind": "odd"}, "after": None}
    assert describe_change(broken, "en") == "Changed the question “age”"
