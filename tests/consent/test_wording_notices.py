"""The group hears about changes to the consent form as it does about questionnaire
suggestions; nobody outside the consent group hears anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from wording_world import everyone_votes, later, make_world, suggest

from consent.wording import services as wording
from peer_research.notifications.models import Notification, Topic
from surveys.codesign import services as codesign


@pytest.fixture
def world(app, db_session, make_study, make_member):
    """Return a study with a group that decides its consent form."""
    with app.app_context():
        yield make_world(make_study, make_member)


def _told(db_session, topic: Topic) -> dict[int, Notification]:
    query = sa.select(Notification).where(Notification.topic == topic)
    return {note.user_id: note for note in db_session.scalars(query)}


def test_opening_tells_the_other_deciders(db_session, world):
    suggestion = suggest(db_session, world, author="co_researcher", title="Told")
    told = _told(db_session, Topic.NEW_SUGGESTION)
    assert set(told) == {world.people["facilitator"].id, world.people["co2"].id}
    note = told[world.people["facilitator"].id]
    assert "suggests a change to the consent form" in note.message
    assert note.link.endswith(f"/consent/form/suggestions/{suggestion.id}")


def test_the_outcome_reaches_the_deciders_only(db_session, world):
    suggestion = suggest(db_session, world, title="Decided")
    everyone_votes(db_session, world, suggestion.poll_id)
    told = _told(db_session, Topic.OUTCOME)
    assert set(told) == {person.id for person in world.deciders}
    note = next(iter(told.values()))
    assert note.message == "The group agreed: a change to the consent form."
    assert note.link.endswith(f"/consent/form/suggestions/{suggestion.id}")


def test_publishing_outcome_links_to_its_poll(db_session, world):
    poll_id = wording.ask_to_publish(
        db_session,
        study=world.study,
        asked_by=world.people["facilitator"],
        requires_reconsent=False,
        reason="Ready",
        deadline=later(),
    )
    everyone_votes(db_session, world, poll_id)
    told = _told(db_session, Topic.OUTCOME)
    note = told[world.people["co2"].id]
    assert "publishing a new version of the consent form" in note.message
    assert note.link.endswith(f"/consent/form/publishing/{poll_id}")


def test_closes_soon_notices_reach_who_has_not_voted(db_session, world):
    suggestion = suggest(db_session, world, title="Soon")
    poll = db_session.get(codesign.Poll, suggestion.poll_id)
    wording.group_decisions().cast_vote(
        db_session,
        study=world.study,
        poll_id=poll.id,
        voter=world.people["facilitator"],
        position="agree",
        reason="",
        secret_key="k",
    )
    codesign.notify_polls_closing_soon(db_session, poll.deadline - timedelta(hours=2))
    told = _told(db_session, Topic.POLL_CLOSING)
    assert set(told) == {world.people["co_researcher"].id, world.people["co2"].id}
    assert "consent form" in told[world.people["co2"].id].message
