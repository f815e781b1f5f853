"""The interviewer's pages: the home, the interview of a published version, the support page,
the service worker and the manifest (the tablet's behaviour is in tests/browser)."""

from __future__ import annotations

import html
import json
import re

import pytest

from consent import services as consent_services
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
    assert f"/interviewing/versions/{version.id}/en" in page.replace("\\/", "/")
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


# --- the consent step ---------------------------------------------------------------------------


def consent_form(languages=("en", "cy")) -> dict:
    """Return a consent form in two languages, with an easy-read sheet that has a picture."""
    content = consent_services.default_content()
    content["languages"] = list(languages)
    content["language_names"] = {"en": "English", "cy": "Cymraeg"}
    content["title"]["cy"] = "Cymryd rhan yn ein hastudiaeth"
    content["sheet"]["cy"] = [{"kind": "paragraph", "text": "Rydym eisiau clywed gennych."}]
    content["easy_read"] = {
        "en": [
            {
                "text": "We want to hear from you.",
                "picture": "ab12.png",
                "alt": "Two people talking",
            }
        ]
    }
    return content


@pytest.fixture
def consent_version(db_session, fieldwork):
    """Publish a consent form in the fieldwork study; return its version."""
    study, user, _version = fieldwork
    consent_services.set_draft_content(db_session, study=study, content=consent_form())
    version = consent_services.publish_draft(
        db_session, study=study, by=user, requires_reconsent=False
    )
    db_session.commit()
    return version


def test_the_consent_step_shows_the_sheet_statements_and_ways_to_agree(
    client, auth, fieldwork, consent_version
):
    """The page holds every screen of the consent step, in the chosen language."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    response = client.get(f"/studies/{study.slug}/interviewing/consent/{consent_version.id}/en")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How will the person agree?" in text
    assert "Someone agrees for them (a consultee)" in text
    assert "We want to hear about your experience of care and support." in text
    assert "Show the easy-read version" in text
    assert f"/studies/{study.slug}/consent/form/pictures/ab12.png" in text
    assert 'alt="Two people talking"' in text
    assert "I agree that my words can be quoted, without my name." in text
    assert "The person must agree to this to take part." in text
    assert "Sign here" in text
    assert "fielding/consent_app.js" in text
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_consent_step_in_another_language_and_its_switch(
    client, auth, fieldwork, consent_version
):
    """The Welsh page shows the Welsh sheet and links back to English."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    text = client.get(
        f"/studies/{study.slug}/interviewing/consent/{consent_version.id}/cy"
    ).get_data(as_text=True)
    assert "Rydym eisiau clywed gennych." in text
    assert f"/interviewing/consent/{consent_version.id}/en" in text
    assert "Cymryd rhan yn ein hastudiaeth" in text
    assert 'lang="cy"' in text


@pytest.mark.parametrize(
    "path",
    [
        "consent/{version}/fr",  # a language the form is not written in
        "consent/{unknown}/en",  # no such version
    ],
)
def test_the_consent_step_of_an_unknown_version_or_language_is_not_found(
    client, auth, fieldwork, consent_version, path
):
    """Only a published version, in one of its languages, is shown."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    url = f"/studies/{study.slug}/interviewing/" + path.format(
        version=consent_version.id, unknown=consent_version.id + 1000
    )
    assert client.get(url).status_code == 404


def test_a_draft_consent_form_is_not_shown_on_the_tablet(
    client, auth, db_session, fieldwork, consent_version
):
    """The draft that follows a published version has no consent step yet."""
    study, user, _version = fieldwork
    draft = consent_services.draft_of(db_session, study)
    db_session.commit()
    auth.sign_in(user)
    assert (
        client.get(f"/studies/{study.slug}/interviewing/consent/{draft.id}/en").status_code == 404
    )


def test_the_consent_step_of_another_study_is_not_found(client, auth, consent_version, make_member):
    """A consent form version id from another study answers 404, not its wording."""
    other = make_member(roles=[Role.PEER_RESEARCHER])
    auth.sign_in(other.user)
    url = f"/studies/{other.study.slug}/interviewing/consent/{consent_version.id}/en"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.CO_RESEARCHER, Role.ACADEMIC_PARTNER])
def test_only_interviewers_open_the_consent_step(
    client, auth, fieldwork, consent_version, make_member, role
):
    """Members who do not interview are refused the tablet's consent step."""
    study, _user, _version = fieldwork
    member = make_member(study=study, roles=[role])
    auth.sign_in(member.user)
    url = f"/studies/{study.slug}/interviewing/consent/{consent_version.id}/en"
    assert client.get(url).status_code == 403


def test_the_home_carries_the_consent_bundle_and_keeps_the_consent_pages(
    client, auth, fieldwork, consent_version
):
    """The home's settings hold the form, the study's public key and participants by code;
    the service worker is asked to keep the consent step and its pictures."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/").get_data(as_text=True)
    settings = json.loads(html.unescape(re.search(r"data-settings='([^']*)'", page).group(1)))
    keep = json.loads(html.unescape(re.search(r"data-keep='([^']*)'", page).group(1)))
    bundle = settings["consent"]
    assert bundle["form"]["version_id"] == consent_version.id
    assert bundle["form"]["languages"] == ["en", "cy"]
    assert len(bundle["key"]["kid"]) == 32
    assert bundle["participants"] == []
    assert settings["consentPages"]["cy"] == (
        f"/studies/{study.slug}/interviewing/consent/{consent_version.id}/cy"
    )
    assert settings["copies"] == f"/studies/{study.slug}/consent/copies/"
    assert f"/studies/{study.slug}/interviewing/consent/{consent_version.id}/en" in keep
    assert f"/studies/{study.slug}/consent/form/pictures/ab12.png" in keep
    assert "Who is taking part?" in page
    assert "Name" not in bundle  # codes only


def test_without_a_consent_form_no_interview_can_start(client, auth, fieldwork):
    """The home says plainly that a consent form must be published first."""
    study, user, _version = fieldwork
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/").get_data(as_text=True)
    assert "this study has no consent form" in page
    assert "data-start-interview" not in page
