"""The interviewer's pages: the home, the interview of a published version, the support page,
the service worker and the manifest (the tablet's behaviour is in tests/browser)."""

from __future__ import annotations

import json

import pytest

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as surveys


@pytest.fixture
def fieldwork(db_session, make_member, make_study):
    """Create a study with a published two-language questionnaire and a peer researcher."""
    study = make_study()
    member = make_member(study=study, roles=[Role.PEER_RESEARCHER])
    questionnaire = surveys.create_questionnaire(
        db_session,
        study=study,
        title="What helps at home",
        languages=[d.Language("en", "English"), d.Language("cy", "Cymraeg")],
        created_by=member.user,
    )
    surveys.add_item(
        db_session,
        questionnaire=questionnaire,
        changed_by=member.user,
        item=d.Question(
            name="age",
            type=d.QuestionType.INTEGER,
            label={"en": "How old are you?", "cy": "Faint yw eich oed?"},
        ),
    )
    version = surveys.publish_version(
        db_session, questionnaire=questionnaire, published_by=member.user
    )
    db_session.commit()
    return study, member.user, version


def test_home_offers_the_latest_version_and_says_the_app_needs_javascript(client, auth, fieldwork):
    """The home links to the interview and tells people without JavaScript plainly."""
    study, user, version = fieldwork
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/").get_data(as_text=True)
    assert f"/interviewing/versions/{version.id}/en" in page
    assert "The interview app needs JavaScript" in page
    assert '<meta name="csrf-token"' in page
    assert "manifest.webmanifest" in page


def test_the_interview_is_drawn_a_question_per_screen_in_the_chosen_language(
    client, auth, fieldwork
):
    """The interview page uses the preview's renderer, paged, in each language."""
    study, user, version = fieldwork
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/versions/{version.id}/cy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "data-paged" in text
    assert "Faint yw eich oed?" in text
    assert "Need to stop or pause?" in text
    assert (
        client.get(f"/studies/{study.slug}/interviewing/versions/{version.id}/fr").status_code
        == 404
    )


def test_a_version_of_another_study_is_not_found(client, auth, fieldwork, make_member):
    """A version id from another study answers 404, not the other study's questions."""
    _study, _user, version = fieldwork
    other = make_member(roles=[Role.PEER_RESEARCHER])
    auth.sign_in(other.user)
    response = client.get(f"/studies/{other.study.slug}/interviewing/versions/{version.id}/en")
    assert response.status_code == 404


def test_the_service_worker_covers_the_app_and_keeps_its_shell(client, auth, fieldwork):
    """The worker is JavaScript, scoped to the fieldwork pages, under the strict CSP."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    response = client.get(f"/studies/{study.slug}/interviewing/service-worker.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == f"/studies/{study.slug}/interviewing/"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert "/static/js/interview.js" in body
    assert "/static/js/logic.js" in body


def test_the_manifest_starts_the_app_at_the_interviewers_home(client, auth, fieldwork):
    """The manifest is JSON whose start address and scope are the study's fieldwork."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    response = client.get(f"/studies/{study.slug}/interviewing/manifest.webmanifest")
    manifest = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/manifest+json"
    assert manifest["start_url"] == manifest["scope"] == f"/studies/{study.slug}/interviewing/"
    assert manifest["display"] == "standalone"
