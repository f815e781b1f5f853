"""The preview one question at a time, and "Other, please say" errors that wait until the
person moves on; keyboard only, each page checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_preview import make_questionnaire, named, q

from surveys import definition as d

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
OTHER_ERROR = "Say what the other answer is"


def _help_questions() -> list[d.Item]:
    """Return four questions: one asked only after "yes", and one with "Other, please say"."""
    return [
        q("gets_help", d.QuestionType.YES_NO, "Do you get help at home?", required=True),
        q(
            "who_helps",
            d.QuestionType.SELECT_ONE,
            "Who helps you?",
            relevance="${gets_help} = 'yes'",
            choices=(d.Choice("family", {"en": "Family"}), d.Choice("carer", {"en": "A carer"})),
            other_option=True,
        ),
        q("age", d.QuestionType.INTEGER, "How old are you?", constraint=". >= 18"),
        q("thanks", d.QuestionType.NOTE, "Thank you for your answers."),
    ]


def _next(page: Page) -> None:
    """Press Next with the keyboard."""
    page.get_by_role("button", name="Next question").focus()
    page.keyboard.press("Enter")


def _back(page: Page) -> None:
    """Press Back with the keyboard."""
    page.get_by_role("button", name="Back to the question before").focus()
    page.keyboard.press("Enter")


def test_other_please_say_waits_until_the_person_moves_on(
    page: Page, check_accessibility, data, sign_in
):
    """Ticking "Other" shows the box, not an error; moving on without writing shows it."""
    person, base = make_questionnaire(data, _help_questions())
    sign_in(page, person)
    page.goto(f"{base}/preview")
    check_accessibility(page)
    page.get_by_label("Yes").check()
    page.get_by_label("Family").focus()  # passing through the question once, choosing nothing
    page.get_by_label("How old are you?").focus()
    other = page.get_by_label("Other, please say")
    other.focus()
    page.keyboard.press("Space")
    expect(other).to_be_checked()
    box = page.get_by_label("What is the other answer?")
    expect(box).to_be_visible()
    error = page.get_by_text(OTHER_ERROR)
    expect(error).to_be_hidden()
    page.keyboard.press("Tab")  # into the box: still the same question
    expect(box).to_be_focused()
    expect(error).to_be_hidden()
    check_accessibility(page)

    age = page.get_by_label("How old are you?")
    for _ in range(3):  # on to the next question (past "Read aloud", where speech works)
        page.keyboard.press("Tab")
        if age.evaluate("input => input === document.activeElement"):
            break
    expect(age).to_be_focused()
    expect(error).to_be_visible()
    check_accessibility(page)
    box.fill("My neighbour")
    expect(error).to_be_hidden()


def test_one_question_at_a_time_with_back_next_progress_and_live_relevance(
    new_page, check_accessibility, data, sign_in
):
    """At phone size, by keyboard: one question per screen, the count follows the answers."""
    person, base = make_questionnaire(data, _help_questions())
    page = new_page(**PHONE)
    sign_in(page, person)
    page.goto(f"{base}/preview")
    check_accessibility(page)
    page.get_by_role("link", name="one question at a time").click()
    progress = page.locator("[data-progress]")
    expect(progress).to_have_text("Question 1 of 3")
    expect(page.get_by_role("group", name="Do you get help at home?")).to_be_visible()
    expect(page.get_by_label("How old are you?")).to_be_hidden()
    expect(page.get_by_role("button", name="Back to the question before")).to_be_hidden()
    check_accessibility(page)

    _next(page)  # the answer is needed: it stays, and says so
    expect(page.locator("#q-gets_help-error")).to_contain_text("Choose an answer")
    expect(progress).to_have_text("Question 1 of 3")
    check_accessibility(page)

    page.get_by_label("Yes").focus()
    page.keyboard.press("Space")
    expect(progress).to_have_text("Question 1 of 4")  # "Who helps you?" is asked now
    _next(page)
    expect(progress).to_have_text("Question 2 of 4")
    expect(progress).to_be_focused()
    expect(page.get_by_role("group", name="Who helps you?")).to_be_visible()
    expect(page.get_by_role("group", name="Do you get help at home?")).to_be_hidden()
    page.get_by_label("Other, please say").check()
    expect(page.get_by_text(OTHER_ERROR)).to_be_hidden()
    check_accessibility(page)
    _next(page)  # moving on without saying what: now it is a problem
    expect(page.get_by_text(OTHER_ERROR)).to_be_visible()
    expect(page.get_by_label("What is the other answer?")).to_be_focused()
    page.keyboard.type("My neighbour")
    _next(page)
    expect(progress).to_have_text("Question 3 of 4")
    page.get_by_label("How old are you?").fill("40")
    _next(page)
    expect(progress).to_have_text("Question 4 of 4")
    expect(page.locator("p", has_text="Thank you for your answers.")).to_be_visible()
    _next(page)
    expect(progress).to_have_text(
        "That was the last question. Check your answers, or go back to change one."
    )
    check = page.get_by_role("button", name="Check my answers")
    check.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Every answer meets the questionnaire's rules.")).to_be_visible()
    check_accessibility(page)

    for _ in range(3):
        _back(page)
    expect(progress).to_have_text("Question 2 of 4")
    _back(page)
    page.get_by_label("No").focus()
    page.keyboard.press("Space")
    expect(progress).to_have_text("Question 1 of 3")  # "Who helps you?" dropped out
    _next(page)
    expect(progress).to_have_text("Question 2 of 3")
    expect(page.get_by_label("How old are you?")).to_be_visible()
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"]


def test_problems_found_at_the_end_lead_back_to_their_question(
    page: Page, check_accessibility, data, sign_in
):
    """ "Check my answers" at the end links each problem to its own screen."""
    person, base = make_questionnaire(data, _help_questions())
    sign_in(page, person)
    page.goto(f"{base}/preview?view=one")
    progress = page.locator("[data-progress]")
    page.get_by_label("No").check()
    _next(page)
    page.get_by_label("How old are you?").fill("12")  # fails its rule; Next is not pressed
    page.get_by_label("How old are you?").press("Tab")
    expect(page.get_by_text("Check this answer")).to_be_visible()
    page.get_by_label("How old are you?").fill("")
    _next(page)
    _next(page)
    expect(progress).to_contain_text("That was the last question")
    page.get_by_label("How old are you?").evaluate("input => { input.value = '12' }")
    page.get_by_role("button", name="Check my answers").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    check_accessibility(page)
    summary.get_by_role(
        "link", name="Check this answer: it is not one this question accepts"
    ).click()
    expect(progress).to_have_text("Question 2 of 3")
    expect(page.get_by_label("How old are you?")).to_be_focused()
    check_accessibility(page)


def test_repeats_one_question_at_a_time(page: Page, check_accessibility, data, sign_in):
    """A repeat's questions come one by one; "Add another" and "Remove" stay with them."""
    person, base = make_questionnaire(
        data,
        [
            q("gets_help", d.QuestionType.YES_NO, "Do you get help at home?"),
            d.Section(
                name="helpers",
                label={"en": "Person who helps"},
                repeat=True,
                items=(q("helper_name", d.QuestionType.TEXT, "Their first name"),),
            ),
            q("age", d.QuestionType.INTEGER, "How old are you?"),
        ],
    )
    sign_in(page, person)
    page.goto(f"{base}/preview?view=one")
    progress = page.locator("[data-progress]")
    expect(progress).to_have_text("Question 1 of 3")
    add = page.get_by_role("button", name=named("Add another", "Person who helps"))
    expect(add).to_be_hidden()
    check_accessibility(page)
    _next(page)
    expect(progress).to_have_text("Question 2 of 3")
    expect(page.get_by_role("heading", name="Person who helps 1")).to_be_visible()
    expect(page.get_by_label("How old are you?")).to_be_hidden()
    add.focus()
    page.keyboard.press("Enter")
    expect(progress).to_have_text("Question 3 of 4")
    second = page.locator("[name='helpers[1].helper_name']")
    expect(second).to_be_focused()
    expect(page.get_by_role("heading", name="Person who helps 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Person who helps 1")).to_be_hidden()
    check_accessibility(page)
    remove = page.get_by_role("button", name=named("Remove", "Person who helps 2"))
    remove.focus()
    page.keyboard.press("Enter")
    expect(second).to_have_count(0)
    expect(progress).to_be_focused()
    expect(progress).to_contain_text("of 3")
    check_accessibility(page)
