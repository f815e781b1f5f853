"""Rules in plain words in Chromium: the words are on the page, the code only after the
person opens "Show how the tablet checks this" (by keyboard), and axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_preview import make_questionnaire, q

from surveys import definition as d

pytestmark = pytest.mark.browser

READING = "Only asked if the answer to “Do you get help at home?” is “Yes”."
CODE = "${gets_help} = 'yes'"


@pytest.mark.parametrize("width", [375, 1280])
def test_a_rule_reads_in_words_and_shows_its_code_on_request(
    page: Page, check_accessibility, data, sign_in, width
):
    """On a phone and a desktop, the draft and plain-language pages read the rule aloud in words."""
    person, base = make_questionnaire(
        data,
        [
            q("gets_help", d.QuestionType.YES_NO, "Do you get help at home?"),
            q("hours", d.QuestionType.INTEGER, "How many hours a week?", relevance=CODE),
        ],
    )
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, person)
    page.goto(f"{base}/")
    expect(page.get_by_text(READING)).to_be_visible()
    code = page.locator("code", has_text=CODE)
    expect(code).to_be_hidden()
    check_accessibility(page)
    reveal = page.locator("summary", has_text="Show how the tablet checks this")
    reveal.focus()
    page.keyboard.press("Enter")
    expect(code).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/plain-language")
    expect(page.get_by_text(READING)).to_be_visible()
    expect(page.locator("code", has_text=CODE)).to_be_hidden()
    check_accessibility(page)
