"""The interviewer's check-in and debrief pages on the tablet, "I'd like to talk to someone"
on every page, and the study's support on the support page (the tablet's behaviour is in
tests/browser/test_fieldwork_wellbeing.py)."""

from __future__ import annotations

import html
import json
import re

import pytest

from peer_research.studies.models import Role


@pytest.fixture
def interviewer(db_session, make_member, make_study):
    """Create a study with a peer researcher."""
    study = make_study()
    member = make_member(study=study, roles=[Role.PEER_RESEARCHER])
    db_session.commit()
    return study, member.user


def settings_of(page: str, attribute: str = "data-settings") -> dict:
    """Return the JSON settings a page gives its scripts in one attribute."""
    return json.loads(html.unescape(re.search(rf"{attribute}='([^']*)'", page).group(1)))


def test_the_check_in_asks_the_studys_questions_a_question_per_screen(client, auth, interviewer):
    """The check-in draws the study's questions with the interview's macros, paged, and
    tells its script the low score and the interviewer's daily limit."""
    study, user = interviewer
    auth.sign_in(user)
    response = client.get(f"/studies/{study.slug}/interviewing/check-in")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Before the interview" in page
    assert "data-paged" in page
    assert 'data-type="rating"' in page
    assert "app-rating--faces" in page
    assert "I&#39;d like to talk to someone" in page or "I'd like to talk to someone" in page
    settings = settings_of(page)
    assert settings["lowScore"] >= 1
    assert "dailyLimit" in settings
    assert settings["debrief"] == f"/studies/{study.slug}/interviewing/debrief"


def test_the_debrief_ends_with_the_studys_support(client, auth, interviewer):
    """The debrief asks how the interviewer feels now and carries the support resources."""
    study, user = interviewer
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/debrief").get_data(as_text=True)
    assert "After the interview" in page
    assert "Support for you" in page
    assert "Back to interviews" in page


def test_talk_to_someone_is_on_every_page_of_the_app(client, auth, interviewer):
    """Every page of the interview app offers "I'd like to talk to someone"."""
    study, user = interviewer
    auth.sign_in(user)
    for path in ["", "check-in", "debrief", "support"]:
        page = client.get(f"/studies/{study.slug}/interviewing/{path}").get_data(as_text=True)
        assert "data-talk " in page, path
        talk = settings_of(page, "data-talk-settings")
        assert talk == {
            "owner": str(user.id),
            "study": study.slug,
            "api": "/api/v1",
            "home": f"/studies/{study.slug}/interviewing/",
        }


def test_the_support_page_lists_the_studys_support_for_the_interviewer(client, auth, interviewer):
    """The support page shows the study's resources, and the way on to the debrief."""
    study, user = interviewer
    auth.sign_in(user)
    page = client.get(f"/studies/{study.slug}/interviewing/support?stopped=1").get_data(
        as_text=True
    )
    assert "Support for you" in page
    assert "data-debrief-next" in page
    assert "Looking after the person" in page


def test_the_service_worker_keeps_the_check_in_and_debrief(client, auth, interviewer):
    """The check-in and the debrief open without a signal: the service worker keeps them."""
    study, user = interviewer
    auth.sign_in(user)
    worker = client.get(f"/studies/{study.slug}/interviewing/service-worker.js")
    text = worker.get_data(as_text=True)
    assert f"/studies/{study.slug}/interviewing/check-in" in text
    assert f"/studies/{study.slug}/interviewing/debrief" in text
    assert "js/fielding/wellbeing_app.js" in text
    assert "js/fielding/talk.js" in text


@pytest.mark.parametrize("role", [Role.CO_RESEARCHER, Role.FACILITATOR, Role.ACADEMIC_PARTNER])
@pytest.mark.parametrize("path", ["check-in", "debrief"])
def test_only_interviewers_open_the_check_in_and_debrief(
    client, auth, interviewer, make_member, role, path
):
    """Members who do not interview get 403, non-members too."""
    study, _user = interviewer
    other = make_member(study=study, roles=[role])
    auth.sign_in(other.user)
    assert client.get(f"/studies/{study.slug}/interviewing/{path}").status_code == 403


def test_the_check_in_of_an_unknown_study_is_not_found(client, auth, interviewer):
    """An unknown study answers 404."""
    _study, user = interviewer
    auth.sign_in(user)
    assert client.get("/studies/no-such-study/interviewing/check-in").status_code == 404
