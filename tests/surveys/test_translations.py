"""Translations: languages, what is missing, translating side by side, conflicts, removal.

Every change here is a suggestion: the tests that look at the draft afterwards make the
change "now, without a vote" as a facilitator of a study that allows it (a direct edit,
logged); the ones about the group's way look at the suggestion written.
"""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, EntryKind, Proposal, ProposalState, RuleKind
from surveys.codesign.rules import Rule
from surveys.languages import normalise_code
from surveys.models import DraftItem, Questionnaire
from surveys.translations import texts as t
from surveys.translations.forms import field_name_of

from builders import ENGLISH, question, section
from support import page_text

WELSH = d.Language("cy", "Cymraeg")


class FormReader(HTMLParser):
    """Collect the values a browser would send from a page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.attributes: dict[str, dict[str, str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        """Remember inputs and text areas."""
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        if tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
            self.attributes[self._textarea] = attrs

    def handle_endtag(self, tag):
        """Stop reading a text area."""
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        """Keep a text area's words."""
        if self._textarea:
            self.fields[self._textarea] += data


def read_form(response) -> FormReader:
    """Return the form fields of a page."""
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    return reader


def box(item: str, field: str = "label", choice: str = "") -> str:
    """Return the form field name of a text's translation box."""
    return field_name_of(t.TextKey(item, field, choice))


@pytest.fixture
def drafted(app, db_session, questionnaire, facilitator):
    """Fill the questionnaire with a section and questions, and add Welsh."""
    items = [
        question(
            "age",
            d.QuestionType.INTEGER,
            label={"en": "How old are you?", "cy": "Faint yw eich oed?"},
            hint={"en": "In years"},
            constraint=". < 120",
            constraint_message={"en": "That seems too old"},
            relevance="",
        ),
        question(
            "helped",
            d.QuestionType.SELECT_ONE,
            label={"en": "Did anyone help you?"},
            choices=(d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"})),
            required=True,
            required_message={"en": "Please answer"},
        ),
        section("home", question("rooms", d.QuestionType.INTEGER, label={"en": "How many rooms?"})),
        question("total", d.QuestionType.CALCULATE, label={}, calculation="${age} + 1"),
    ]
    with app.app_context():
        for item in items:
            services.add_item(
                db_session, questionnaire=questionnaire, item=item, changed_by=facilitator.user
            )
        t.add_language(db_session, questionnaire=questionnaire, code="cy", name="Cymraeg")
    db_session.commit()
    return questionnaire


@pytest.fixture
def base(client, auth, facilitator):
    """Sign the facilitator in and return the study's questionnaire pages' address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires"


@pytest.fixture
def direct(app, db_session, facilitator):
    """Let the study's facilitators change the draft without a vote (logged as such)."""
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=facilitator.study,
            settings=codesign.DecisionSettings(
                rule=Rule(RuleKind.CONSENT), allow_direct_edits=True
            ),
            set_by=facilitator.user,
        )
    db_session.commit()


def draft_of(db_session, questionnaire) -> d.FormDefinition:
    db_session.expire_all()
    return services.draft_definition(db_session, questionnaire)


def send(form: dict, how: str = "change_now", reason: str = "The group asked for it") -> dict:
    """Return the form as sent with a reason and one of the three buttons."""
    sent = {**form, "reason": reason, how: "y"}
    if how == "suggest":
        sent["deadline"] = ["1", "1", "2099"]
    return sent


def proposals(db_session) -> list[Proposal]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(Proposal).order_by(Proposal.id)))


# What is missing --------------------------------------------------------------------------


def test_missing_translations_count_every_kind_of_text():
    definition = d.FormDefinition(
        title="T",
        languages=(ENGLISH, WELSH, d.Language("ur", "اردو")),
        items=(
            question(
                "q",
                d.QuestionType.SELECT_ONE,
                label={"en": "Pick one", "cy": "Dewiswch un"},
                hint={"en": "Just one", "cy": ""},
                required_message={"en": "Needed"},
                constraint_message={},  # no English text: nothing to translate
                choices=(d.Choice("a", {"en": "A", "cy": "A"}), d.Choice("b", {"en": "B"})),
            ),
            section("s", label={"en": "About you"}, hint={"cy": "only in Welsh"}),
        ),
    )
    missing = t.missing_translations(definition)
    assert set(missing) == {"cy", "ur"}
    assert missing["cy"] == [
        t.MissingText("q", "hint", "Just one"),
        t.MissingText("q", "choice", "B", "b"),
        t.MissingText("q", "required_message", "Needed"),
        t.MissingText("s", "label", "About you"),
    ]
    assert len(missing["ur"]) == 6
    progress = {row.language.code: row for row in t.translation_progress(definition)}
    assert (progress["cy"].translated, progress["cy"].missing) == (2, 4)
    assert progress["en"].is_default


def test_codes_are_tidied():
    assert normalise_code("PT-br") == "pt-BR"
    assert normalise_code("zh-hant-tw") == "zh-Hant-TW"


# Languages --------------------------------------------------------------------------------


def test_overview_shows_each_language_with_counts(client, base, drafted):
    page = page_text(client.get(f"{base}/{drafted.id}/translations"))
    assert "English" in page and "Main language" in page
    # 9 texts need translating; Welsh has only the first question's label.
    assert "Cymraeg" in page and "1 of 9" in page and "8 missing" in page


def test_draft_page_links_to_the_review_pages(client, base, drafted):
    page = page_text(client.get(f"{base}/{drafted.id}/"))
    assert "Translations" in page and "Plain language" in page


def test_suggest_a_language_for_the_group_to_decide(client, base, drafted, db_session):
    response = client.post(
        f"{base}/{drafted.id}/translations/new",
        data=send({"name": "  Polski ", "code": "PL"}, "suggest", "Polish families"),
    )
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert response.headers["Location"].endswith(f"/suggestions/{proposal.id}")
    assert proposal.kind == ChangeKind.SET_LANGUAGES and proposal.state == ProposalState.OPEN
    assert proposal.reason == "Polish families"
    assert len(db_session.get(Questionnaire, drafted.id).languages) == 2  # not yet
    overview = page_text(client.get(f"{base}/{drafted.id}/translations"))
    assert "Languages suggested to add or remove" in overview and "Add Polski" in overview


def test_add_a_language_now_without_a_vote(client, base, drafted, db_session, direct):
    response = client.post(
        f"{base}/{drafted.id}/translations/new", data=send({"name": "  Polski ", "code": "PL"})
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/translations/pl")
    page = page_text(client.get(response.headers["Location"]))
    assert "Changed" in page and "Suggest translations into Polski" in page
    db_session.expire_all()
    assert db_session.get(Questionnaire, drafted.id).languages[-1] == {
        "code": "pl",
        "name": "Polski",
    }
    [entry] = codesign.decision_log(db_session, drafted)
    assert entry.kind == EntryKind.DIRECT_EDIT


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "code": ""}, "name", "Enter the language's name"),
        ({"name": "", "code": ""}, "code", "Enter the language code"),
        ({"name": "Welsh", "code": "welsh!"}, "code", "Use a language code like cy, ur or pt-BR"),
        ({"name": "Welsh", "code": "c"}, "code", "Use a language code like cy, ur or pt-BR"),
        ({"name": "x" * 10_000, "code": "xx"}, "name", "Use 60 characters or fewer"),
        ({"name": "Welsh", "code": "c" * 10_000}, "code", "Use a language code like cy"),
        ({"name": "Welsh again", "code": "CY"}, "code", "already has Cymraeg"),
        ({"name": "english", "code": "en-GB"}, "name", "Another language is already called"),
    ],
)
def test_bad_language_is_explained_and_changes_nothing(
    client, base, drafted, db_session, data, field, message
):
    response = client.post(f"{base}/{drafted.id}/translations/new", data=send(data, "save_draft"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html  # beside the field
    assert "There is a problem" in page_text(response) and message in page_text(response)
    db_session.expire_all()
    assert len(db_session.get(Questionnaire, drafted.id).languages) == 2
    assert proposals(db_session) == []


# Translating ------------------------------------------------------------------------------


def test_texts_are_shown_side_by_side_with_missing_ones_marked(client, base, drafted):
    response = client.get(f"{base}/{drafted.id}/translations/cy")
    html = response.get_data(as_text=True)
    page = page_text(response)
    assert "Suggest translations into Cymraeg" in page
    assert "1 of 9 texts are translated. 8 are not translated yet." in page
    assert page.count("Not translated yet") == 8
    assert f'id="{box("age")}-source" lang="en" dir="ltr"' in html
    form = read_form(response)
    assert form.fields[box("age")] == "Faint yw eich oed?"
    assert form.attributes[box("age")]["lang"] == "cy"
    assert form.attributes[box("age")]["dir"] == "ltr"
    # Every kind of text is there, in questionnaire order; the hidden calculation is not.
    assert set(form.attributes) - {"reason"} == {
        box("age"),
        box("age", "hint"),
        box("age", "constraint_message"),
        box("helped"),
        box("helped", "choice", "yes"),
        box("helped", "choice", "no"),
        box("helped", "required_message"),
        box("home"),
        box("rooms"),
    }
    assert page.index("How old are you?") < page.index("Did anyone help") < page.index("rooms")
    assert "Answer: Yes" in page and "Message when it is left empty" in page


def test_show_only_the_missing_texts(client, base, drafted):
    response = client.get(f"{base}/{drafted.id}/translations/cy?missing=1")
    form = read_form(response)
    assert box("age") not in form.attributes and box("age", "hint") in form.attributes
    assert "Show all texts" in page_text(response)
    assert 'action="/studies/' in response.get_data(as_text=True)
    assert "?missing=1" in response.get_data(as_text=True)


def test_right_to_left_language_boxes_are_right_to_left(client, base, drafted, direct):
    client.post(
        f"{base}/{drafted.id}/translations/new", data=send({"name": "العربية", "code": "ar"})
    )
    response = client.get(f"{base}/{drafted.id}/translations/ar")
    assert (
        'Suggest translations into <span lang="ar" dir="rtl">العربية</span></h1>'
        in response.get_data(as_text=True)
    )
    boxes = [attrs for name, attrs in read_form(response).attributes.items() if name != "reason"]
    assert boxes and all(attrs["dir"] == "rtl" for attrs in boxes)
    assert all(attrs["lang"] == "ar" for attrs in boxes)
    overview = client.get(f"{base}/{drafted.id}/translations").get_data(as_text=True)
    assert 'lang="ar" dir="rtl">العربية' in overview


def test_suggest_translations_makes_one_suggestion_of_everything_changed(
    client, base, drafted, db_session
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("age", "hint")] = "Mewn blynyddoedd"
    form[box("helped", "choice", "yes")] = "Ie"
    response = client.post(url, data=send(form, "suggest", "For Welsh speakers"))
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert response.headers["Location"].endswith(f"/suggestions/{proposal.id}")
    assert proposal.kind == ChangeKind.TRANSLATE and proposal.state == ProposalState.OPEN
    assert proposal.target_names == ["age", "helped"]
    assert set(services.draft_revisions(db_session, drafted).values()) == {1}  # not yet
    assert "cy" not in draft_of(db_session, drafted).find("age").hint
    overview = page_text(client.get(f"{base}/{drafted.id}/translations"))
    assert "Cymraeg texts for 2 questions" in overview and "open for votes" in overview


def test_translation_pages_explain_the_name_in_the_data(client, base, drafted, db_session):
    """The translator and the group read "name in the data", explained, never "short name"."""
    url = f"{base}/{drafted.id}/translations/cy"
    page = page_text(client.get(url))
    assert "short name" not in page.lower()
    assert "Each question also shows its name in the data, like “age”" in page
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    response = client.post(url, data=send(form, "suggest", "For Welsh speakers"))
    suggestion = page_text(client.get(response.headers["Location"]))
    assert "short name" not in suggestion.lower()
    assert "name in the data rooms" in suggestion
    assert "how the computer knows it" in suggestion


def test_save_a_draft_and_change_it_later(client, base, drafted, db_session):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    response = client.post(url, data=send(form, "save_draft", "Half done"))
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert proposal.state == ProposalState.DRAFT
    edit = client.get(f"{url}?proposal={proposal.id}")
    assert "You are changing your draft suggestion" in page_text(edit)
    form = read_form(edit).fields
    assert form[box("rooms")] == "Sawl ystafell?"  # their words, not the draft's
    assert form["reason"] == "Half done"
    form[box("home")] = "Eich cartref"
    response = client.post(f"{url}?proposal={proposal.id}", data=send(form, "save_draft"))
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert proposal.target_names == ["home", "rooms"]
    assert proposal.reason == "The group asked for it"
    assert "cy" not in draft_of(db_session, drafted).find("rooms").label


def test_a_draft_that_is_not_mine_cannot_be_changed_here(
    client, auth, base, drafted, db_session, make_member, facilitator
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    client.post(url, data=send(form, "save_draft"))
    [proposal] = proposals(db_session)
    peer = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    auth.sign_in(peer.user)
    for query in (f"?proposal={proposal.id}", "?proposal=999999", "?proposal=x"):
        assert client.get(url + query).status_code == 404


def test_changing_now_without_a_vote_needs_the_study_to_allow_it(client, base, drafted, db_session):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    response = client.post(url, data=send(form))
    assert response.status_code == 200
    assert "by suggestion and vote only" in page_text(response)
    assert proposals(db_session) == []
    assert "cy" not in draft_of(db_session, drafted).find("rooms").label
    assert "Make this change now" not in response.get_data(as_text=True)


def test_save_translations_keeps_everything_else(client, base, drafted, db_session, direct):
    before = draft_of(db_session, drafted)
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    assert "Make this change now" in client.get(url).get_data(as_text=True)
    form[box("age", "hint")] = "Mewn blynyddoedd"
    form[box("helped", "choice", "yes")] = "Ie"
    form[box("rooms")] = "Sawl ystafell?\r\n"
    response = client.post(url, data=send(form))
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Changed. The decision log shows it" in page
    after = draft_of(db_session, drafted)
    age, helped, rooms = after.find("age"), after.find("helped"), after.find("rooms")
    assert age.hint == {"en": "In years", "cy": "Mewn blynyddoedd"}
    assert age.label == before.find("age").label and age.constraint == ". < 120"
    assert helped.choices[0].label == {"en": "Yes", "cy": "Ie"}
    assert helped.choices[1] == before.find("helped").choices[1]
    assert rooms.label == {"en": "How many rooms?", "cy": "Sawl ystafell?"}
    assert after.find("home") == d.with_items(before.find("home"), (rooms,))
    revisions = services.draft_revisions(db_session, drafted)
    assert revisions == {"age": 2, "helped": 2, "home": 1, "rooms": 2, "total": 1}


def test_saving_the_same_words_again_changes_nothing(client, base, drafted, db_session, direct):
    url = f"{base}/{drafted.id}/translations/cy"
    response = client.post(url, data=send(read_form(client.get(url)).fields))
    assert response.status_code == 200
    assert "would not change anything" in page_text(response)
    assert proposals(db_session) == []
    assert set(services.draft_revisions(db_session, drafted).values()) == {1}


def test_emptying_a_box_removes_the_translation(client, base, drafted, db_session, direct):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("age")] = "   "
    client.post(url, data=send(form))
    assert draft_of(db_session, drafted).find("age").label == {"en": "How old are you?"}


def test_someone_changing_a_question_meanwhile_stops_the_whole_save(
    client, base, drafted, db_session, facilitator, app, direct
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("age", "hint")] = "Mewn blynyddoedd"
    form[box("helped")] = "A wnaeth unrhyw un eich helpu?"
    # Meanwhile, someone rewords the second question in the editor.
    current = draft_of(db_session, drafted).find("helped")
    with app.app_context():
        services.update_item(
            db_session,
            questionnaire=drafted,
            name="helped",
            item=d.Question(**{**current.__dict__, "label": {"en": "Did someone help you?"}}),
            expected_revision=1,
            changed_by=facilitator.user,
        )
    db_session.commit()
    response = client.post(url, data=send(form))
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone changed “Did someone help you?” (helped) since you opened the page" in page
    assert "Nothing was saved" in page and "There is a problem" in page
    assert "In the draft now:" in page  # what is there now, beside their words
    after = draft_of(db_session, drafted)
    assert "cy" not in after.find("age").hint and "cy" not in after.find("helped").label
    # Their words stay in the boxes; saving again now goes through.
    again = read_form(response).fields
    assert again[box("helped")] == "A wnaeth unrhyw un eich helpu?"
    assert again[box("age", "hint")] == "Mewn blynyddoedd"
    assert client.post(url, data=send(again)).status_code == 302
    after = draft_of(db_session, drafted)
    assert after.find("helped").label == {
        "en": "Did someone help you?",
        "cy": "A wnaeth unrhyw un eich helpu?",
    }
    assert after.find("age").hint["cy"] == "Mewn blynyddoedd"


def test_a_question_deleted_meanwhile_is_named(
    client, base, drafted, db_session, facilitator, direct
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("helped")] = "Helpu?"
    form[box("age", "hint")] = "Mewn blynyddoedd"
    services.delete_item(
        db_session, questionnaire=drafted, name="helped", changed_by=facilitator.user
    )
    db_session.commit()
    response = client.post(url, data=send(form))
    assert "helped is no longer in the draft" in page_text(response)
    assert "cy" not in draft_of(db_session, drafted).find("age").hint


def test_two_translators_on_different_questions_do_not_undo_each_other(
    client, base, drafted, db_session, direct
):
    url = f"{base}/{drafted.id}/translations/cy"
    first = read_form(client.get(url)).fields
    second = read_form(client.get(url)).fields
    first[box("rooms")] = "Sawl ystafell?"
    assert client.post(url, data=send(first)).status_code == 302
    second[box("age", "hint")] = "Mewn blynyddoedd"  # their copy still has rooms empty
    assert client.post(url, data=send(second)).status_code == 302
    after = draft_of(db_session, drafted)
    assert after.find("rooms").label["cy"] == "Sawl ystafell?"
    assert after.find("age").hint["cy"] == "Mewn blynyddoedd"


def test_huge_translation_is_refused_beside_its_box(client, base, drafted, db_session):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    form[box("helped", "required_message")] = "x" * 10_000
    response = client.post(url, data=send(form, "suggest"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{box("helped", "required_message")}-error"' in html
    assert "Use 500 characters or fewer" in page_text(response)
    assert "cy" not in draft_of(db_session, drafted).find("rooms").label
    assert proposals(db_session) == []
    # The other words they typed are still there to save.
    assert read_form(response).fields[box("rooms")] == "Sawl ystafell?"


@pytest.mark.parametrize(
    "seen",
    [
        "{not json",
        "[]",
        '{"revisions": {}, "texts": {"csrf_token": ["age", "label", "", "x"]}}',
        json.dumps(
            {"revisions": {}, "texts": {box("age", "relevance"): ["age", "relevance", "", ""]}}
        ),
    ],
)
def test_a_mangled_page_record_saves_nothing(client, base, drafted, db_session, seen):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("rooms")] = "Sawl ystafell?"
    form["seen"] = seen
    response = client.post(url, data=send(form, "suggest"))
    assert "This page was out of date" in page_text(response)
    assert proposals(db_session) == []
    assert "cy" not in draft_of(db_session, drafted).find("rooms").label


def test_unknown_or_main_language_pages_are_not_found(client, base, drafted):
    assert client.get(f"{base}/{drafted.id}/translations/fr").status_code == 404
    response = client.get(f"{base}/{drafted.id}/translations/en")
    assert response.status_code == 404 and "is the main language" in page_text(response)


def test_nothing_to_translate_says_so(client, base, questionnaire, direct):
    client.post(
        f"{base}/{questionnaire.id}/translations/new",
        data=send({"name": "Cymraeg", "code": "cy"}),
    )
    page = page_text(client.get(f"{base}/{questionnaire.id}/translations/cy"))
    assert "There is nothing to translate yet" in page


# Removing a language ----------------------------------------------------------------------


def test_removing_a_language_with_texts_needs_a_yes(client, base, drafted, db_session, direct):
    url = f"{base}/{drafted.id}/translations/cy/remove"
    page = page_text(client.get(url))
    assert "Suggest removing Cymraeg from the draft" in page and "1 text is translated" in page
    response = client.post(url, data=send({}))
    assert response.status_code == 200
    assert 'id="confirm-error"' in response.get_data(as_text=True)
    assert "Tick the box to say its 1 translated texts may be deleted" in page_text(response)
    assert draft_of(db_session, drafted).find("age").label["cy"] == "Faint yw eich oed?"
    response = client.post(url, data=send({"confirm": "y"}))
    assert response.status_code == 302
    assert "Changed" in page_text(client.get(response.headers["Location"]))
    after = draft_of(db_session, drafted)
    assert [lang.code for lang in after.languages] == ["en"]
    assert after.find("age").label == {"en": "How old are you?"}


def test_suggest_removing_a_language_leaves_it_until_the_group_agrees(
    client, base, drafted, db_session
):
    url = f"{base}/{drafted.id}/translations/cy/remove"
    response = client.post(url, data=send({"confirm": "y"}, "suggest", "Nobody needs it"))
    assert response.status_code == 302
    [proposal] = proposals(db_session)
    assert proposal.kind == ChangeKind.SET_LANGUAGES and proposal.state == ProposalState.OPEN
    assert [lang.code for lang in draft_of(db_session, drafted).languages] == ["en", "cy"]
    assert "Remove Cymraeg" in page_text(client.get(f"{base}/{drafted.id}/translations"))


def test_removing_an_untranslated_language_needs_no_tick(client, base, drafted, db_session, direct):
    client.post(
        f"{base}/{drafted.id}/translations/new", data=send({"name": "Polski", "code": "pl"})
    )
    response = client.post(f"{base}/{drafted.id}/translations/pl/remove", data=send({}))
    assert response.status_code == 302
    assert [lang.code for lang in draft_of(db_session, drafted).languages] == ["en", "cy"]


def test_the_main_language_cannot_be_removed(app, db_session, drafted, facilitator):
    with app.app_context(), pytest.raises(t.DomainError, match="main language"):
        t.remove_language(
            db_session,
            questionnaire=drafted,
            code="en",
            confirmed=True,
            changed_by=facilitator.user,
        )


# Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER])
def test_everyone_in_the_design_group_may_suggest_translations(
    client, auth, facilitator, make_member, drafted, db_session, role, direct
):
    member = make_member(study=facilitator.study, roles=[role])
    auth.sign_in(member.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires/{drafted.id}/translations"
    page = page_text(client.get(base))
    assert "Suggest a language" in page and "Suggest translations" in page
    response = client.get(f"{base}/cy")
    assert "Make this change now" not in response.get_data(as_text=True)  # facilitators only
    form = read_form(response).fields
    form[box("rooms")] = "Sawl ystafell?"
    assert client.post(f"{base}/cy", data=send(form, "suggest")).status_code == 302
    refused = client.post(f"{base}/cy", data=send(form))  # "now, without a vote"
    assert "Only a facilitator" in page_text(refused)
    [proposal] = proposals(db_session)
    assert proposal.author_id == member.user.id
    assert "cy" not in draft_of(db_session, drafted).find("rooms").label


def test_support_lead_sees_progress_but_cannot_suggest(
    client, auth, facilitator, make_member, drafted, db_session
):
    lead = make_member(study=facilitator.study, roles=[Role.SUPPORT_LEAD])
    auth.sign_in(lead.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires/{drafted.id}/translations"
    page = page_text(client.get(base))
    assert "Cymraeg" in page and "Suggest a language" not in page
    assert "Suggest translations" not in page and "Suggest removing" not in page
    assert client.get(f"{base}/cy").status_code == 403
    assert client.post(f"{base}/cy", data={box("age"): "Hacked"}).status_code == 403
    assert client.post(f"{base}/new", data={"name": "Polski", "code": "pl"}).status_code == 403
    assert client.post(f"{base}/cy/remove", data={"confirm": "y"}).status_code == 403
    assert len(draft_of(db_session, drafted).languages) == 2
    assert proposals(db_session) == []


def test_member_of_another_study_is_kept_out(client, auth, make_member, drafted, facilitator):
    stranger = make_member(roles=[Role.FACILITATOR, Role.CO_RESEARCHER])
    auth.sign_in(stranger.user)
    theirs = f"/studies/{facilitator.study.slug}/questionnaires/{drafted.id}/translations"
    assert client.get(theirs).status_code == 403
    assert client.post(f"{theirs}/new", data={"name": "Polski", "code": "pl"}).status_code == 403
    # Nor can they reach it through their own study's address.
    own = f"/studies/{stranger.study.slug}/questionnaires/{drafted.id}/translations"
    assert client.get(own).status_code == 404
    assert client.get(f"{own}/cy").status_code == 404


def test_untouched_draft_rows_are_not_rewritten(client, base, drafted, db_session, direct):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("home")] = "Eich cartref"
    client.post(url, data=send(form))
    db_session.expire_all()
    rows = db_session.scalars(sa.select(DraftItem).where(DraftItem.questionnaire_id == drafted.id))
    assert {row.name: row.revision for row in rows} == {
        "age": 1,
        "helped": 1,
        "home": 2,
        "rooms": 1,
        "total": 1,
    }


# The suggestion's own page ----------------------------------------------------------------


def test_a_translation_suggestion_shows_each_question_with_its_new_words(
    client, base, drafted, db_session
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("age", "hint")] = "Mewn blynyddoedd"
    form[box("helped", "choice", "yes")] = "Ie"
    response = client.post(url, data=send(form, "save_draft"))
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = page_text(page)
    assert "New texts for 2 questions" in text
    assert "How old are you?" in text and "Did anyone help you?" in text
    assert "Help text (Cymraeg) (translation added)" in text
    assert "Answer “Yes” (Cymraeg) (translation added)" in text
    assert "[added: Mewn blynyddoedd ]" in text and "[added: Ie ]" in text
    assert "Change this suggestion" in text


def test_a_translation_outdated_by_a_change_says_so_and_offers_an_update(
    client, base, drafted, db_session, facilitator, app
):
    url = f"{base}/{drafted.id}/translations/cy"
    form = read_form(client.get(url)).fields
    form[box("age", "hint")] = "Mewn blynyddoedd"
    response = client.post(url, data=send(form, "save_draft"))
    with app.app_context():
        services.update_item(
            db_session,
            questionnaire=drafted,
            name="age",
            item=dataclasses.replace(draft_of(db_session, drafted).find("age"), hint={"en": "Y"}),
            expected_revision=1,
            changed_by=facilitator.user,
        )
    db_session.commit()
    text = page_text(client.get(response.headers["Location"]))
    assert "“How old are you?” (age) changed after this suggestion was written" in text
    assert "Changed in the draft since" in text


def test_a_language_suggestion_names_the_language(client, base, drafted):
    response = client.post(
        f"{base}/{drafted.id}/translations/cy/remove", data=send({"confirm": "y"}, "suggest")
    )
    text = page_text(client.get(response.headers["Location"]))
    assert "Language to remove" in text and "Cymraeg" in text
    assert "Its translated texts would be deleted" in text
