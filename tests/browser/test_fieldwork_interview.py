"""The interview on a tablet: a full interview with skip logic, validation, a repeat and
"Check your answers"; resume after a reload; the distress protocol; notes. Every screen is
checked with axe-core, at tablet and phone sizes."""

from __future__ import annotations

import pytest
from fieldwork_helpers import (  # live_server replaces conftest's in this module
    PHONE,
    TABLET,
    fieldwork_server,  # noqa: F401
    help_at_home,
    interviewer_with,
    live_server,  # noqa: F401
    next_screen,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import Page, expect
from wellbeing_steps import back_home, debrief

from surveys import definition as d

pytestmark = pytest.mark.browser


def test_a_full_interview_with_skip_logic_validation_a_repeat_and_check_your_answers(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """Answer, get stopped by a rule, add a repeat item, change an answer, finish, send."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    expect(
        page.get_by_role("status").filter(has_text="No interviews on this tablet yet")
    ).to_be_visible()
    check_accessibility(page)
    start_interview(page)
    check_accessibility(page)
    expect(page.get_by_text("Question 1 of 4")).to_be_visible()

    page.get_by_label("No", exact=True).check()
    next_screen(page)  # "Who helps you?" is asked only after yes
    expect(page.get_by_label("How old are you?")).to_be_visible()
    page.get_by_label("How old are you?").fill("12")
    next_screen(page)
    expect(
        page.get_by_text("Check this answer: it is not one this question accepts")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("How old are you?").fill("70")
    next_screen(page)

    page.get_by_role("textbox", name="What is the helper's name?").fill("Sam")
    page.get_by_role("button", name="Add another").tap()
    page.get_by_role("textbox", name="What is the helper's name?").fill("Alex")
    check_accessibility(page)
    next_screen(page)
    page.get_by_label("3 of 3").check()
    next_screen(page)

    summary = page.locator("[data-answer-summary]")
    expect(summary).to_contain_text("How old are you?70")
    expect(summary).to_contain_text("Sam")
    expect(summary).to_contain_text("Alex")
    expect(summary).not_to_contain_text("Who helps you?")
    check_accessibility(page)
    summary.get_by_role("link", name="Change How old are you?").tap()
    page.get_by_label("How old are you?").fill("71")
    next_screen(page)  # straight back to "Check your answers"
    expect(summary).to_contain_text("How old are you?71")

    page.get_by_role("button", name="Finish the interview").tap()
    debrief(page)
    back_home(page)
    expect(page.get_by_role("status").filter(has_text="All sent")).to_be_visible()
    expect(page.get_by_text("Last sent:")).to_be_visible()
    check_accessibility(page)
    [sent] = fieldwork_server.api.interviews.values()
    assert sent["status"] == "complete"
    assert sent["answers"] == {"gets_help": "no", "age": 71, "feeling": "3"}
    assert sent["repeats"] == {"helpers": [{"helper_name": "Sam"}, {"helper_name": "Alex"}]}
    assert stored_interviews(page) == []


def test_an_interview_resumes_after_a_reload_where_it_was_left(
    new_page, check_accessibility, data, sign_in
):
    """Reloading mid-interview brings back the answers and the question the person was on."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    check_accessibility(page)
    page.get_by_label("Yes", exact=True).check()
    next_screen(page)
    page.get_by_label("Other, please say").check()
    page.get_by_label("What is the other answer?").fill("My neighbour")
    next_screen(page)
    saved = page.locator("[data-fielding-interview]").get_attribute("data-saved-at")
    page.get_by_label("How old are you?").fill("64")
    page.wait_for_function(
        "old => document.querySelector('[data-fielding-interview]').dataset.savedAt !== old",
        arg=saved,
    )
    page.reload()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    expect(page.get_by_label("How old are you?")).to_have_value("64")
    page.get_by_role("button", name="Back to the question before").tap()
    expect(page.get_by_label("What is the other answer?")).to_have_value("My neighbour")
    [record] = stored_interviews(page)
    assert record["answers"] == {
        "gets_help": "yes",
        "who_helps": "other",
        "who_helps:other": "My neighbour",
        "age": 64,
    }

    page.get_by_role("button", name="Need to stop or pause?").tap()
    page.get_by_role("button", name="Pause the interview").tap()
    expect(page.get_by_role("button", name="Go on with this interview")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Go on with this interview").tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    expect(page.get_by_label("What is the other answer?")).to_have_value("My neighbour")


def test_the_distress_protocol_skips_a_question_and_stops_with_a_reason(
    new_page,
    check_accessibility,
    data,
    sign_in,
    fieldwork_server,  # noqa: F811
):
    """Skip a question, write a note, stop because the person is upset: kept and sent."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    page.get_by_label("Yes", exact=True).check()
    next_screen(page)

    page.get_by_role("button", name="Need to stop or pause?").tap()
    expect(page.get_by_role("heading", name="Need to stop or pause?")).to_be_focused()
    check_accessibility(page)
    page.get_by_role("button", name="Skip this question").tap()
    expect(page.get_by_label("How old are you?")).to_be_visible()

    page.get_by_role("button", name="Notes about this interview").tap()
    check_accessibility(page)
    expect(page.get_by_text("Error: Write the note first")).to_be_hidden()
    page.get_by_role("button", name="Save the note").tap()
    expect(page.get_by_text("Error: Write the note first")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Write a note").fill("We talked in the garden.")
    page.get_by_role("button", name="Save the note").tap()
    expect(page.locator("[data-note-list]")).to_contain_text("We talked in the garden.")
    page.get_by_role("button", name="Go back to the interview").last.tap()

    page.get_by_role("button", name="Need to stop or pause?").tap()
    page.get_by_role("button", name="Stop the interview").tap()
    expect(page.get_by_text("Error: Choose why the interview stopped")).to_be_hidden()
    page.get_by_role("button", name="Stop and keep the answers").tap()
    expect(page.get_by_text("Error: Choose why the interview stopped")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("The person is upset").check()
    page.get_by_label("Anything to add? (you do not have to)").fill("Talking about help upset her.")
    page.get_by_role("button", name="Stop and keep the answers").tap()

    expect(page.get_by_role("heading", name="The interview has stopped")).to_be_visible()
    expect(page.get_by_text("call 999")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Back to interviews").tap()
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    check_accessibility(page)
    [sent] = fieldwork_server.api.interviews.values()
    assert sent["status"] == "stopped"
    assert sent["stop_reason"] == "upset"
    assert sent["stop_note"] == "Talking about help upset her."
    assert sent["answers"] == {"gets_help": "yes"}
    assert sent["notes"] == [
        "Skipped (the person did not want to answer): Who helps you?",
        "We talked in the garden.",
    ]


@pytest.mark.parametrize("size", [TABLET, PHONE], ids=["tablet", "phone"])
def test_every_interview_screen_passes_axe(new_page, check_accessibility, data, sign_in, size):
    """Each question, the end, the distress and notes panels: no WCAG 2.2 AA problem."""
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**size)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    page.get_by_label("Yes", exact=True).check()
    steps = [
        lambda: page.get_by_label("A carer").check(),
        lambda: page.get_by_label("How old are you?").fill("50"),
        lambda: page.get_by_role("textbox", name="What is the helper's name?").fill("Sam"),
        lambda: page.get_by_label("2 of 3").check(),
    ]
    for step in steps:
        check_accessibility(page)
        next_screen(page)
        step()
    check_accessibility(page)
    next_screen(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    check_accessibility(page)
    for panel in ("Need to stop or pause?", "Notes about this interview"):
        page.get_by_role("button", name=panel).tap()
        check_accessibility(page)
        page.get_by_role("button", name="Go back to the interview").locator("visible=true").tap()


def test_the_language_can_change_mid_interview_and_the_answers_follow(
    new_page, check_accessibility, data, sign_in
):
    """Switching to Welsh shows the same interview, on the same question, in Welsh."""
    questions = [
        d.Question(
            name="age",
            type=d.QuestionType.INTEGER,
            label={"en": "How old are you?", "cy": "Faint yw eich oed?"},
        ),
        d.Question(
            name="town",
            type=d.QuestionType.TEXT,
            label={"en": "Where do you live?", "cy": "Ble rydych chi'n byw?"},
        ),
    ]
    person, home = interviewer_with(
        data, questions, languages=[d.Language("en", "English"), d.Language("cy", "Cymraeg")]
    )
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    page.goto(home)
    check_accessibility(page)
    start_interview(page)
    check_accessibility(page)
    page.get_by_label("How old are you?").fill("40")
    next_screen(page)
    page.get_by_role("link", name="Cymraeg").tap()
    expect(page.get_by_label("Ble rydych chi'n byw?")).to_be_visible()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)
    check_accessibility(page)
    page.get_by_role("button", name="Back to the question before").tap()
    expect(page.get_by_label("Faint yw eich oed?")).to_have_value("40")
    [record] = [r for r in stored_interviews(page) if r["status"] == "in_progress"]
    assert record["language"] == "cy"
    assert record["answers"] == {"age": 40}
