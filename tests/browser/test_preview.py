"""The preview in Chromium: logic applied live, easy-read pictures and faces, read aloud, repeats
and ranking, each page checked with axe-core."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.studies.models import Membership, Role, Study
from peer_research.studies.services import get_study
from surveys import definition as d
from surveys.services import add_item, create_questionnaire

pytestmark = pytest.mark.browser

ENGLISH = d.Language("en", "English")
WELSH = d.Language("cy", "Cymraeg")

# Chromium without a speech engine may have no voices: record what would have been spoken.
RECORD_SPEECH = """
window.__spoken = []
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speak: utterance => window.__spoken.push({text: utterance.text, lang: utterance.lang}),
  cancel: () => {},
  getVoices: () => []
}})
"""
NO_SPEECH = (
    "Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: undefined})"
)


def q(name: str, kind: d.QuestionType, label: str, **fields) -> d.Question:
    """Return a question with an English label."""
    return d.Question(name=name, type=kind, label={"en": label}, **fields)


def make_questionnaire(data, items, *, languages=(ENGLISH,)):
    """Create a study with a facilitator and a questionnaire draft; return (person, address)."""
    study, person = data.study_with(Role.FACILITATOR, Role.CO_RESEARCHER)
    with data.app.app_context():
        session = db.session
        user = session.scalars(sa.select(User).where(User.username == person.username)).one()
        questionnaire = create_questionnaire(
            session,
            study=get_study(session, study.slug),
            title="What helps at home",
            languages=languages,
            created_by=user,
        )
        for item in items:
            add_item(session, questionnaire=questionnaire, item=item, changed_by=user)
        db.commit()
        return person, f"/studies/{study.slug}/questionnaires/{questionnaire.id}"


def allow_direct_edits(data, person) -> None:
    """Let the questionnaire's facilitator change the draft without a vote (logged as such)."""
    from surveys.codesign import services as codesign
    from surveys.codesign.models import RuleKind
    from surveys.codesign.rules import Rule

    with data.app.app_context():
        session = db.session
        user = session.scalars(sa.select(User).where(User.username == person.username)).one()
        membership = session.scalars(
            sa.select(Membership).where(Membership.user_id == user.id)
        ).one()
        codesign.set_decision_rule(
            session,
            study=session.get(Study, membership.study_id),
            settings=codesign.DecisionSettings(
                rule=Rule(RuleKind.CONSENT), allow_direct_edits=True
            ),
            set_by=user,
        )
        db.commit()


def named(visible: str, hidden: str) -> re.Pattern:
    """Match a control named by visible words and visually hidden ones after a colon.

    Chromium puts a space before the hidden part (it is positioned out of the flow).
    """
    return re.compile(rf"^{re.escape(visible)}\s*:\s*{re.escape(hidden)}$")


def png() -> bytes:
    """Return a small real PNG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 98, 94)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_relevance_calculations_and_constraints_apply_as_answers_are_typed(
    page: Page, check_accessibility, data, sign_in
):
    person, base = make_questionnaire(
        data,
        [
            q("drinks_tea", d.QuestionType.YES_NO, "Do you drink tea?", required=True),
            q(
                "why_tea",
                d.QuestionType.TEXT,
                "Why do you like it?",
                relevance="${drinks_tea} = 'yes'",
            ),
            q(
                "age",
                d.QuestionType.INTEGER,
                "How old are you?",
                constraint=". >= 18",
                constraint_message={"en": "Ask someone 18 or over"},
            ),
            q("double_age", d.QuestionType.CALCULATE, "", calculation="${age} * 2"),
            q("twice", d.QuestionType.NOTE, "Twice your age is ${double_age}."),
        ],
    )
    sign_in(page, person)
    page.goto(f"{base}/preview")
    expect(page.get_by_text("This is a preview: nothing you enter is saved.")).to_be_visible()
    expect(page.get_by_text("every question is shown")).to_be_hidden()  # the script runs
    follow_up = page.get_by_label("Why do you like it?")
    expect(follow_up).to_be_hidden()
    check_accessibility(page)

    # Checking before answering lists what is missing, at the top and beside the question.
    page.get_by_role("button", name="Check my answers").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose an answer")).to_have_attribute(
        "href", "#q-drinks_tea"
    )
    expect(page.locator("#q-drinks_tea-error")).to_contain_text("Choose an answer")
    check_accessibility(page)

    page.get_by_label("Yes").check()
    expect(follow_up).to_be_visible()
    expect(page.locator("#q-drinks_tea-error")).to_be_hidden()
    page.get_by_label("No").check()
    expect(follow_up).to_be_hidden()

    age = page.get_by_label("How old are you?")
    age.fill("12")
    age.press("Tab")
    expect(page.locator("#q-age-error")).to_have_text("Error: Ask someone 18 or over")
    expect(age).to_have_class(re.compile("govuk-input--error"))
    age.fill("40")
    expect(page.locator("#q-age-error")).to_be_hidden()
    expect(page.get_by_text("Twice your age is 80.")).to_be_visible()
    expect(page.locator("dd [data-output='double_age']")).to_have_text("80")
    age.fill("forty")
    expect(page.locator("#q-age-error")).to_contain_text("Enter a whole number")

    age.fill("40")
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("Every answer meets the questionnaire's rules.")).to_be_visible()
    expect(summary).to_be_hidden()
    check_accessibility(page)


def test_pictures_upload_and_show_with_their_words(page: Page, check_accessibility, data, sign_in):
    person, base = make_questionnaire(
        data,
        [
            q(
                "drink",
                d.QuestionType.SELECT_ONE,
                "What do you drink?",
                choices=(d.Choice("tea", {"en": "Tea"}), d.Choice("coffee", {"en": "Coffee"})),
            )
        ],
    )
    allow_direct_edits(data, person)
    sign_in(page, person)
    page.goto(f"{base}/")
    check_accessibility(page)
    page.get_by_role("link", name=named("Pictures", "What do you drink?")).click()
    expect(page.get_by_role("heading", name="Pictures for What do you drink?")).to_be_visible()
    check_accessibility(page)

    # An SVG is refused beside its field, whatever it is called.
    page.get_by_label("Answer: Tea").check()
    page.get_by_label("Choose a picture").set_input_files(
        {
            "name": "tea.png",
            "mimeType": "image/png",
            "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    page.get_by_label("Why?").fill("Easier to read")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("#image-error")).to_contain_text("SVG pictures cannot be used")
    check_accessibility(page)

    # Put the pictures on at once, as the study allows its facilitators (a logged change).
    for target, label in (
        ("The question: What do you drink?", "What do you drink?"),
        ("Answer: Tea", "Tea"),
    ):
        page.get_by_label(target).check()
        page.get_by_label("Choose a picture").set_input_files(
            {"name": "cup.png", "mimeType": "image/png", "buffer": png()}
        )
        page.get_by_label("Why?").fill("Easier to read")
        page.get_by_text("Make the change without a vote").click()
        page.get_by_role("button", name="Make this change now, without a vote").click()
        expect(page.get_by_role("img", name=label)).to_be_visible()
        expect(page.get_by_text("Changed. The decision log shows it")).to_be_visible()
        check_accessibility(page)

    page.goto(f"{base}/preview")
    question_picture = page.get_by_role("img", name="What do you drink?")
    expect(question_picture).to_be_visible()
    expect(page.get_by_role("img", name="Tea")).to_be_visible()
    assert question_picture.evaluate("image => image.naturalWidth") == 40  # it really loaded
    expect(page.get_by_label("Tea")).to_be_visible()  # the answer is still named "Tea"
    check_accessibility(page)


def test_read_aloud_speaks_each_text_in_its_own_language(
    new_page, check_accessibility, data, sign_in
):
    person, base = make_questionnaire(
        data,
        [
            d.Question(
                name="helped",
                type=d.QuestionType.SELECT_ONE,
                label={"en": "Who helped?", "cy": "Pwy helpodd?"},
                hint={"en": "Choose one", "cy": "Dewiswch un"},
                choices=(
                    d.Choice("family", {"en": "Family", "cy": "Teulu"}),
                    d.Choice("friends", {"en": "Friends"}),
                ),
            )
        ],
        languages=(ENGLISH, WELSH),
    )
    page = new_page()
    page.add_init_script(RECORD_SPEECH)
    sign_in(page, person)
    page.goto(f"{base}/preview?language=cy")
    expect(page.get_by_role("group", name="Pwy helpodd?")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name=named("Read aloud", "Pwy helpodd?")).click()
    assert page.evaluate("window.__spoken") == [
        {"text": "Pwy helpodd?", "lang": "cy"},
        {"text": "Dewiswch un", "lang": "cy"},
        {"text": "Teulu", "lang": "cy"},
        {"text": "Friends", "lang": "en"},  # not translated yet: read in English
    ]

    # Where the browser cannot speak, the button never shows.
    silent = new_page()
    silent.add_init_script(NO_SPEECH)
    sign_in(silent, person)
    silent.goto(f"{base}/preview")
    expect(silent.get_by_role("group", name="Who helped?")).to_be_visible()
    expect(silent.locator("[data-read-aloud]")).to_be_hidden()
    check_accessibility(silent)


def test_repeats_ranking_and_faces(page: Page, check_accessibility, data, sign_in):
    points = ("Very bad", "Bad", "All right", "Good", "Very good")
    person, base = make_questionnaire(
        data,
        [
            q(
                "mood",
                d.QuestionType.RATING,
                "How do you feel today?",
                appearance="faces",
                choices=tuple(d.Choice(str(n), {"en": text}) for n, text in enumerate(points, 1)),
            ),
            q(
                "order",
                d.QuestionType.RANKING,
                "Put these in order",
                choices=tuple(
                    d.Choice(name, {"en": name.title()}) for name in ("tea", "coffee", "water")
                ),
            ),
            d.Section(
                name="helpers",
                label={"en": "Person who helps"},
                repeat=True,
                items=(q("helper_name", d.QuestionType.TEXT, "Their first name"),),
            ),
        ],
    )
    sign_in(page, person)
    page.goto(f"{base}/preview")
    expect(page.locator("img.app-face")).to_have_count(5)
    page.get_by_label("Good", exact=True).check()
    check_accessibility(page)

    page.get_by_role("button", name=named("Move up", "Coffee")).click()
    names = page.locator("[data-ranking] [data-choice]")
    expect(names).to_have_text(
        [re.compile(r"^\s*Coffee"), re.compile(r"^\s*Tea"), re.compile(r"^\s*Water")]
    )
    expect(page.get_by_label("Coffee, number")).to_have_value("1")
    expect(page.get_by_label("Tea, number")).to_have_value("2")
    expect(page.locator("[data-ranking-status]")).to_have_text("Coffee is now number 1")
    expect(page.get_by_role("button", name=named("Move up", "Coffee"))).to_be_focused()

    page.get_by_role("button", name=named("Add another", "Person who helps")).click()
    second = page.locator("[name='helpers[1].helper_name']")
    expect(second).to_be_focused()
    expect(page.get_by_role("heading", name="Person who helps 2")).to_be_visible()
    second.fill("Ann")
    check_accessibility(page)
    page.get_by_role("button", name=named("Remove", "Person who helps 2")).click()
    expect(second).to_have_count(0)
    expect(
        page.get_by_role("button", name=named("Add another", "Person who helps"))
    ).to_be_focused()
