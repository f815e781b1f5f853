"""The preview: every question type drawn as the interview will draw it, in each language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peer_research.studies.models import Role
from surveys import definition as d
from surveys.rendering import RenderContext, face_number, untranslated_count
from surveys.services import add_item, create_questionnaire, publish_version, update_item

from builders import ENGLISH, question, section
from support import page_text

WELSH = d.Language("cy", "Cymraeg")
ARABIC = d.Language("ar", "العربية")
FACES = Path(__file__).resolve().parents[2] / "peer_research" / "static" / "img" / "faces"


def every_kind() -> list[d.Item]:
    """Return one question of every kind, a calculation and a repeat section."""
    points = tuple(d.Choice(str(n), {"en": f"Point {n}"}) for n in range(1, 6))
    return [
        question(
            "drinks_tea",
            d.QuestionType.YES_NO,
            required=True,
            choices=(d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"})),
        ),
        question("why_tea", relevance="${drinks_tea} = 'yes'", hint={"en": "You said ${age}"}),
        question(
            "age",
            d.QuestionType.INTEGER,
            constraint=". >= 18 and . < 120",
            constraint_message={"en": "Ask someone 18 or over"},
        ),
        question("height", d.QuestionType.DECIMAL),
        question("story", d.QuestionType.LONG_TEXT),
        question("visit_day", d.QuestionType.DATE),
        question("visit_time", d.QuestionType.TIME),
        question("who_helps", d.QuestionType.SELECT_ONE, other_option=True),
        question("services", d.QuestionType.SELECT_MULTIPLE, other_option=True),
        question("mood", d.QuestionType.RATING, appearance="faces", choices=points),
        question("order", d.QuestionType.RANKING),
        question("agreed", d.QuestionType.ACKNOWLEDGE),
        question("welcome", d.QuestionType.NOTE),
        question("county", d.QuestionType.SELECT_ONE, appearance="minimal"),
        question("double_age", d.QuestionType.CALCULATE, calculation="${age} * 2", label={}),
        section("helpers", question("helper_name"), repeat=True),
    ]


@pytest.fixture
def filled(app, db_session, facilitator, questionnaire):
    """Fill the questionnaire draft with every kind of question."""
    with app.app_context():
        for item in every_kind():
            add_item(
                db_session, questionnaire=questionnaire, item=item, changed_by=facilitator.user
            )
    db_session.commit()
    return questionnaire


def preview_url(facilitator, questionnaire, suffix: str = "preview") -> str:
    return f"/studies/{facilitator.study.slug}/questionnaires/{questionnaire.id}/{suffix}"


def test_preview_draws_every_kind_with_the_documented_input_names(
    client, auth, facilitator, filled
):
    auth.sign_in(facilitator.user)
    response = client.get(preview_url(facilitator, filled))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = page_text(response)
    assert "This is a preview: nothing you enter is saved." in text
    assert "every question is shown" in text  # the note the script hides
    for name in [
        'name="drinks_tea" type="radio" value="yes"',
        'name="age" value=""',
        'name="visit_day:day"',
        'name="visit_day:month"',
        'name="visit_day:year"',
        'name="visit_time" value="" data-answer aria-describedby="q-visit_time-error" type="time"',
        'name="who_helps" type="radio" value="other"',
        'name="who_helps:other"',
        'name="services" type="checkbox" value="other"',
        'name="order:rank:yes"',
        'name="agreed" type="checkbox" value="OK"',
        'name="helpers[0].helper_name"',
        'name="helpers[__i.helpers__].helper_name"',  # the template new repeat items copy
        'type="hidden" name="double_age"',
    ]:
        assert name in body, name
    assert re.search(r'<textarea[^>]*name="story"', body)
    assert re.search(r'<select class="govuk-select" id="q-county" name="county"', body)
    # Nothing here posts answers anywhere.
    interview = body[body.index("data-interview") : body.index("Hidden calculations")]
    assert "<form" not in interview and 'type="submit"' not in interview


def test_logic_travels_with_each_question_for_the_script(client, auth, facilitator, filled):
    auth.sign_in(facilitator.user)
    body = client.get(preview_url(facilitator, filled)).get_data(as_text=True)
    assert 'data-key="why_tea" data-field="why_tea" data-type="text"' in body
    assert 'data-relevance="${drinks_tea} = &#39;yes&#39;"' in body
    assert 'data-constraint=". &gt;= 18 and . &lt; 120"' in body
    assert 'data-constraint-message="Ask someone 18 or over"' in body
    assert 'data-calculation="${age} * 2"' in body
    assert re.search(r'data-field="drinks_tea" data-type="yes_no"[^>]* data-required', body)
    # ${age} in a hint becomes a placeholder the script fills in.
    assert '<span class="app-output" data-output="age"></span>' in body
    assert 'src="/static/js/interview.js?v=' in body and 'src="/static/js/read_aloud.js?v=' in body


def test_questions_are_grouped_with_labels_hints_and_error_slots(client, auth, facilitator, filled):
    auth.sign_in(facilitator.user)
    body = client.get(preview_url(facilitator, filled)).get_data(as_text=True)
    # Choices sit in a fieldset named by its legend; inputs have labels; errors are linked.
    assert re.search(
        r'<fieldset class="govuk-fieldset" aria-describedby="q-drinks_tea-error">\s*'
        r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">',
        body,
    )
    assert '<label class="govuk-label govuk-label--m" for="q-age">' in body
    assert 'aria-describedby="q-why_tea-hint q-why_tea-error"' in body
    assert '<p id="q-age-error" class="govuk-error-message" data-error hidden>' in body
    assert 'role="group"' in body  # the date's three boxes
    # Read aloud is hidden until the script finds the browser can speak.
    # One per question shown: 14, the repeat's question and its template copy; none for sums.
    assert body.count("data-read-aloud hidden") == 16


def test_easy_read_rating_shows_faces_beside_the_words(client, auth, facilitator, filled):
    auth.sign_in(facilitator.user)
    body = client.get(preview_url(facilitator, filled)).get_data(as_text=True)
    faces = re.findall(
        r'<img class="app-face" src="/static/img/faces/(face-\d).svg\?v=[0-9a-f]{12}" alt=""', body
    )
    assert faces == ["face-1", "face-2", "face-3", "face-4", "face-5"]
    assert "Point 1" in page_text(client.get(preview_url(facilitator, filled)))


def test_face_files_are_plain_pictures():
    for number in range(1, 6):
        svg = (FACES / f"face-{number}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<title>" in svg
        assert "script" not in svg.lower() and "href" not in svg.lower()


def test_faces_run_from_saddest_to_happiest_whatever_the_length():
    assert [face_number(i, 5) for i in range(5)] == [1, 2, 3, 4, 5]
    assert [face_number(i, 3) for i in range(3)] == [1, 3, 5]
    assert [face_number(i, 7) for i in range(7)] == [1, 2, 2, 3, 4, 4, 5]
    assert face_number(0, 1) == 3


def test_input_names_for_nested_repeats_and_parts():
    definition = d.FormDefinition(title="T", languages=(ENGLISH,))
    inner = section("helpers", question("helper_name"), repeat=True)
    outer = section("visits", inner, repeat=True)
    helper = question("helper_name")
    context = RenderContext(definition=definition, language=ENGLISH)
    nested = context.inside(outer, 1).inside(inner, 0)
    assert nested.field(helper) == "visits[1].helpers[0].helper_name"
    assert nested.id(helper, "other") == "q-visits[1].helpers[0].helper_name:other"
    assert context.inside(outer, 1).placeholder(inner) == "__i.visits[1].helpers__"
    answered = RenderContext(
        definition=definition,
        language=ENGLISH,
        values={"helpers[0].helper_name": "Ann", "helpers[2].helper_name": "Bo"},
    )
    assert answered.instance_count(inner) == 3
    assert context.instance_count(inner) == 1


def test_given_answers_and_errors_are_drawn_back(app):
    """The interview will redraw a page with what was typed and what was wrong."""
    definition = d.FormDefinition(title="T", languages=(ENGLISH,))
    dob = question("dob", d.QuestionType.DATE, default="1980-03-31")
    rank = question("rank", d.QuestionType.RANKING)
    context = RenderContext(
        definition=definition,
        language=ENGLISH,
        values={"rank": ["no", "yes"]},
        errors={"dob": "Enter a real date"},
    )
    assert [context.part(dob, part) for part in ("day", "month", "year")] == ["31", "03", "1980"]
    assert [context.rank(rank, choice) for choice in rank.choices] == ["2", "1"]
    assert context.error(dob) == "Enter a real date"


def test_labels_are_escaped(client, auth, facilitator, questionnaire, app, db_session):
    with app.app_context():
        add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=facilitator.user,
            item=question("evil", label={"en": "<script>alert(1)</script> ${evil}"}),
        )
    db_session.commit()
    auth.sign_in(facilitator.user)
    body = client.get(preview_url(facilitator, questionnaire)).get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.fixture
def multilingual(app, db_session, facilitator):
    """Return a questionnaire in English, Welsh and Arabic, partly translated."""
    with app.app_context():
        created = create_questionnaire(
            db_session,
            study=facilitator.study,
            title="Help at home",
            languages=[ENGLISH, WELSH, ARABIC],
            created_by=facilitator.user,
        )
        add_item(
            db_session,
            questionnaire=created,
            changed_by=facilitator.user,
            item=question(
                "helped",
                d.QuestionType.SELECT_ONE,
                label={"en": "Who helped?", "cy": "Pwy helpodd?", "ar": "من ساعد؟"},
                choices=(
                    d.Choice("family", {"en": "Family", "cy": "Teulu"}),
                    d.Choice("friends", {"en": "Friends"}),
                ),
            ),
        )
    db_session.commit()
    return created


def test_language_switcher_and_fallback_marking(client, auth, facilitator, multilingual):
    auth.sign_in(facilitator.user)
    url = preview_url(facilitator, multilingual)
    english = client.get(url)
    assert 'aria-current="true" lang="en">English</span>' in english.get_data(as_text=True)
    assert f'href="{url}?language=cy" rel="alternate" lang="cy"' in english.get_data(as_text=True)

    welsh = client.get(f"{url}?language=cy")
    body = welsh.get_data(as_text=True)
    assert '<span lang="cy" dir="ltr" data-speak>Pwy helpodd?</span>' in body
    assert '<span lang="cy" dir="ltr" data-speak>Teulu</span>' in body
    # Not translated yet: shown in English, marked as such, and read in English.
    assert re.search(
        r'<span lang="en" dir="ltr" data-speak>Friends</span> '
        r'<span class="app-fallback">\(not yet translated\)</span>',
        body,
    )
    assert "1 text is not yet translated into Cymraeg" in page_text(welsh)


def test_right_to_left_language_is_drawn_right_to_left(client, auth, facilitator, multilingual):
    auth.sign_in(facilitator.user)
    body = client.get(preview_url(facilitator, multilingual) + "?language=ar").get_data(
        as_text=True
    )
    assert re.search(r'class="govuk-form-group app-question" id="question-helped" dir="rtl"', body)
    assert '<span lang="ar" dir="rtl" data-speak>من ساعد؟</span>' in body
    assert '<span lang="en" dir="ltr" data-speak>Family</span>' in body


def test_an_unknown_language_is_refused(client, auth, facilitator, multilingual):
    auth.sign_in(facilitator.user)
    response = client.get(preview_url(facilitator, multilingual) + "?language=xx")
    assert response.status_code == 404
    assert "not written in that language" in page_text(response)


def test_one_language_shows_no_switcher(client, auth, facilitator, filled):
    auth.sign_in(facilitator.user)
    assert "govuk-language-navigation" not in client.get(preview_url(facilitator, filled)).get_data(
        as_text=True
    )


def test_untranslated_count_counts_every_kind_of_text(app):
    item = question(
        "q",
        d.QuestionType.SELECT_ONE,
        label={"en": "A", "cy": "A"},
        hint={"en": "H"},
        constraint_message={"en": "C"},
        choices=(d.Choice("a", {"en": "A"}),),
    )
    definition = d.FormDefinition(title="T", languages=(ENGLISH, WELSH), items=(item,))
    assert untranslated_count(definition, WELSH) == 3
    assert untranslated_count(definition, ENGLISH) == 0


def test_published_version_preview_stays_as_published(
    client, auth, app, db_session, facilitator, questionnaire
):
    with app.app_context():
        add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=facilitator.user,
            item=question("first", label={"en": "As published"}),
        )
        publish_version(db_session, questionnaire=questionnaire, published_by=facilitator.user)
        update_item(
            db_session,
            questionnaire=questionnaire,
            name="first",
            item=question("first", label={"en": "Changed later"}),
            expected_revision=1,
            changed_by=facilitator.user,
        )
    db_session.commit()
    auth.sign_in(facilitator.user)
    version = page_text(client.get(preview_url(facilitator, questionnaire, "versions/1/preview")))
    assert "Preview of version 1" in version and "As published" in version
    assert "Changed later" not in version
    draft = page_text(client.get(preview_url(facilitator, questionnaire)))
    assert "Preview of the draft" in draft and "Changed later" in draft
    missing = client.get(preview_url(facilitator, questionnaire, "versions/2/preview"))
    assert missing.status_code == 404


def test_preview_links_from_the_draft_and_version_pages(
    client, auth, app, db_session, facilitator, filled
):
    with app.app_context():
        publish_version(db_session, questionnaire=filled, published_by=facilitator.user)
    db_session.commit()
    auth.sign_in(facilitator.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires/{filled.id}"
    assert f'href="{base}/preview"' in client.get(f"{base}/").get_data(as_text=True)
    assert f'href="{base}/versions/1/preview"' in client.get(f"{base}/versions/1").get_data(
        as_text=True
    )


def test_every_member_may_preview_but_not_another_studys_questionnaire(
    client, auth, make_member, facilitator, filled
):
    peer = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    auth.sign_in(peer.user)
    assert client.get(preview_url(facilitator, filled)).status_code == 200
    elsewhere = make_member(roles=[Role.FACILITATOR])
    auth.sign_out()
    auth.sign_in(elsewhere.user)
    response = client.get(f"/studies/{elsewhere.study.slug}/questionnaires/{filled.id}/preview")
    assert response.status_code == 404


def test_an_empty_questionnaire_says_so(client, auth, facilitator, questionnaire):
    auth.sign_in(facilitator.user)
    page = page_text(client.get(preview_url(facilitator, questionnaire)))
    assert "This questionnaire has no questions yet." in page


def test_the_preview_offers_one_question_at_a_time_with_the_same_questions(
    client, auth, facilitator, filled
):
    """?view=one draws the same questions for the paged mode, with its controls and words."""
    auth.sign_in(facilitator.user)
    url = preview_url(facilitator, filled)
    whole = client.get(url).get_data(as_text=True)
    assert '<strong aria-current="true">the whole form</strong>' in whole
    assert f'href="{url}?view=one">one question at a time</a>' in whole
    assert "data-paged" not in whole and "data-page-next" not in whole

    response = client.get(f"{url}?view=one")
    paged = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<strong aria-current="true">one question at a time</strong>' in paged
    assert f'href="{url}">the whole form</a>' in paged
    assert "data-interview data-paged" in paged
    assert "data-progress" in paged and "data-page-back" in paged and "data-page-next" in paged
    assert "Question {number} of {total}" in paged
    assert "They come one after another, not one at a time." in page_text(response)
    questions = re.findall(r'data-question data-key="([^"]+)"', whole)
    assert questions and re.findall(r'data-question data-key="([^"]+)"', paged) == questions
