"""Translations, plain language and the jargon list in Chromium, each page checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_preview import allow_direct_edits, make_questionnaire, q

from surveys import definition as d

pytestmark = pytest.mark.browser


def test_translate_into_a_right_to_left_language(page: Page, check_accessibility, data, sign_in):
    """Add Arabic, see what is missing, translate a question; the box is right to left.

    The facilitator's study lets them make changes without a vote (each one logged).
    """
    person, base = make_questionnaire(
        data, [q("tea", d.QuestionType.YES_NO, "Do you drink tea?", hint={"en": "Any kind"})]
    )
    allow_direct_edits(data, person)
    sign_in(page, person)
    page.goto(f"{base}/translations")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Translations")
    check_accessibility(page)
    page.get_by_role("link", name="Suggest a language").click()
    check_accessibility(page)
    page.get_by_label("Language", exact=True).fill("العربية")
    page.get_by_label("Language code").fill("ar")
    page.get_by_label("Why?").fill("Arabic speakers on the estate")
    page.get_by_text("Make the change without a vote").click()
    page.get_by_role("button", name="Make this change now, without a vote").click()
    check_accessibility(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("العربية")
    expect(heading).not_to_contain_text("<span")
    box = page.locator("textarea[lang='ar']").first
    expect(box).to_have_attribute("dir", "rtl")
    box.fill("هل تشرب الشاي؟")
    page.get_by_label("Why?").fill("For Arabic speakers")
    page.get_by_role("button", name="Suggest this change").click()
    # A suggestion: the group decides; its page shows the new words beside the question.
    expect(page.get_by_text("Your suggestion is open")).to_be_visible()
    expect(page.get_by_text("New texts for 1 question")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/translations/ar")
    check_accessibility(page)
    box = page.locator("textarea[lang='ar']").first
    box.fill("هل تشرب الشاي؟")
    page.get_by_label("Why?").fill("For Arabic speakers")
    page.get_by_text("Make the change without a vote").click()
    page.get_by_role("button", name="Make this change now, without a vote").click()
    expect(page.get_by_text("Changed. The decision log shows it")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base}/preview?language=ar")
    expect(page.get_by_role("group", name="هل تشرب الشاي؟")).to_be_visible()
    check_accessibility(page)


def test_plain_language_review_and_jargon_list(page: Page, check_accessibility, data, sign_in):
    """Jargon in a question is flagged with a plainer way; the group adds its own term."""
    person, base = make_questionnaire(
        data, [q("helps", d.QuestionType.TEXT, "Is co-production with service users working?")]
    )
    sign_in(page, person)
    page.goto(f"{base}/plain-language")
    expect(page.get_by_text("working together").first).to_be_visible()
    check_accessibility(page)
    study_path = base.split("/questionnaires")[0]
    page.goto(f"{study_path}/jargon")
    check_accessibility(page)
    page.get_by_role("link", name="Add a word or phrase").click()
    check_accessibility(page)
    page.get_by_label("Word or phrase").fill("care package")
    page.get_by_label("A plainer way to say it (optional)").fill("the help you get")
    page.get_by_role("button").filter(has_text="Add").last.click()
    expect(page.get_by_text("care package").first).to_be_visible()
    check_accessibility(page)
