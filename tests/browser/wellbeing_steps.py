"""Steps through the interviewer's check-in and debrief on the tablet, and the fake sync
API's wellbeing endpoints (they hand check-ins and requests to talk to the real wellbeing
services through the real API views, so alerts are really raised)."""

from __future__ import annotations

from flask import Blueprint, g
from flask_login import current_user
from playwright.sync_api import Page, expect

from peer_research.access import PUBLIC, allow
from peer_research.db import db
from peer_research.studies.services import get_study
from surveys.fielding import api as real_api


def add_wellbeing_endpoints(blueprint: Blueprint, api, problem) -> None:
    """Answer POST <api>/studies/<slug>/check-ins and reach-out as the real API does,
    counting the calls on `api` (check_in_posts, reach_out_posts)."""

    def as_the_real_api(slug: str, view, counter: str):
        """Run a real API view for the signed-in interviewer (401 when not signed in)."""
        if not current_user.is_authenticated:
            return problem("Sign in again", 401)
        with api.lock:
            setattr(api, counter, getattr(api, counter) + 1)
        g.study = get_study(db.session, slug)
        return view()

    @blueprint.post("/studies/<slug>/check-ins")
    @allow(PUBLIC)
    def receive_check_ins(slug: str):
        """Store check-ins with the wellbeing services."""
        return as_the_real_api(slug, real_api.sync_check_ins, "check_in_posts")

    @blueprint.post("/studies/<slug>/reach-out")
    @allow(PUBLIC)
    def receive_reach_out(slug: str):
        """Raise a "talk to someone" alert with the wellbeing services."""
        return as_the_real_api(slug, real_api.reach_out, "reach_out_posts")


def axe(page: Page, check=None) -> None:
    """Check the page with axe: with the test's own check, else the browsing session's."""
    if check:
        check(page)
    else:
        page.check_accessibility_here()


def next_question(page: Page) -> None:
    """Tap Next."""
    page.get_by_role("button", name="Next question").tap()


def answer(page: Page, question: str, choice: str) -> None:
    """Choose an answer to one wellbeing question, then tap Next."""
    page.locator(f'[data-question][data-field="{question}"]').get_by_label(
        choice, exact=True
    ).check()
    next_question(page)


def check_in(page: Page, feeling: str = "Good", check=None) -> None:
    """Answer the check-in before a visit (how the interviewer feels, ready) and go on."""
    expect(page.locator("[data-wellbeing-app][data-ready=true]")).to_have_count(1)
    expect(page.get_by_role("heading", name="Before the interview")).to_be_visible()
    axe(page, check)
    answer(page, "feeling", feeling)
    answer(page, "ready", "Yes")
    page.get_by_role("button", name="Save and go on").tap()


def debrief(
    page: Page, feeling: str = "Good", get_in_touch: str = "No", note: str = "", check=None
) -> None:
    """Answer the debrief after an interview and wait for the study's support to show."""
    expect(page.locator("[data-wellbeing-app][data-ready=true]")).to_have_count(1)
    expect(page.get_by_role("heading", name="After the interview")).to_be_visible()
    axe(page, check)
    answer(page, "feeling", feeling)
    answer(page, "upsetting", "No")
    answer(page, "get_in_touch", get_in_touch)
    if note:
        page.get_by_label("Anything you want to write down? (you do not have to)").fill(note)
    page.get_by_role("button", name="Save", exact=True).tap()
    expect(page.get_by_role("heading", name="Thank you for telling us how you are")).to_be_visible()
    axe(page, check)


def back_home(page: Page) -> None:
    """Go from the end of the debrief back to the interviews."""
    page.get_by_role("button", name="Back to interviews").tap()
    expect(page.get_by_role("heading", name="Interviews", exact=True)).to_be_visible()


def stored(page: Page, store: str) -> list[dict]:
    """Return every record of one of the tablet's IndexedDB stores."""
    return page.evaluate(
        """store => new Promise((resolve, reject) => {
            const open = indexedDB.open('peer-research-fielding')
            open.onsuccess = () => {
              const read = open.result.transaction(store).objectStore(store).getAll()
              read.onsuccess = () => { open.result.close(); resolve(read.result) }
              read.onerror = () => reject(read.error)
            }
            open.onerror = () => reject(open.error)
        })""",
        store,
    )
