"""The condition builder on the question form, without JavaScript: rows of plain form fields,
buttons that add and remove conditions, and the rule the suggestion carries."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sqlalchemy as sa

from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import Proposal
from surveys.definition import QuestionType

from support import page_text

CHANGE_NOW = {"change_now": "Make this change now, without a vote"}
QUESTIONS = [
    {"type": "yes_no", "label": "Do you get help at home?", "name": "gets_help"},
    {"type": "integer", "label": "How old are you?", "name": "age"},
    {
        "type": "select_multiple",
        "label": "Who helps you?",
        "name": "helpers",
        "choices": "family = Family\nfriends = Friends\ncarers = Paid carers",
    },
    {"type": "date", "label": "When did the help start?", "name": "started"},
    {"type": "time", "label": "When do you get up?", "name": "wake"},
    {"type": "text", "label": "Where do you live?", "name": "town"},
]


@pytest.fixture
def signed_in(client, auth, facilitator):
    """Sign the facilitator in and return the study's questionnaire pages' address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires"


@pytest.fixture
def draft(app, client, signed_in, questionnaire, db_session, facilitator):
    """Let facilitators change the draft directly, put six questions of different kinds in
    it; return the address of the form to add a short text question."""
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=facilitator.study,
            settings=codesign.DecisionSettings(allow_direct_edits=True),
            set_by=facilitator.user,
        )
    db_session.commit()
    url = f"{signed_in}/{questionnaire.id}/questions/new?type=text"
    for question in QUESTIONS:
        response = send(client, url, **question)
        assert response.status_code == 302, page_text(response)
    return url


def _proposals(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Proposal))


def rows(**conditions) -> dict:
    """Return the posted fields of the relevance builder; conditions as (subject, comparison,
    values) under keys r0, r1, ..."""
    data: dict = {"relevance-mode": "builder", "relevance-rows": str(len(conditions))}
    for index, (subject, comparison, values) in enumerate(conditions.values()):
        prefix = f"relevance-{index}"
        data[f"{prefix}-subject"] = subject
        data[f"{prefix}-shown"] = subject
        data[f"{prefix}-comparison"] = comparison
        data[f"{prefix}-value"] = list(values)
    return data


def send(client, url, **data):
    """Post the new-question form as a direct change."""
    fields = {
        "type": "text",
        "label": "Who cooks?",
        "privacy": "none",
        "appearance": "",
        "reason": "We need it",
    }
    return client.post(url, data={**fields, **CHANGE_NOW, **data})


def added(db_session, questionnaire, name="who_cooks"):
    """Return the question the last change added to the draft."""
    return drafts.draft_definition(db_session, questionnaire).find(name)


def test_the_builder_offers_earlier_questions_by_their_words(client, draft):
    page = client.get(draft).get_data(as_text=True)
    assert "Only ask this question if" in page
    assert '<option value="gets_help">Do you get help at home?</option>' in page
    assert "Add another condition" in page


def test_adding_a_condition_keeps_the_rows_and_sends_nothing(client, draft, db_session):
    response = send(
        client,
        draft,
        reason="",
        **rows(r0=("gets_help", "is", ["yes"])),
        **{"relevance-action": "add"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Condition 2" in page_text(response)
    assert re.search(r'name="relevance-0-value" type="checkbox" value="yes" checked', body)
    assert "There is a problem" not in page_text(response)  # "Why?" is asked only on sending
    assert _proposals(db_session) == len(QUESTIONS)  # only those that made the draft


def test_removing_a_condition_keeps_the_others(client, draft):
    response = send(
        client,
        draft,
        **rows(r0=("gets_help", "is", ["yes"]), r1=("age", "more_than", ["17"])),
        **{"relevance-action": "remove-0"},
    )
    page = page_text(response)
    assert "Condition 2" not in page
    assert 'name="relevance-0-value" type="text" inputmode="decimal"' in response.get_data(
        as_text=True
    )
    assert 'value="17"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("combine", "expected"),
    [
        ("all", "${gets_help} = 'yes' and ${age} >= 18"),
        ("any", "${gets_help} = 'yes' or ${age} >= 18"),
    ],
)
def test_all_or_any_of_the_conditions(client, draft, questionnaire, db_session, combine, expected):
    response = send(
        client,
        draft,
        **rows(r0=("gets_help", "is", ["yes"]), r1=("age", "at_least", ["18"])),
        **{"relevance-combine": combine},
    )
    assert response.status_code == 302, page_text(response)
    assert added(db_session, questionnaire).relevance == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (("gets_help", "is", ["yes"]), "${gets_help} = 'yes'"),
        (("gets_help", "is_not", ["yes"]), "${gets_help} != 'yes'"),
        (("gets_help", "answered", []), "${gets_help} != ''"),
        (("helpers", "is", ["family", "carers"]), "selected(${helpers}, 'family') or "
         "selected(${helpers}, 'carers')"),
        (("helpers", "any_of", ["friends"]), "selected(${helpers}, 'friends')"),
        (("helpers", "none_of", ["family", "friends"]), "not(selected(${helpers}, 'family') or "
         "selected(${helpers}, 'friends'))"),
        (("helpers", "not_answered", []), "${helpers} = ''"),
        (("age", "equals", ["30"]), "${age} = 30"),
        (("age", "more_than", ["17"]), "${age} > 17"),
        (("age", "less_than", ["65"]), "${age} < 65"),
        (("age", "at_most", ["65"]), "${age} <= 65"),
        (("age", "between", ["18", "65"]), "${age} >= 18 and ${age} <= 65"),
        (("started", "less_than", ["2020-01-31"]), "${started} < '2020-01-31'"),
        (("started", "between", ["2020-01-01", "2020-12-31"]),
         "${started} >= '2020-01-01' and ${started} <= '2020-12-31'"),
        (("wake", "more_than", ["09:30"]), "${wake} > '09:30'"),
        (("town", "is", ["Leeds"]), "${town} = 'Leeds'"),
        (("town", "contains", ["ton"]), "contains(${town}, 'ton')"),
        (("town", "not_answered", []), "${town} = ''"),
    ],
)  # fmt: skip
def test_each_comparison_writes_its_rule(
    client, draft, questionnaire, db_session, condition, expected
):
    response = send(client, draft, **rows(r0=condition))
    assert response.status_code == 302, page_text(response)
    assert added(db_session, questionnaire).relevance == expected


def test_a_constraint_on_the_answer_itself(client, draft, questionnaire, db_session):
    url = draft.replace("type=text", "type=integer")
    data = {
        "type": "integer",
        "constraint-mode": "builder",
        "constraint-rows": "1",
        "constraint-0-subject": ".",
        "constraint-0-shown": ".",
        "constraint-0-comparison": "between",
        "constraint-0-value": ["18", "120"],
    }
    assert "This answer" in page_text(client.get(url))
    response = send(client, url, **data)
    assert response.status_code == 302, page_text(response)
    assert added(db_session, questionnaire).constraint == ". >= 18 and . <= 120"


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (("nobody", "is", ["yes"]), "Choose a question from the list."),
        (("age", "more_than", ["eighteen"]), "Enter a number, like 18 or 2.5."),
        (("age", "more_than", []), "Enter a value."),
        (("helpers", "is", []), "Tick at least one answer."),
        (("gets_help", "is", ["perhaps"]), "Choose one of the question's answers."),
        (("age", "between", ["65", "18"]), "Put the smaller value first."),
        (("started", "equals", ["2021-02-30"]), "Enter a real date."),
        (("age", "contains", ["1"]), "Choose how to compare from the list."),
    ],
)
def test_bad_conditions_are_explained_beside_them(client, draft, db_session, condition, message):
    response = send(client, draft, **rows(r0=condition))
    page = page_text(response)
    assert response.status_code == 200
    assert message in page and "Check the conditions below." in page
    assert 'href="#relevance"' in response.get_data(as_text=True)  # the summary links to it
    assert _proposals(db_session) == len(QUESTIONS)


def test_choosing_another_question_asks_again_how_to_compare(client, draft):
    data = rows(r0=("age", "is", ["yes"]))
    data["relevance-0-shown"] = "gets_help"  # the row was drawn for another question
    response = send(client, draft, **data)
    assert "Now choose how to compare, for the question you chose." in page_text(response)


def test_a_later_question_is_refused(client, signed_in, questionnaire, draft, db_session):
    url = f"{signed_in}/{questionnaire.id}/items/gets_help/edit"
    assert '<option value="age">' not in client.get(url).get_data(as_text=True)
    form = {"type": "yes_no", "label": "Do you get help at home?", "name": "gets_help"}
    page = page_text(
        client.post(
            url,
            data={
                **form,
                "privacy": "none",
                "reason": "r",
                **CHANGE_NOW,
                "relevance": "${age} > 3",
            },
        )
    )
    assert "${age} comes after this question, so its answer is not known yet." in page
    assert drafts.draft_definition(db_session, questionnaire).find("gets_help").relevance == ""


def test_a_rule_the_builder_cannot_show_stays_text(client, draft, questionnaire, db_session):
    send(client, draft, label="Score", name="score", relevance="${age} + 1 > 18")
    url = draft.replace("questions/new?type=text", "items/score/edit")
    body = client.get(url).get_data(as_text=True)
    assert "which the condition builder cannot show" in body
    # The plain-words reading sits beside the expression.
    assert "In plain words:" in body and "How old are you?" in body.split("In plain words:")[1]
    assert 'name="relevance" type="text" spellcheck="false" value="${age} + 1 &gt; 18"' in body


def test_switching_to_text_and_back(client, draft):
    data = rows(r0=("age", "at_least", ["18"]))
    as_text = send(client, draft, **data, **{"relevance-action": "text"}).get_data(as_text=True)
    assert 'value="${age} &gt;= 18"' in as_text
    back = send(
        client,
        draft,
        **{"relevance-mode": "text", "relevance": "${age} >= 18", "relevance-action": "builder"},
    ).get_data(as_text=True)
    assert '<option value="at_least" selected>is at least</option>' in back
    assert '<details class="govuk-details" id="rules" open>' in back  # where the button was
    closed = client.get(draft).get_data(as_text=True)
    assert '<details class="govuk-details" id="rules">' in closed  # nothing in it yet


def test_the_kind_of_question_is_chosen_first(client, draft):
    body = client.get(draft.replace("?type=text", "")).get_data(as_text=True)
    assert "What kind of question is it?" in body and "Whole number" in body
    offered = re.findall(r'name="type" type="radio" value="([a-z_]+)"( checked)?', body)
    assert {kind for kind, _checked in offered} == {kind.value for kind in QuestionType}
    assert offered[0] == ("text", " checked")  # the most asked for comes first, not a note


def _shown_parts(body: str) -> set[str]:
    """Return the names of the form's fitting parts that are shown (not hidden)."""
    parts = re.findall(
        r'<div data-fits="[^"]*"( data-keep)?( hidden)?>.*?name="([a-z_]+)', body, re.S
    )
    return {name for _keep, hidden, name in parts if not hidden}


@pytest.mark.parametrize(
    ("kind", "shown", "not_shown"),
    [
        ("integer", {"required", "constraint"}, {"choices", "other_option", "calculation"}),
        ("select_one", {"choices", "other_option", "appearance"}, {"calculation"}),
        ("text", {"required", "appearance"}, {"choices", "calculation"}),
        ("calculate", {"calculation"}, {"choices", "required", "constraint"}),
        ("note", set(), {"required", "privacy", "choices", "constraint"}),
    ],
)
def test_the_form_shows_only_what_fits_the_kind(client, draft, kind, shown, not_shown):
    body = client.get(draft.replace("type=text", f"type={kind}")).get_data(as_text=True)
    parts = _shown_parts(body)
    assert shown <= parts and not (not_shown & parts)
    assert "Name in the data" in body and "Short name" not in body


def _edit(client, url, **data):
    """Post the change form of the question "gets_help" as a direct change."""
    form = {"type": "yes_no", "label": "Do you get help at home?", "name": "gets_help"}
    return client.post(
        url, data={**form, "privacy": "none", "appearance": "", "reason": "r", **CHANGE_NOW, **data}
    )


def test_a_rule_cannot_use_the_question_itself(client, signed_in, questionnaire, draft):
    url = f"{signed_in}/{questionnaire.id}/items/gets_help/edit"
    page = page_text(_edit(client, url, relevance="${gets_help} = 'yes'"))
    assert "A rule cannot use this question's own answer this way" in page


def test_logic_that_goes_round_in_a_circle_is_refused(
    app, client, signed_in, questionnaire, draft, db_session, facilitator
):
    """ "age" is asked only if "town" is answered (as an imported form may say); "town" may
    not then depend on "age"."""
    with app.app_context():
        definition = drafts.draft_definition(db_session, questionnaire)
        drafts.update_item(
            db_session,
            questionnaire=questionnaire,
            name="age",
            item=dataclasses.replace(definition.find("age"), relevance="${town} != ''"),
            expected_revision=drafts.draft_revisions(db_session, questionnaire)["age"],
            changed_by=facilitator.user,
        )
    db_session.commit()
    town = {"type": "text", "label": "Where do you live?", "name": "town"}
    response = client.post(
        f"{signed_in}/{questionnaire.id}/items/town/edit",
        data={**town, "privacy": "none", "appearance": "", "reason": "r", **CHANGE_NOW}
        | rows(r0=("age", "at_least", ["18"])),
    )
    assert "This rule goes round in a circle: ${age} uses ${town}, which uses ${age}" in (
        page_text(response)
    )
    assert drafts.draft_definition(db_session, questionnaire).find("town").relevance == ""
    # Changing the words of "age" is not held up by its rule, which stays as it was.
    reworded = client.post(
        f"{signed_in}/{questionnaire.id}/items/age/edit",
        data={
            "type": "integer",
            "label": "What is your age?",
            "name": "age",
            "privacy": "none",
            "appearance": "",
            "reason": "Kinder",
            "relevance": "${town} != ''",
            "revision": str(drafts.draft_revisions(db_session, questionnaire)["age"]),
            **CHANGE_NOW,
        },
    )
    assert reworded.status_code == 302, page_text(reworded)


def test_needed_only_if(client, draft, questionnaire, db_session):
    """ "An answer is needed only if" is built the same way."""
    data = {
        "required_if-mode": "builder",
        "required_if-rows": "1",
        "required_if-0-subject": "helpers",
        "required_if-0-shown": "helpers",
        "required_if-0-comparison": "is",
        "required_if-0-value": ["carers"],
    }
    response = send(client, draft, **data)
    assert response.status_code == 302, page_text(response)
    assert added(db_session, questionnaire).required_if == "selected(${helpers}, 'carers')"


def test_changing_ones_own_draft_suggestion_shows_its_conditions(
    client, signed_in, questionnaire, draft, db_session
):
    saved = send(
        client,
        draft,
        change_now="",
        save_draft="Save as a draft",
        **rows(r0=("helpers", "none_of", ["family", "friends"])),
    )
    assert saved.status_code == 302, page_text(saved)
    page = client.get(f"{saved.headers['Location']}/change").get_data(as_text=True)
    assert '<option value="none_of" selected>is none of</option>' in page
    assert re.search(r'name="relevance-0-value" type="checkbox" value="friends" checked', page)
