"""The pages of first-draft building: ask the group, vote, see who may, change directly."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from surveys import services as drafts
from surveys.codesign.models import Poll, PollSubject

from builders import age_question, page_html
from builders import deadline_boxes as _day

QUESTION = {"type": "text", "privacy": "none", "appearance": "", "hint": "", "name": ""}


@pytest.fixture
def group(make_design_group):
    """Return a design group of three and a draft with "age"."""
    return make_design_group(age_question())


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_html(response)).split())


def _grant_ada(client, auth, group, db_session):
    auth.sign_in(group.sam)
    response = client.post(
        f"{group.base}/first-draft",
        data={"builders": [str(group.ada.id)], "reason": "Ada writes it first", **_day(7)},
    )
    assert response.status_code == 302, _text(response)
    poll = db_session.scalars(sa.select(Poll).where(Poll.subject == PollSubject.FIRST_DRAFT)).one()
    for person in group.everyone:
        auth.sign_in(person)
        client.post(
            f"{group.studies}/polls/{poll.id}/vote", data={"position": "agree", "reason": ""}
        )
    return poll


def test_the_group_names_a_builder_and_the_draft_says_who(client, auth, group, db_session):
    auth.sign_in(group.sam)
    page = _text(client.get(f"{group.base}/first-draft"))
    assert "Building the first draft" in page and "Nobody:" in page
    assert "Ada Brook" in page and "Lee Ward" not in page  # only the design group is offered
    poll = _grant_ada(client, auth, group, db_session)
    shown = _text(client.get(f"{group.studies}/polls/{poll.id}"))
    assert "Who may build the first draft" in shown and "Ada Brook" in shown
    draft = _text(client.get(f"{group.base}/"))
    assert "may change it directly until it is first published: Ada Brook" in draft
    log = _text(client.get(f"{group.base}/decisions"))
    assert "Named to build the first draft directly: Ada Brook" in log


def test_a_builder_changes_the_draft_directly_and_the_log_says_so(client, auth, group, db_session):
    _grant_ada(client, auth, group, db_session)
    auth.sign_in(group.ada)
    form = _text(client.get(f"{group.base}/questions/new?type=text"))
    assert "The group agreed that you may build the first draft directly" in form
    response = client.post(
        f"{group.base}/questions/new",
        data={
            **QUESTION,
            "label": "What do you eat?",
            "reason": "First draft",
            "place": "end:",
            "change_now": "Make this change now, without a vote",
        },
        follow_redirects=True,
    )
    assert "Changed." in _text(response)
    db_session.expire_all()
    assert drafts.draft_definition(db_session, group.questionnaire).find("what_do_you_eat")
    log = _text(client.get(f"{group.base}/decisions"))
    assert "Changed directly by Ada Brook, who the group named to build the first draft" in log


def test_someone_not_named_is_not_offered_a_direct_change(client, auth, group, db_session):
    _grant_ada(client, auth, group, db_session)
    auth.sign_in(group.pat)
    form = _text(client.get(f"{group.base}/questions/new?type=text"))
    assert "Make the change without a vote" not in form
    response = client.post(
        f"{group.base}/questions/new",
        data={
            **QUESTION,
            "label": "What do you eat?",
            "reason": "First draft",
            "place": "end:",
            "change_now": "Make this change now, without a vote",
        },
    )
    assert response.status_code == 200
    assert "suggestion and vote only" in _text(response)
    db_session.expire_all()
    assert drafts.draft_definition(db_session, group.questionnaire).find("what_do_you_eat") is None


def test_after_publishing_the_page_says_it_is_over(client, auth, group, db_session, app):
    _grant_ada(client, auth, group, db_session)
    with app.app_context():
        drafts.publish_version(
            db_session, questionnaire=group.questionnaire, published_by=group.sam
        )
    db_session.commit()
    auth.sign_in(group.ada)
    page = _text(client.get(f"{group.base}/first-draft"))
    assert "has been published" in page and "Ask the group" not in page
    form = _text(client.get(f"{group.base}/questions/new?type=text"))
    assert "Make the change without a vote" not in form


def test_a_bad_request_is_answered_beside_the_field(client, auth, group):
    auth.sign_in(group.sam)
    response = client.post(
        f"{group.base}/first-draft", data={"builders": [], "reason": "", **_day(7)}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "Say in your own words why you ask this" in text
    response = client.post(
        f"{group.base}/first-draft",
        data={"builders": ["99999"], "reason": "Someone", **_day(7)},
    )
    assert response.status_code == 400
    assert "design group" in _text(response)
