"""The sync API through the test client: who may use it, receipts, and every bad request."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from surveys.fielding import limits
from surveys.fielding.models import Interview

from fielding_world import interview


def post_batch(client, url, body, *, csrf=True, content_type="application/json"):
    """POST a body (JSON-encoded unless bytes) with the CSRF token in the header."""
    headers = {"X-CSRFToken": client.csrf_token()} if csrf else {}
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, headers=headers, content_type=content_type, csrf=False)


def assert_problem(response, status: int) -> dict:
    """Check a problem details answer and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"]
    return body


def interviews_stored(db_session) -> int:
    """Count the stored interviews."""
    return db_session.scalar(sa.select(sa.func.count()).select_from(Interview))


def test_a_peer_researcher_sends_a_batch_and_gets_a_receipt_each(
    client, auth, fielding, db_session
):
    auth.sign_in(fielding.interviewer)
    first, second = interview(fielding.version.id), interview(fielding.version.id)
    response = post_batch(client, fielding.url, {"interviews": [first, second]})
    assert response.status_code == 200
    receipts = response.get_json()["receipts"]
    assert [(r["uuid"], r["outcome"]) for r in receipts] == [
        (first["uuid"], "accepted"),
        (second["uuid"], "accepted"),
    ]
    again = post_batch(client, fielding.url, {"interviews": [first]}).get_json()["receipts"]
    assert again[0]["outcome"] == "already_received"
    assert again[0]["received_at"] == receipts[0]["received_at"]
    assert interviews_stored(db_session) == 2


def test_an_ended_session_gets_401_not_the_sign_in_page(client, fielding):
    response = post_batch(client, fielding.url, {"interviews": []})
    assert_problem(response, 401)
    assert_problem(client.get(f"/api/v1/studies/{fielding.study.slug}/questionnaires"), 401)


@pytest.mark.parametrize("who", ["facilitator", "outsider"])
def test_someone_who_is_not_a_peer_researcher_is_refused_and_audited(
    client, auth, fielding, db_session, make_user, who
):
    person = fielding.facilitator if who == "facilitator" else make_user()
    auth.sign_in(person)
    response = post_batch(client, fielding.url, {"interviews": [interview(fielding.version.id)]})
    assert_problem(response, 403)
    assert_problem(client.get(f"/api/v1/studies/{fielding.study.slug}/questionnaires"), 403)
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "sync_refused")
    ).all()
    assert len(events) == 2
    assert {event.actor_id for event in events} == {person.id}
    assert {event.study_id for event in events} == {fielding.study.id}
    assert interviews_stored(db_session) == 0


def test_a_post_without_the_csrf_token_is_refused(client, auth, fielding, db_session):
    auth.sign_in(fielding.interviewer)
    response = post_batch(
        client, fielding.url, {"interviews": [interview(fielding.version.id)]}, csrf=False
    )
    assert_problem(response, 400)
    assert interviews_stored(db_session) == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("", "application/json", 400),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400),
        ({"interviews": [interview(1)]}, "text/plain", 415),
        ([], "application/json", 400),
        ({"interviews": "all of them"}, "application/json", 400),
        ({"interviews": [], "extra": 1}, "application/json", 400),
        ({}, "application/json", 400),
        ("null", "application/json", 400),
        ({"interviews": [{}] * (limits.MAX_INTERVIEWS_PER_BATCH + 1)}, "application/json", 413),
        ("x" * (limits.MAX_REQUEST_BYTES + 10), "application/json", 413),
    ],
)
def test_a_malformed_batch_gets_problem_details_and_nothing_is_stored(
    client, auth, fielding, db_session, body, content_type, status
):
    auth.sign_in(fielding.interviewer)
    if isinstance(body, dict) and content_type == "text/plain":
        body = json.dumps(body)
    response = post_batch(client, fielding.url, body, content_type=content_type)
    problem = assert_problem(response, status)
    assert problem["detail"]
    assert interviews_stored(db_session) == 0


def test_field_errors_name_where_the_batch_is_wrong(client, auth, fielding):
    auth.sign_in(fielding.interviewer)
    response = post_batch(client, fielding.url, {"interviews": "all"})
    problem = assert_problem(response, 400)
    assert problem["errors"][0]["location"] == "interviews"


def test_one_bad_interview_in_a_batch_gets_its_own_receipt(client, auth, fielding, db_session):
    auth.sign_in(fielding.interviewer)
    good = interview(fielding.version.id)
    unknown_version = interview(99999)
    wrong_type = interview(fielding.version.id)
    wrong_type["answers"]["age"] = [1, 2]
    response = post_batch(
        client, fielding.url, {"interviews": [good, unknown_version, wrong_type, 42]}
    )
    outcomes = [r["outcome"] for r in response.get_json()["receipts"]]
    assert outcomes == ["accepted", "quarantined", "quarantined", "refused"]
    assert interviews_stored(db_session) == 1


def test_the_interviewer_lists_questionnaires_and_fetches_a_version_for_good(
    client, auth, fielding
):
    auth.sign_in(fielding.interviewer)
    listed = client.get(f"/api/v1/studies/{fielding.study.slug}/questionnaires").get_json()
    (entry,) = listed["questionnaires"]
    assert entry["version_id"] == fielding.version.id
    assert entry["title"] == "Help at home"
    assert entry["version_number"] == 1
    response = client.get(entry["definition_url"])
    assert response.status_code == 200
    assert response.get_json()["title"] == "Help at home"
    assert "immutable" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    cached = client.get(entry["definition_url"], headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_a_version_is_not_given_to_people_who_do_not_interview_for_its_study(
    client, auth, fielding, db_session
):
    auth.sign_in(fielding.facilitator)
    assert_problem(client.get(f"/api/v1/versions/{fielding.version.id}"), 403)
    assert_problem(client.get("/api/v1/versions/999999"), 404)
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sync_refused"))
    assert event.study_id == fielding.study.id


def test_an_unknown_study_is_404_problem_details(client, auth, fielding):
    auth.sign_in(fielding.interviewer)
    assert_problem(post_batch(client, "/api/v1/studies/no-such-study/interviews", {}), 404)


def test_the_openapi_document_describes_the_sync(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    batch = document["components"]["schemas"]["Batch"]
    assert batch["properties"]["interviews"]["maxItems"] == limits.MAX_INTERVIEWS_PER_BATCH
    assert "/studies/{study_slug}/interviews" in document["paths"]
