"""The facilitators' fieldwork pages: what came in, what was stopped, what is held back."""

from __future__ import annotations

import json

import sqlalchemy as sa

from surveys.fielding.models import HeldSubmission, Interview

from fielding_world import interview


def send(client, auth, fielding, *items) -> list[dict]:
    """Send interviews as the peer researcher; return the receipts."""
    auth.sign_in(fielding.interviewer)
    response = client.post(
        fielding.url,
        data=json.dumps({"interviews": list(items)}),
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
        csrf=False,
    )
    auth.sign_out()
    return response.get_json()["receipts"]


def test_the_fieldwork_page_counts_interviews_and_lists_stopped_and_held_ones(
    client, auth, fielding
):
    stopped = interview(
        fielding.version.id,
        status="stopped",
        stop_reason="upset",
        answers={"consent_read": True, "age": 81},
        repeats={},
    )
    too_young = interview(fielding.version.id)
    too_young["answers"]["age"] = 12
    send(client, auth, fielding, interview(fielding.version.id), stopped, too_young)
    auth.sign_in(fielding.facilitator)
    page = client.get(f"/studies/{fielding.study.slug}/fieldwork").get_data(as_text=True)
    assert "2 interviews received." in page
    assert "Pat Peer" in page
    assert "30 November 2026" in page
    assert "The person was upset" in page
    assert "It did not pass the checks" in page
    assert "breaks its rule (18 to 119)" in page


def test_an_interview_page_shows_answers_by_question_with_drops_and_notes(
    client, auth, fielding, db_session
):
    sent = interview(fielding.version.id)
    sent["answers"]["gets_help"] = "no"
    send(client, auth, fielding, sent)
    stored = db_session.scalar(sa.select(Interview))
    auth.sign_in(fielding.facilitator)
    page = client.get(f"/studies/{fielding.study.slug}/fieldwork/interviews/{stored.id}").get_data(
        as_text=True
    )
    assert page.index("How old are you?") < page.index("Do you get help at home?")
    assert "Health, Company, Money" in page  # a ranking in order, by its labels
    assert "People who help, 2" in page and "Bo" in page
    assert "help_kinds: not asked, so the answer was left out" in page
    assert "Not for release" in page and "the cat joined in" in page


def test_a_held_interview_shows_why_and_what_was_sent(client, auth, fielding, db_session):
    sent = interview(fielding.version.id)
    sent["answers"]["age"] = "seventy"
    send(client, auth, fielding, sent)
    held = db_session.scalar(sa.select(HeldSubmission))
    auth.sign_in(fielding.facilitator)
    page = client.get(f"/studies/{fielding.study.slug}/fieldwork/held/{held.id}")
    text = page.get_data(as_text=True)
    assert "should be a whole number" in text
    assert "seventy" in text


def test_interviews_of_another_study_are_not_found(client, auth, fielding, make_member):
    send(client, auth, fielding, interview(fielding.version.id))
    other = make_member(roles=["facilitator"])
    auth.sign_in(other.user)
    response = client.get(f"/studies/{other.study.slug}/fieldwork/interviews/1")
    assert response.status_code == 404
