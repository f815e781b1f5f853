"""The consent form's wording changes only by the study's decision rule: suggestions, polls,
the decision log, publishing and asking people to consent again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from wording_world import everyone_votes, later, make_world, reworded, suggest

from consent import services as consent
from consent.wording import services as wording
from peer_research.errors import DomainError
from surveys.codesign import services as codesign


@pytest.fixture
def world(app, db_session, make_study, make_member):
    """Return a study with a group that decides its consent form."""
    with app.app_context():
        yield make_world(make_study, make_member)


def _draft_title(db_session, world) -> str:
    return consent.draft_of(db_session, world.study).content["title"]["en"]


def test_an_accepted_suggestion_changes_the_draft_and_is_logged(db_session, world):
    suggestion = suggest(db_session, world, title="Being part of our study")
    assert _draft_title(db_session, world) == "Taking part in our study"  # not yet
    decision = everyone_votes(db_session, world, suggestion.poll_id)
    assert decision is not None and decision.outcome == "accepted" and decision.applied
    assert _draft_title(db_session, world) == "Being part of our study"
    assert suggestion.state == wording.SuggestionState.ACCEPTED
    log = wording.group_decisions().decision_log(db_session, study=world.study, offset=0, limit=10)
    assert [entry.change["suggestion"] for entry in log] == [suggestion.id]
    assert {vote.name for vote in log[0].votes} == {p.display_name for p in world.deciders}


def test_a_rejected_suggestion_leaves_the_draft_alone(db_session, world):
    suggestion = suggest(db_session, world, title="Something else")
    decision = everyone_votes(db_session, world, suggestion.poll_id, position="disagree")
    assert decision.outcome == "rejected" and not decision.applied
    assert _draft_title(db_session, world) == "Taking part in our study"
    assert suggestion.state == wording.SuggestionState.REJECTED


def test_a_block_stops_a_suggestion_under_the_consent_rule(db_session, world):
    suggestion = suggest(db_session, world, title="Blocked words")
    engine = wording.group_decisions()
    people = world.deciders
    for person, position in zip(people, ["agree", "agree", "block"], strict=True):
        decision = engine.cast_vote(
            db_session,
            study=world.study,
            poll_id=suggestion.poll_id,
            voter=person,
            position=position,
            reason="It would hurt" if position == "block" else "",
            secret_key="k",
        )
    assert decision.outcome == "rejected"
    assert _draft_title(db_session, world) == "Taking part in our study"


def test_the_study_rule_in_force_decides(db_session, world):
    codesign.set_decision_rule(
        db_session,
        study=world.study,
        settings=codesign.DecisionSettings(rule=codesign.Rule(codesign.RuleKind.MAJORITY)),
        set_by=world.people["facilitator"],
    )
    suggestion = suggest(db_session, world, title="Majority words")
    engine = wording.group_decisions()
    for person, position in zip(world.deciders, ["agree", "agree", "block"], strict=True):
        decision = engine.cast_vote(
            db_session,
            study=world.study,
            poll_id=suggestion.poll_id,
            voter=person,
            position=position,
            reason="no" if position == "block" else "",
            secret_key="k",
        )
    assert decision.outcome == "accepted"  # under majority a block is one vote against
    assert _draft_title(db_session, world) == "Majority words"


def test_only_facilitators_and_co_researchers_vote_one_each(db_session, world):
    suggestion = suggest(db_session, world, title="New title")
    poll = db_session.get(codesign.Poll, suggestion.poll_id)
    voters = {voter.user_id for voter in poll.voters}
    assert voters == {person.id for person in world.deciders}
    assert poll.subject == codesign.PollSubject.CONSENT_WORDING
    with pytest.raises(DomainError, match="design group when this poll opened"):
        wording.group_decisions().cast_vote(
            db_session,
            study=world.study,
            poll_id=suggestion.poll_id,
            voter=world.people["peer_researcher"],
            position="agree",
            reason="",
            secret_key="k",
        )


def test_voting_twice_changes_the_vote_and_does_not_count_twice(db_session, world):
    suggestion = suggest(db_session, world, title="Twice")
    engine = wording.group_decisions()
    for position in ("disagree", "agree"):
        engine.cast_vote(
            db_session,
            study=world.study,
            poll_id=suggestion.poll_id,
            voter=world.people["facilitator"],
            position=position,
            reason="",
            secret_key="k",
        )
    view = engine.poll_view(
        db_session,
        study=world.study,
        poll_id=suggestion.poll_id,
        viewer=world.people["facilitator"],
    )
    assert view.voted == 1 and view.is_open
    assert [(vote.position) for vote in view.votes] == ["agree"]


def test_others_cannot_suggest(db_session, world):
    for role in ("peer_researcher", "academic_partner", "support_lead"):
        with pytest.raises(DomainError, match="facilitators and co-researchers"):
            suggest(db_session, world, author=role, title="Mine")


def test_a_suggestion_needs_a_change_and_a_reason(db_session, world):
    same = consent.draft_of(db_session, world.study).content
    with pytest.raises(DomainError, match="same as the draft"):
        wording.suggest_change(
            db_session,
            study=world.study,
            author=world.people["facilitator"],
            language="en",
            document=same,
            reason="Because",
            deadline=later(),
        )
    with pytest.raises(DomainError, match="why") as refused:
        wording.suggest_change(
            db_session,
            study=world.study,
            author=world.people["facilitator"],
            language="en",
            document=reworded(db_session, world.study, title="X"),
            reason="   ",
            deadline=later(),
        )
    assert refused.value.field == "reason"


def test_a_stale_suggestion_is_not_made(db_session, world):
    first = suggest(db_session, world, title="First title")
    second = suggest(db_session, world, author="co2", title="Second title")
    other_part = suggest(db_session, world, author="facilitator", withdraw="Ring 0123 to stop.")
    everyone_votes(db_session, world, first.poll_id)
    decision = everyone_votes(db_session, world, second.poll_id)
    assert decision.outcome == "accepted" and not decision.applied
    assert "same place" in decision.reason
    assert second.state == wording.SuggestionState.NEEDS_UPDATE
    assert _draft_title(db_session, world) == "First title"
    # A suggestion about another part still fits the draft and is made.
    decision = everyone_votes(db_session, world, other_part.poll_id)
    assert decision.applied
    draft = consent.draft_of(db_session, world.study).content
    assert draft["withdraw"]["en"] == "Ring 0123 to stop."
    assert draft["title"]["en"] == "First title"


def test_withdrawing_closes_the_poll_without_deciding(db_session, world):
    suggestion = suggest(db_session, world, title="Never mind")
    with pytest.raises(DomainError, match="Only the person who suggested it"):
        wording.withdraw_suggestion(
            db_session, study=world.study, suggestion=suggestion, by=world.people["facilitator"]
        )
    wording.withdraw_suggestion(
        db_session, study=world.study, suggestion=suggestion, by=world.people["co_researcher"]
    )
    poll = db_session.get(codesign.Poll, suggestion.poll_id)
    assert not poll.is_open
    log = wording.group_decisions().decision_log(db_session, study=world.study, offset=0, limit=5)
    assert log[0].outcome == "cancelled"
    assert _draft_title(db_session, world) == "Taking part in our study"


def test_a_poll_closes_at_its_deadline_by_the_scheduled_close(db_session, world):
    suggestion = suggest(db_session, world, title="By the deadline")
    wording.group_decisions().cast_vote(
        db_session,
        study=world.study,
        poll_id=suggestion.poll_id,
        voter=world.people["facilitator"],
        position="agree",
        reason="",
        secret_key="k",
    )
    decisions = codesign.close_due_polls(db_session, later(8))  # what the cron command runs
    assert [d.poll_id for d in decisions] == [suggestion.poll_id]
    assert decisions[0].applied
    assert _draft_title(db_session, world) == "By the deadline"


def _publish(db_session, world, *, reconsent: bool):
    poll_id = wording.ask_to_publish(
        db_session,
        study=world.study,
        asked_by=world.people["co_researcher"],
        requires_reconsent=reconsent,
        reason="Ready",
        deadline=later(),
    )
    return everyone_votes(db_session, world, poll_id)


def test_publishing_is_decided_and_a_published_version_never_changes(db_session, world):
    decision = _publish(db_session, world, reconsent=True)
    assert decision.applied and decision.change["version"] == 1
    first = consent.current_version(db_session, world.study.id)
    assert first.number == 1 and not first.requires_reconsent  # nobody to ask again yet
    frozen = dict(first.content)
    suggestion = suggest(db_session, world, title="Version two title")
    everyone_votes(db_session, world, suggestion.poll_id)
    assert consent.current_version(db_session, world.study.id).content == frozen
    decision = _publish(db_session, world, reconsent=True)
    second = consent.current_version(db_session, world.study.id)
    assert second.number == 2 and second.requires_reconsent
    assert decision.change == {"version": 2, "requires_reconsent": True}
    assert consent.version_by_number(db_session, world.study.id, 1).content == frozen
    assert consent.reconsent_floor(db_session, world.study.id, later(1)) == 2


def test_publishing_without_reconsent(db_session, world):
    _publish(db_session, world, reconsent=False)
    suggestion = suggest(db_session, world, title="Small fix")
    everyone_votes(db_session, world, suggestion.poll_id)
    _publish(db_session, world, reconsent=False)
    assert not consent.current_version(db_session, world.study.id).requires_reconsent
    assert consent.reconsent_floor(db_session, world.study.id, later(1)) == 1


def test_nothing_to_publish_and_one_publishing_poll_at_a_time(db_session, world):
    _publish(db_session, world, reconsent=False)
    with pytest.raises(DomainError, match="same as version 1"):
        _publish(db_session, world, reconsent=False)
    suggestion = suggest(db_session, world, title="Another")
    everyone_votes(db_session, world, suggestion.poll_id)
    wording.ask_to_publish(
        db_session,
        study=world.study,
        asked_by=world.people["facilitator"],
        requires_reconsent=False,
        reason="Go",
        deadline=later(),
    )
    with pytest.raises(DomainError, match="already deciding"):
        _publish(db_session, world, reconsent=False)


def test_a_draft_changed_while_deciding_is_not_published(db_session, world):
    poll_id = wording.ask_to_publish(
        db_session,
        study=world.study,
        asked_by=world.people["co_researcher"],
        requires_reconsent=False,
        reason="Ready",
        deadline=later(),
    )
    suggestion = suggest(db_session, world, title="Sneaked in")
    everyone_votes(db_session, world, suggestion.poll_id)
    decision = everyone_votes(db_session, world, poll_id)
    assert decision.outcome == "accepted" and not decision.applied
    assert "changed while the group was deciding" in decision.reason
    assert consent.current_version(db_session, world.study.id) is None


def test_published_rows_cannot_be_edited_by_a_suggestion_against_them(db_session, world):
    _publish(db_session, world, reconsent=False)
    version = consent.current_version(db_session, world.study.id)
    draft = consent.draft_of(db_session, world.study)
    assert draft.id != version.id  # changes go to a new draft, never the published row
    suggestion = suggest(db_session, world, title="After publishing")
    everyone_votes(db_session, world, suggestion.poll_id)
    db_session.refresh(version)
    assert version.content["title"]["en"] == "Taking part in our study"


def test_consent_polls_stay_out_of_the_questionnaire_poll_pages(db_session, world):
    suggestion = suggest(db_session, world, title="Hidden")
    poll = db_session.get(codesign.Poll, suggestion.poll_id)
    assert poll.questionnaire_id is None
    assert codesign.describe_poll(db_session, poll) == "a change to the consent form"
    assert codesign.poll_path(world.study, poll).endswith(f"/suggestions/{suggestion.id}")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(codesign.Decision)) == 0
