"""The sync API against a database of its own: two identical posts at once, and fuzzing.

These tests need committed data seen by several connections, so they build their own app
and database instead of the rolled-back test session.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from peer_research import create_app
from peer_research.accounts.services import create_user
from peer_research.db import db
from peer_research.migrate import upgrade
from peer_research.studies.services import Role, add_member, create_study
from surveys.fielding.models import Interview
from surveys.services import import_questionnaire, publish_version

from consent_world import give_consent
from fielding_world import CODE, FIELDING_FORM, interview
from support import PASSWORD, config_for_tests, fresh_database_url


@dataclass
class LiveStudy:
    """An app with its own database, a study with a published version, its interviewer."""

    app: object
    slug: str
    version_id: int
    username: str


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveStudy:
    """Build the app and its study once for this module."""
    folder = tmp_path_factory.mktemp("fielding_live")
    url = fresh_database_url(os.environ.get("TEST_DATABASE_URL"), "pr_fielding_live", folder)
    upgrade(url)
    app = create_app(
        config_for_tests(url, WTF_CSRF_ENABLED=False), instance_path=str(folder / "instance")
    )
    with app.app_context():
        session = db.session
        person = create_user(session, username="pat", display_name="Pat", password=PASSWORD)
        study = create_study(session, slug="live-study", title="Live", created_by=None)
        add_member(session, study=study, user=person, roles=[Role.PEER_RESEARCHER], added_by=None)
        questionnaire = import_questionnaire(
            session, study=study, definition=FIELDING_FORM, imported_by=person
        )
        version = publish_version(session, questionnaire=questionnaire, published_by=person)
        give_consent(session, study, person, person, CODE, app.config)
        db.commit()
        live_study = LiveStudy(app, study.slug, version.id, person.username)
    yield live_study
    app.extensions["database"].engine.dispose()


def signed_in_client(live: LiveStudy):
    """Return a test client signed in as the interviewer."""
    client = live.app.test_client()
    response = client.post("/sign-in", data={"username": live.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_two_identical_posts_at_the_same_moment_store_one_interview(live):
    sent = json.dumps({"interviews": [interview(live.version_id)]})
    clients = [signed_in_client(live), signed_in_client(live)]
    start = threading.Barrier(2)
    answers: list = [None, None]

    def post(index: int) -> None:
        start.wait()
        answers[index] = clients[index].post(
            f"/api/v1/studies/{live.slug}/interviews", data=sent, content_type="application/json"
        )

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [200, 200]
    outcomes = sorted(answer.get_json()["receipts"][0]["outcome"] for answer in answers)
    assert outcomes == ["accepted", "already_received"]
    uuid = json.loads(sent)["interviews"][0]["uuid"]
    with live.app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == uuid)
        )
    assert count == 1


def test_the_sync_api_never_answers_500_to_what_its_document_allows(live):
    """Fuzz every operation of the served OpenAPI document (schemathesis) as the interviewer."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", live.app)
    cookie = signed_in_client(live).get_cookie("peer_research_session")
    assert cookie is not None
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9  # interviews 3, consent 3, wellbeing 3

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            if "study_slug" in (case.path_parameters or {}):
                case.path_parameters["study_slug"] = live.slug  # the sync itself, not a 404
            response = case.call(cookies={cookie.key: cookie.value})
            assert response.status_code < 500, (case.path, response.text[:500])

        call()
