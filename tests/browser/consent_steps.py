"""Steps through the consent step on the tablet, for the consent browser tests: choosing
someone new, each screen of the consent (each checked with axe when asked), and reading the
tablet's whole IndexedDB as it is stored."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from wellbeing_steps import check_in

USUAL_STATEMENTS = {
    "take_part": "I have read or heard the information and I agree to take part.",
    "quotes": "I agree that my words can be quoted, without my name.",
    "recontact": "I agree to be contacted about future research.",
}


def no_check(_page: Page) -> None:
    """Check nothing (for steps whose screens another test checks)."""


def begin_with_someone_new(page: Page, check: Callable[[Page], None] = no_check) -> None:
    """Tap "Start an interview", choose someone new, and wait for the consent step."""
    page.get_by_role("button", name="Start an interview").first.tap()
    expect(page.get_by_role("heading", name="Who is taking part?")).to_be_visible()
    check(page)
    page.get_by_label("Someone new").check()
    page.get_by_role("button", name="Continue").tap()
    check_in(page)
    expect(page.locator("[data-consent-app][data-ready=true]")).to_have_count(1)


def screen(page: Page) -> str:
    """Return the name of the consent screen showing."""
    return page.locator("[data-consent-app]").get_attribute("data-showing") or ""


def go_on(page: Page) -> None:
    """Tap Continue on the screen showing."""
    page.locator("[data-screen]:not([hidden]) [data-continue]").tap()


def agree_to_statements(
    page: Page, answers: dict[str, bool], check: Callable[[Page], None] = no_check
) -> None:
    """Answer each statement screen in turn (yes or no), from the first one."""
    for key, agreed in answers.items():
        expect(page.locator("[data-consent-app]")).to_have_attribute(
            "data-showing", f"statement:{key}"
        )
        check(page)
        label = "Yes, I agree" if agreed else "No, I do not agree"
        page.locator(f"[data-key={key}]").get_by_label(label).check()
        go_on(page)


def choose_method_and_read_sheet(
    page: Page, method_label: str, check: Callable[[Page], None] = no_check
) -> None:
    """Choose how the person agrees, then go through the information sheet."""
    expect(page.get_by_role("heading", name="How will the person agree?")).to_be_visible()
    check(page)
    page.get_by_label(method_label).check()
    go_on(page)
    expect(page.locator("[data-consent-app]")).to_have_attribute("data-showing", "sheet")
    check(page)
    go_on(page)


def give_name_and_contact(
    page: Page, name: str, email: str | None, check: Callable[[Page], None] = no_check
) -> None:
    """Type the person's name, and their e-mail address when the contact screen shows."""
    expect(page.locator("[data-consent-app]")).to_have_attribute("data-showing", "name")
    check(page)
    page.get_by_label("What is the person's name?").fill(name)
    go_on(page)
    if email is not None:
        expect(page.locator("[data-consent-app]")).to_have_attribute("data-showing", "contact")
        check(page)
        page.get_by_label("E-mail address").fill(email)
        go_on(page)
    expect(page.locator("[data-consent-app]")).to_have_attribute("data-showing", "confirm")


def sign(page: Page) -> None:
    """Draw a signature in the box, as a finger would."""
    box = page.locator("canvas[data-signature]").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 20, box["y"] + 120 + (-1) ** step * 40)
    page.mouse.up()


def save_consent(page: Page) -> str:
    """Tap "Save the consent"; wait for what the person agreed to; return their code."""
    page.get_by_role("button", name="Save the consent").tap()
    expect(page.get_by_role("heading", name="Consent saved")).to_be_visible()
    return page.locator("[data-participant-code]").inner_text().strip()


def all_stored(page: Page) -> str:
    """Return every record of every store of the tablet's IndexedDB, as JSON text."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('peer-research-fielding')
            open.onsuccess = () => {
              const db = open.result
              const names = [...db.objectStoreNames]
              const found = {}
              const transaction = db.transaction(names)
              for (const name of names) {
                const read = transaction.objectStore(name).getAll()
                read.onsuccess = () => { found[name] = read.result }
              }
              transaction.oncomplete = () => { db.close(); resolve(JSON.stringify(found)) }
              transaction.onerror = () => reject(transaction.error)
            }
            open.onerror = () => reject(open.error)
        })"""
    )
