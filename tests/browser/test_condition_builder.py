"""The condition builder in Chromium: a co-researcher suggests a new question with a skip rule
made with the builder only, using only the keyboard, on a phone and on a desktop screen.
axe-core checks every page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import test_logic_js as tablet
from playwright.sync_api import Page, expect

from peer_research.db import db
from peer_research.studies.models import Role
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.codesign.models import Proposal
from surveys.logic.builder import COMPARISONS, VALUE_COUNTS, Condition, Rule, Subject, expression_of
from surveys.services import add_item

pytestmark = pytest.mark.browser

SCREENS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def _add_help_question(data, group) -> None:
    """Put "Do you get help at home?" (yes or no) in the group's draft, after "age"."""
    with data.app.app_context():
        session = db.session
        add_item(
            session,
            questionnaire=group.questionnaire(session),
            item=d.Question(
                name="gets_help",
                type=d.QuestionType.YES_NO,
                label={"en": "Do you get help at home?"},
                choices=(d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"})),
            ),
            changed_by=data.user_of(session, group.people[0]),
        )
        db.commit()


def _latest_rule(data, group) -> str:
    """Return the skip rule of the question the newest suggestion would add."""
    with data.app.app_context():
        session = db.session
        proposal = session.scalars(
            sa.select(Proposal)
            .where(Proposal.questionnaire_id == group.questionnaire_id)
            .order_by(Proposal.id.desc())
        ).first()
        return codesign.updated_item(session, proposal=proposal).relevance


def _press(page: Page, locator, key: str = "Enter") -> None:
    """Move the keyboard focus to a control and press a key there (no mouse)."""
    locator.focus()
    page.keyboard.press(key)


def _no_sideways_scrolling(page: Page) -> None:
    """Nothing on the page is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_a_co_researcher_adds_a_skip_rule_with_the_keyboard(
    new_page, check_accessibility, data, sign_in, screen
):
    """Pick the questions by their words, a comparison and answers; "any of"; send it."""
    group = data.design_group(("Sam Okafor", Role.FACILITATOR), ("Ada Brook", Role.CO_RESEARCHER))
    _add_help_question(data, group)
    page = new_page(viewport=SCREENS[screen])
    sign_in(page, group.people[1])

    page.goto(f"{group.base}/")
    check_accessibility(page)
    _press(page, page.get_by_role("link", name="Suggest adding a question"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What kind of question is it?")
    check_accessibility(page)
    _no_sideways_scrolling(page)
    _press(page, page.get_by_label("Yes or no"), "Space")
    _press(page, page.get_by_role("button", name="Continue"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest adding a question")
    expect(page.get_by_label("Answers to choose from")).to_be_hidden()  # not for yes or no
    check_accessibility(page)
    _no_sideways_scrolling(page)
    page.get_by_label("Question", exact=True).focus()
    page.keyboard.type("Does someone help you wash?")
    _press(page, page.locator("#rules > summary"))

    rule = page.locator("#relevance")
    first = rule.locator("#relevance-0-subject")
    first.focus()
    page.keyboard.type("Do you get")  # picks the question by its words
    expect(rule.get_by_label("How to compare")).to_be_visible()
    _press(page, rule.get_by_label("Yes", exact=True), "Space")
    check_accessibility(page)

    _press(page, rule.get_by_role("button", name="Add another condition"))
    page.wait_for_url("**#relevance-1")
    page.wait_for_load_state("load")
    expect(rule.get_by_text("Condition 2", exact=True)).to_be_visible()
    page.keyboard.press("Tab")  # the page comes back at the new condition
    expect(page.locator("#relevance-1-subject")).to_be_focused()
    page.keyboard.type("How old")
    second = rule.locator("#relevance-1")
    second.get_by_label("How to compare").focus()
    page.keyboard.type("is at least")
    expect(second.get_by_label("And (for “is between”)")).to_be_hidden()
    second.get_by_label("Value").focus()
    page.keyboard.type("65")
    _press(page, rule.get_by_label("Any one of them"), "Space")
    expect(rule.get_by_label("Yes", exact=True)).to_be_checked()  # kept through the post
    check_accessibility(page)
    _no_sideways_scrolling(page)

    page.get_by_label("Why?").focus()
    page.keyboard.type("Older people and people with help may need it.")
    _press(page, page.get_by_role("button", name="Suggest this change"))
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    check_accessibility(page)
    assert _latest_rule(data, group) == "${gets_help} = 'yes' or ${age} >= 65"


def test_a_mistake_is_shown_beside_the_condition(new_page, check_accessibility, data, sign_in):
    """A value of the wrong kind is explained beside it, and nothing is sent."""
    group = data.design_group(("Ada Brook", Role.CO_RESEARCHER))
    page = new_page(viewport=SCREENS["phone"])
    sign_in(page, group.people[0])
    page.goto(f"{group.base}/questions/new?type=text")
    check_accessibility(page)
    page.get_by_label("Question", exact=True).fill("Where do you live?")
    page.get_by_text("When to ask it, and which answers are accepted").click()
    rule = page.locator("#relevance")
    rule.locator("#relevance-0-subject").select_option(label="How old are you?")
    rule.get_by_label("How to compare").select_option(label="is more than")
    rule.get_by_label("Value").fill("eighteen")
    page.get_by_label("Why?").fill("To know the area.")
    page.get_by_role("button", name="Suggest this change").click()
    expect(page.get_by_text("Enter a number, like 18 or 2.5.").first).to_be_visible()
    expect(page.get_by_role("link", name="Check the conditions below.")).to_be_visible()
    check_accessibility(page)


def test_the_form_follows_the_kind_and_the_comparison(new_page, check_accessibility, data, sign_in):
    """With JavaScript, what does not fit is hidden at once, without sending the form."""
    group = data.design_group(("Ada Brook", Role.CO_RESEARCHER))
    _add_help_question(data, group)
    page = new_page(viewport=SCREENS["phone"])
    sign_in(page, group.people[0])
    page.goto(f"{group.base}/questions/new?type=select_one")
    check_accessibility(page)
    expect(page.get_by_role("button", name="Update the conditions").first).to_be_hidden()
    kind_button = page.get_by_role("button", name="Show the parts for this kind of question")
    expect(kind_button).to_be_hidden()
    page.locator("#rules > summary").click()
    rule = page.locator("#relevance")
    rule.locator("#relevance-0-subject").select_option(label="Do you get help at home?")
    rule.get_by_label("How to compare").select_option(label="is not answered")
    expect(rule.get_by_text("Answers", exact=True)).to_be_hidden()  # nothing to choose
    rule.get_by_label("How to compare").select_option(label="is not")
    expect(rule.get_by_label("No", exact=True)).to_be_visible()

    page.get_by_label("Kind of question").select_option("integer")
    expect(page.get_by_label("Answers to choose from")).to_be_hidden()
    constraint = page.locator("#constraint")
    constraint.locator("#constraint-0-subject").select_option(label="This answer")
    constraint.get_by_label("How to compare").select_option(label="is between")
    expect(constraint.get_by_label("And (for “is between”)")).to_be_visible()
    check_accessibility(page)


# Every comparison the builder writes, worked out by the tablet's evaluator as by the server's
# (in the page the logic.js tests use).
logic_page = tablet.logic_page
BUILDER_SUBJECTS = {
    "help": Subject("help", "one_choice", ("yes", "no")),
    "helpers": Subject("helpers", "many_choices", ("family", "friends", "carers")),
    "age": Subject("age", "number"),
    "started": Subject("started", "date"),
    "wake": Subject("wake", "time"),
    "town": Subject("town", "text"),
    ".": Subject(".", "number"),
}
BUILDER_VALUES = {
    "one_choice": ("yes", "no"),
    "many_choices": ("family", "carers"),
    "number": ("-2.5", "18"),
    "date": ("2020-01-31", "2024-02-29"),
    "time": ("07:00", "21:30"),
    "text": ("Leeds", "it's"),
}
BUILDER_ANSWERS = [
    {},
    {"help": "yes", "helpers": ["family", "friends"], "age": 18, "started": "2022-06-01",
     "wake": "06:45", "town": "Leeds"},
    {"help": "no", "helpers": "carers", "age": "17.5", "started": "2020-01-31",
     "wake": "21:30", "town": "It's Leeds"},
]  # fmt: skip


def _builder_cases() -> list[dict]:
    """Return each comparison of each kind as a rule, against each set of answers."""
    cases = []
    for subject in BUILDER_SUBJECTS.values():
        for comparison in COMPARISONS[subject.kind]:
            count = VALUE_COUNTS[comparison]
            values = BUILDER_VALUES.get(subject.kind, ())[: 2 if count in (None, 2) else count]
            rule = Rule("all", (Condition(subject.name, comparison, values),))
            expression = expression_of(rule, BUILDER_SUBJECTS)
            for answers in BUILDER_ANSWERS:
                cases.append(
                    {"expression": expression, "answers": answers, "current": answers.get("age")}
                )
    return cases


def test_the_tablet_reads_the_builder_s_rules_as_the_server_does(logic_page) -> None:
    """The builder writes the logic language; both evaluators stay the one source of truth."""
    cases = _builder_cases()
    results = tablet.run(logic_page, cases)
    expected = [tablet.python_outcome(case, detailed=True) for case in cases]
    lines = tablet.disagreements(cases, results, expected, detailed=True)
    assert not lines, tablet.report(lines, len(cases))
