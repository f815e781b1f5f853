"""The questionnaire pages: start one, add and change questions, move, delete, undo, publish."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from peer_research.studies.models import Role
from surveys.models import DraftItem, Questionnaire, QuestionnaireVersion

from support import page_text


@pytest.fixture
def signed_in(client, auth, facilitator):
    """Sign the facilitator in and return the study's questionnaire pages' address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires"


def draft_url(base: str, questionnaire) -> str:
    return f"{base}/{questionnaire.id}/"


def test_start_a_questionnaire(client, signed_in, db_session):
    response = client.post(
        f"{signed_in}/new",
        data={"title": "What helps at home", "language_name": "English", "language_code": "en"},
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "What helps at home" in page and "The draft is empty" in page
    assert db_session.scalar(sa.select(Questionnaire)).languages == [
        {"code": "en", "name": "English"}
    ]


def test_bad_language_code_is_explained(client, signed_in):
    response = client.post(
        f"{signed_in}/new",
        data={"title": "T", "language_name": "English", "language_code": "english!"},
    )
    assert "Use a language code like en" in page_text(response)


def add(client, base, questionnaire, **data):
    """Post the add-question form."""
    fields = {"type": "text", "label": "What is your name?", "privacy": "none", "appearance": ""}
    return client.post(f"{base}/{questionnaire.id}/questions/new", data={**fields, **data})


def test_add_a_choice_question_and_see_it_in_the_draft(client, signed_in, questionnaire):
    response = add(
        client,
        signed_in,
        questionnaire,
        type="select_one",
        label="Who helps you most?",
        choices="Family\nFriends\nPaid carers",
        other_option="y",
        required="y",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#item-who_helps_you_most")
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Who helps you most?" in page
    assert "Paid carers" in page and "Other, please say" in page and "needs an answer" in page


def test_logic_naming_a_missing_question_is_shown_beside_the_field(
    client, signed_in, questionnaire, db_session
):
    response = add(
        client, signed_in, questionnaire, label="Which school?", relevance="${agee} < 18"
    )
    assert response.status_code == 200
    assert 'id="relevance-error"' in response.get_data(as_text=True)
    assert "agee" in page_text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DraftItem)) == 0


def test_broken_logic_syntax_is_explained(client, signed_in, questionnaire):
    response = add(client, signed_in, questionnaire, label="Q", constraint=". > (3")
    assert 'id="constraint-error"' in response.get_data(as_text=True)


def test_change_a_question(client, signed_in, questionnaire, db_session):
    add(client, signed_in, questionnaire, label="Your name", name="name")
    edit_url = f"{signed_in}/{questionnaire.id}/items/name/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'name="revision" type="hidden" value="1"' in form
    response = client.post(
        edit_url,
        data={
            "type": "text",
            "label": "What should we call you?",
            "name": "name",
            "privacy": "direct_identifier",
            "appearance": "",
            "revision": "1",
        },
    )
    assert response.status_code == 302
    assert "What should we call you?" in page_text(client.get(draft_url(signed_in, questionnaire)))


def test_second_person_saving_an_old_copy_is_told(client, signed_in, questionnaire):
    add(client, signed_in, questionnaire, label="Your name", name="name")
    edit_url = f"{signed_in}/{questionnaire.id}/items/name/edit"
    base = {"type": "text", "name": "name", "privacy": "none", "appearance": "", "revision": "1"}
    client.post(edit_url, data={**base, "label": "First person's wording"})
    response = client.post(edit_url, data={**base, "label": "Second person's wording"})
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone else saved this question while you were editing" in page
    assert "Their version" in page and "First person's wording" in page
    assert "First person's wording" in page_text(client.get(draft_url(signed_in, questionnaire)))


def test_move_delete_and_undo(client, signed_in, questionnaire):
    add(client, signed_in, questionnaire, label="First", name="first")
    add(client, signed_in, questionnaire, label="Second", name="second")
    client.post(f"{signed_in}/{questionnaire.id}/items/second/move", data={"direction": "up"})
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert page.index("Second") < page.index("First")
    client.post(f"{signed_in}/{questionnaire.id}/items/second/delete")
    page = client.get(draft_url(signed_in, questionnaire)).get_data(as_text=True)
    assert "second was deleted" in page_text_of(page)
    restore = re.search(r'action="([^"]+/restore)"', page).group(1)
    client.post(restore)
    assert "Second" in page_text(client.get(draft_url(signed_in, questionnaire)))


def page_text_of(html: str) -> str:
    """Return the text of an HTML string."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_sections_and_moving_into_them(client, signed_in, questionnaire):
    client.post(
        f"{signed_in}/{questionnaire.id}/sections/new",
        data={"label": "People who help", "name": "helpers", "repeat": "y"},
    )
    add(client, signed_in, questionnaire, label="Their first name", name="helper_name")
    move_page = client.get(f"{signed_in}/{questionnaire.id}/items/helper_name/section")
    assert "People who help" in page_text(move_page)
    client.post(
        f"{signed_in}/{questionnaire.id}/items/helper_name/section", data={"section": "helpers"}
    )
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Section that repeats" in page


def test_publish_then_view_the_frozen_version(client, signed_in, questionnaire, db_session):
    add(client, signed_in, questionnaire, label="Your age", name="age", type="integer")
    response = client.post(f"{signed_in}/{questionnaire.id}/publish")
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Version 1 is published" in page and "Your age" in page
    assert db_session.scalar(sa.select(QuestionnaireVersion.number)) == 1


def test_empty_draft_cannot_be_published(client, signed_in, questionnaire, db_session):
    response = client.post(f"{signed_in}/{questionnaire.id}/publish", follow_redirects=True)
    assert "cannot be published" in page_text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireVersion)) == 0


def test_live_check_reports_problems_as_json(client, signed_in, questionnaire):
    url = f"{signed_in}/{questionnaire.id}/check"
    token = client.csrf_token()
    response = client.post(
        url,
        json={"field": "relevance", "expression": "${nope} = 1"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "nope" in response.json["problems"][0]
    bad = client.post(
        url, json={"field": "sideways", "expression": "1"}, headers={"X-CSRFToken": token}
    )
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "application/problem+json"


def test_questionnaire_of_another_study_is_out_of_reach(
    client, signed_in, make_member, app, db_session
):
    from surveys.services import create_questionnaire

    from builders import ENGLISH

    other = make_member(roles=[Role.FACILITATOR])
    with app.app_context():
        theirs = create_questionnaire(
            db_session, study=other.study, title="Theirs", languages=[ENGLISH], created_by=None
        )
    db_session.commit()
    assert client.get(f"{signed_in}/{theirs.id}/").status_code == 404
    assert add(client, signed_in, theirs).status_code == 404


def test_academic_partner_reads_but_cannot_edit(
    client, auth, facilitator, make_member, questionnaire
):
    partner = make_member(study=facilitator.study, roles=[Role.ACADEMIC_PARTNER])
    auth.sign_in(partner.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires"
    page = page_text(client.get(f"{base}/{questionnaire.id}/"))
    assert "What helps at home" in page and "Add a question" not in page
    assert client.get(f"{base}/{questionnaire.id}/questions/new").status_code == 403


def test_each_question_shows_its_reading_ease_and_jargon(client, signed_in, questionnaire):
    add(client, signed_in, questionnaire, label="Is co-production with service users working?")
    page = page_text(client.get(draft_url(signed_in, questionnaire)))
    assert "Reading ease:" in page
    assert "Jargon: “co-production”, try “working together”" in page


def test_ten_thousand_brackets_are_refused_beside_the_field(client, signed_in, questionnaire):
    response = add(client, signed_in, questionnaire, label="Q", relevance="(" * 10_000 + "1")
    assert response.status_code == 200
    assert 'id="relevance-error"' in response.get_data(as_text=True)
