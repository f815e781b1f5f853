"""The first journeys in a real browser: signing in, joining by invitation, changing roles,
showing a password, and the study pages on a phone and a tablet. axe-core checks every page."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from peer_research.studies.models import Role

from support import PASSWORD

pytestmark = pytest.mark.browser

WRONG_SIGN_IN = "The username or password is not right. Check them and try again."
LAST_FACILITATOR = "A study needs at least one facilitator. Make someone else a facilitator first."

_numbers = itertools.count(1)


def heading(page: Page, text: str):
    """Return the page's main heading with this text."""
    return page.get_by_role("heading", level=1, name=text, exact=True)


def error_summary(page: Page):
    """Return the GOV.UK error summary at the top of the page."""
    return page.locator(".govuk-error-summary")


def expect_field_error(page: Page, field_id: str, message: str) -> None:
    """Check the error shows beside the field and, linked to the field, in the error summary."""
    expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{field_id}")
    # GOV.UK Frontend's script moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_sign_in_shows_a_clear_error_then_your_studies(page: Page, check_accessibility, data):
    """Sign in with a wrong password, then the right one; see your studies; sign out."""
    study, person = data.study_with(Role.PEER_RESEARCHER)

    page.goto("/sign-in")
    expect(heading(page, "Sign in")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Username or e-mail address").fill(person.username)
    page.get_by_label("Password", exact=True).fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect_field_error(page, "password", WRONG_SIGN_IN)
    expect(page.get_by_label("Username or e-mail address")).to_have_value(person.username)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_accessibility(page)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Your studies")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {person.display_name}.")).to_be_visible()
    expect(page.get_by_role("link", name=study.title)).to_be_visible()
    expect(page.get_by_text("Your roles: Peer researcher")).to_be_visible()
    check_accessibility(page)

    # The skip link is the first thing the keyboard reaches, and it takes you to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("link", name=study.title)).to_have_count(0)
    check_accessibility(page)

    page.goto(study.path)
    expect(heading(page, "Sign in")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/sign-in\?next={re.escape(study.path)}$"))
    check_accessibility(page)


def test_an_invitation_link_lets_a_new_person_join_once(
    page: Page, new_page, check_accessibility, data, sign_in, live_server
):
    """A facilitator makes an invitation link; a new person joins with it; it then stops working."""
    study, facilitator = data.study_with(Role.FACILITATOR)
    invitee = f"Sam Okafor {next(_numbers)}"
    sign_in(page, facilitator)

    page.goto(study.path)
    expect(heading(page, study.title)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("navigation", name="This study").get_by_role("link", name="People").click()
    expect(heading(page, "People in this study")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Invite someone").click()
    expect(heading(page, "Invite someone to this study")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Their name").fill(invitee)
    page.get_by_label("Peer researcher", exact=True).check()
    page.get_by_role("button", name="Make the invitation link").click()
    expect(heading(page, "Invitation ready")).to_be_visible()
    expect(
        page.get_by_text(f"{invitee} is invited to {study.title} as: Peer researcher.")
    ).to_be_visible()
    share_link = page.locator("input#share-link")
    expect(share_link).to_have_attribute("readonly", "")
    link = share_link.input_value()
    assert link.startswith(live_server.url("/join/")), link
    expect(page.locator("figure.app-qr svg")).to_be_visible()
    check_accessibility(page)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#copy-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == link

    # A different person, on their own device, opens the link.
    newcomer = new_page()
    newcomer.goto(link)
    expect(heading(newcomer, f"Join {study.title}")).to_be_visible()
    expect(newcomer.get_by_text("as: Peer researcher.")).to_be_visible()
    expect(newcomer.get_by_label("Your name", exact=True)).to_have_value(invitee)
    check_accessibility(newcomer)

    newcomer.get_by_label("Choose a username").fill(f"sam{next(_numbers)}")
    newcomer.get_by_label("Choose a password", exact=True).fill("purple kettles sing at dawn")
    newcomer.get_by_role("button", name="Join the study").click()
    expect(newcomer.get_by_text(f"Welcome, {invitee}. You have joined the study.")).to_be_visible()
    expect(heading(newcomer, study.title)).to_be_visible()
    your_part = newcomer.locator("h2:text-is('Your part in this study') + ul")
    expect(your_part.get_by_role("listitem")).to_have_count(1)
    expect(your_part.get_by_role("listitem")).to_contain_text("Peer researcher")
    check_accessibility(newcomer)

    # Anyone else who gets hold of the link later finds it used up.
    latecomer = new_page()
    latecomer.goto(link)
    expect(heading(latecomer, "This link no longer works")).to_be_visible()
    expect(latecomer.get_by_text("This invitation has already been used")).to_be_visible()
    expect(latecomer.get_by_label("Choose a username")).to_have_count(0)
    check_accessibility(latecomer)


def test_a_facilitator_changes_roles_but_keeps_a_facilitator(
    page: Page, check_accessibility, data, sign_in
):
    """Give a member a second role; refuse to leave the study without a facilitator."""
    study, facilitator = data.study_with(Role.FACILITATOR)
    member = data.person(f"Robin Ellis {next(_numbers)}")
    data.member(study, member, Role.PEER_RESEARCHER)
    sign_in(page, facilitator)
    people = f"{study.path}people"

    page.goto(people)
    expect(heading(page, "People in this study")).to_be_visible()
    member_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=member.display_name)
    )
    expect(member_row.get_by_role("cell").first).to_have_text("Peer researcher")
    check_accessibility(page)

    member_row.get_by_role("link", name=f"Change roles of {member.display_name}").click()
    expect(heading(page, f"Roles of {member.display_name}")).to_be_visible()
    expect(page.get_by_label("Peer researcher", exact=True)).to_be_checked()
    expect(page.get_by_label("Co-researcher", exact=True)).not_to_be_checked()
    check_accessibility(page)

    page.get_by_label("Co-researcher", exact=True).check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text(f"{member.display_name}'s roles are saved.")).to_be_visible()
    expect(heading(page, "People in this study")).to_be_visible()
    expect(member_row.get_by_role("cell").first).to_have_text("Co-researcher, Peer researcher")
    check_accessibility(page)

    own_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{facilitator.display_name} (you)")
    )
    own_row.get_by_role("link", name=f"Change roles of {facilitator.display_name}").click()
    expect(heading(page, f"Roles of {facilitator.display_name}")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Facilitator", exact=True).uncheck()
    page.get_by_label("Co-researcher", exact=True).check()
    page.get_by_role("button", name="Save roles").click()
    expect_field_error(page, "roles", LAST_FACILITATOR)
    check_accessibility(page)

    page.get_by_role("link", name="Cancel").click()
    expect(heading(page, "People in this study")).to_be_visible()
    expect(own_row.get_by_role("cell").first).to_have_text("Facilitator")
    expect(member_row.get_by_role("cell").first).to_have_text("Co-researcher, Peer researcher")
    check_accessibility(page)


def test_show_password_reveals_what_you_typed(page: Page, check_accessibility):
    """The password field's Show button (GOV.UK password input) toggles the typing visible."""
    page.goto("/sign-in")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("type", "password")
    show = page.get_by_role("button", name="Show password")
    expect(show).to_be_visible()
    expect(show).to_have_text("Show")
    check_accessibility(page)

    password.fill("my secret words")
    show.click()
    expect(password).to_have_attribute("type", "text")
    expect(password).to_have_value("my secret words")
    hide = page.get_by_role("button", name="Hide password")
    expect(hide).to_have_text("Hide")
    check_accessibility(page)

    hide.click()
    expect(password).to_have_attribute("type", "password")


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TABLET_LANDSCAPE = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}


@pytest.mark.parametrize(
    ("device", "page_name"),
    [
        pytest.param(PHONE, "study home", id="phone-study-home"),
        pytest.param(PHONE, "people", id="phone-people"),
        pytest.param(TABLET_LANDSCAPE, "study home", id="tablet-landscape-study-home"),
        pytest.param(TABLET_LANDSCAPE, "people", id="tablet-landscape-people"),
    ],
)
def test_study_pages_fit_the_screen(
    new_page, check_accessibility, data, sign_in, device, page_name
):
    """The study home and People pages need no sideways scrolling on a phone or a tablet."""
    study, facilitator = data.study_with(Role.FACILITATOR)
    data.member(
        study,
        data.person("Bartholomew Fitzgerald-Worthington"),
        Role.PEER_RESEARCHER,
        Role.CO_RESEARCHER,
        Role.SUPPORT_LEAD,
    )
    path, title = {
        "study home": (study.path, study.title),
        "people": (f"{study.path}people", "People in this study"),
    }[page_name]
    page = new_page(**device)
    sign_in(page, facilitator)

    page.goto(path)
    expect(heading(page, title)).to_be_visible()
    check_accessibility(page)
    width = device["viewport"]["width"]
    # A phone browser widens the layout to fit content that is too wide (and shrinks the text),
    # so the page's laid-out width tells more than scrollWidth alone.
    laid_out = page.evaluate("Math.max(window.innerWidth, document.documentElement.scrollWidth)")
    assert laid_out <= width, f"{path} is laid out {laid_out}px wide on a {width}px screen"


def test_sign_out_everywhere_from_the_account_page(
    page: Page, check_accessibility, data, sign_in, browsing
):
    """The account page explains the button; pressing it signs out this and another browser."""
    _study, person = data.study_with(Role.CO_RESEARCHER)
    sign_in(page, person)
    other = browsing.new_page()
    sign_in(other, person)
    page.goto("/account")
    expect(heading(page, "Your account")).to_be_visible()
    expect(page.get_by_text("You are signed in on 2 devices or browsers")).to_be_visible()
    expect(page.get_by_text("Your password stays the same.", exact=False)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_text("You have signed out on every device and browser.")).to_be_visible()
    check_accessibility(page)
    other.goto("/account")
    expect(heading(other, "Sign in")).to_be_visible()
    check_accessibility(other)
