"""Every page a co-researcher uses fits a phone: the heading starts on the first screen and
nothing is wider than the screen. axe-core checks every page."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from peer_research.db import db, utcnow
from peer_research.studies.models import Role
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.services import add_item, publish_version

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}

# Where a heading must start: on the first screen, below the header and the study's menu.
FIRST_SCREEN = PHONE["viewport"]["height"]
WIDTH = PHONE["viewport"]["width"]
MEASURE = """width => {
    const h1 = document.querySelector('main h1, h1');
    const wide = [...document.querySelectorAll('main *, header *, nav *')]
        .filter(el => el.getBoundingClientRect().right > width + 0.5
                      && getComputedStyle(el).visibility !== 'hidden'
                      && el.getClientRects().length > 0
                      && !el.closest('.govuk-visually-hidden, [hidden]'))
        .slice(-4)
        .map(el => el.tagName.toLowerCase()
                   + (el.className ? '.' + String(el.className).split(' ')[0] : '')
                   + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
    return {
        h1Top: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        wide,
    };
}"""


def _long_draft(data, group) -> None:
    """Give the draft a long, realistic question with choices and a section, and publish it."""
    with data.app.app_context():
        session = db.session
        questionnaire = group.questionnaire(session)
        author = data.user_of(session, group.people[0])
        add_item(
            session,
            questionnaire=questionnaire,
            item=d.Question(
                name="support_received_at_home_during_the_last_twelve_months",
                type=d.QuestionType.SELECT_MULTIPLE,
                label={
                    "en": "Which kinds of support did you get at home in the last twelve months?"
                },
                hint={"en": "Choose every kind of support that applies to you."},
                choices=(
                    d.Choice("personal_care_and_washing", {"en": "Help with washing"}),
                    d.Choice("meals_and_shopping", {"en": "Help with meals and shopping"}),
                ),
                relevance="${age} >= 18",
            ),
            changed_by=author,
        )
        publish_version(session, questionnaire=questionnaire, published_by=author)
        db.commit()


def _comment_on_draft(data, group) -> int:
    """Have the co-researcher comment on the question "age"; return the comment's id."""
    with data.app.app_context():
        session = db.session
        comment = codesign.post_comment(
            session,
            questionnaire=group.questionnaire(session),
            author=data.user_of(session, group.people[0]),
            item_name="age",
            body="Some people find this question hard. Could we say why we ask?",
        )
        db.commit()
        return comment.id


def _ask_to_publish(data, group) -> int:
    """Have the facilitator ask the group to publish the draft; return the poll's id."""
    with data.app.app_context():
        session = db.session
        poll = codesign.open_publish_poll(
            session,
            questionnaire=group.questionnaire(session),
            opened_by=data.user_of(session, group.people[1]),
            deadline=utcnow() + timedelta(days=5),
            reason="The group has agreed the wording; time to try it with people.",
        )
        db.commit()
        return poll.id


def co_researcher_pages(group, proposal_id: int, comment_id: int, poll_id: int) -> list[str]:
    """Return the address of every page a co-researcher uses in a study."""
    study = group.study.path.rstrip("/")
    base = group.base
    return [
        "/",
        "/account",
        "/notifications",
        f"{study}/",
        f"{study}/people",
        f"{study}/participation",
        f"{study}/how-we-decide",
        f"{study}/how-we-decide/suggest",
        f"{study}/polls/{poll_id}",
        f"{study}/notifications/choices",
        f"{study}/questionnaires",
        f"{study}/questionnaires/new",
        f"{base}/",
        f"{base}/suggestions",
        f"{base}/suggestions/{proposal_id}",
        f"{base}/questions/new",
        f"{base}/sections/new",
        f"{base}/items/age/edit",
        f"{base}/items/age/move",
        f"{base}/items/age/remove",
        f"{base}/items/age/images",
        f"{base}/items/age/comments",
        f"{base}/comments/{comment_id}/reply",
        f"{base}/preview",
        f"{base}/preview?view=one",
        f"{base}/versions/1",
        f"{base}/versions/1/preview",
        f"{base}/compare?from=1&to=draft",
        f"{base}/decisions",
        f"{base}/ask-to-publish",
        f"{base}/translations",
        f"{base}/translations/new",
        f"{base}/plain-language",
        f"{study}/jargon",
        f"{study}/jargon/new",
    ]


def _measure(page: Page) -> dict:
    """Return where the heading starts and how wide the page is laid out."""
    return page.evaluate(MEASURE, WIDTH)


def test_every_co_researcher_page_fits_a_phone(new_page, check_accessibility, data, sign_in):
    """At 375 by 812 the heading is on the first screen and nothing overflows sideways."""
    group = data.design_group(
        ("Ada Brook", Role.CO_RESEARCHER),
        ("Bartholomew Fitzgerald-Worthington", Role.FACILITATOR, Role.CO_RESEARCHER),
        title="Carers' voices: what helps people stay well and independent at home",
    )
    _long_draft(data, group)
    comment_id = _comment_on_draft(data, group)
    proposal_id = data.open_suggestion(group, group.people[1])
    poll_id = _ask_to_publish(data, group)
    page = new_page(**PHONE)
    sign_in(page, group.people[0])

    problems = []
    for path in co_researcher_pages(group, proposal_id, comment_id, poll_id):
        response = page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response.status}"
        page.locator("h1").first.wait_for()
        check_accessibility(page)
        found = _measure(page)
        if found["h1Top"] is None or found["h1Top"] >= FIRST_SCREEN:
            problems.append(f"{path}: the heading starts at {found['h1Top']}px")
        if max(found["scrollWidth"], found["innerWidth"]) > WIDTH:
            problems.append(
                f"{path}: laid out {found['scrollWidth']}px wide; too wide: {found['wide']}"
            )
    assert not problems, "\n".join(problems)


def test_the_study_menu_folds_on_a_phone_and_opens_by_keyboard(
    new_page, check_accessibility, data, sign_in
):
    """On a phone the study's links sit behind "Menu", which opens with the keyboard."""
    group = data.design_group(("Ada Brook", Role.CO_RESEARCHER))
    page = new_page(**PHONE)
    sign_in(page, group.people[0])
    page.goto(group.study.path)
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    study_links = page.get_by_role("navigation", name="This study")
    expect(study_links.get_by_role("link", name="Questionnaires")).to_be_hidden()
    check_accessibility(page)
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(study_links.get_by_role("link", name="Questionnaires")).to_be_visible()
    check_accessibility(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Questionnaires")).to_be_visible()
    check_accessibility(page)


GPS_FORM = "survey,,,\n,type,name,label\n,integer,age,Age\n,geopoint,where,Where are you?\n"


def test_an_import_report_fits_a_phone_and_try_again_keeps_the_file(
    new_page, check_accessibility, data, sign_in, tmp_path
):
    """What to fix comes first; "Try again" imports the same file without choosing it again."""
    study, facilitator = data.study_with(Role.FACILITATOR, Role.CO_RESEARCHER)
    spreadsheet = tmp_path / "where-people-live.csv"
    spreadsheet.write_text(GPS_FORM)
    page = new_page(**PHONE)
    sign_in(page, facilitator)
    page.goto(f"{study.path}questionnaires/import")
    check_accessibility(page)
    page.get_by_label("The spreadsheet (an XLSForm)").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The file was not imported")
    expect(page.get_by_role("table", name="What to fix first")).to_contain_text("geopoint")
    expect(page.get_by_text("We kept where-people-live.csv for you.")).to_be_visible()
    check_accessibility(page)
    assert _measure(page)["scrollWidth"] <= WIDTH

    page.get_by_label("Import it and change or leave them out, listing each one").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported")
    expect(
        page.get_by_role("table", name="Changed or left out to fit peer-research")
    ).to_be_visible()
    check_accessibility(page)
