"""Shared by the fieldwork browser tests: a live server whose sync API is a small fake that
follows the /api/v1 contract (so these tests need no server storage), a study with a
published questionnaire and a peer researcher, and steps through the interview screens."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from conftest import LiveServer, Person
from flask import Blueprint, jsonify, request
from flask_login import current_user
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from peer_research import create_app
from peer_research.access import PUBLIC, allow
from peer_research.accounts.models import User
from peer_research.db import db
from peer_research.migrate import upgrade
from peer_research.studies.models import Role
from peer_research.studies.services import get_study
from surveys import definition as d
from surveys.services import add_item, create_questionnaire, publish_version

from support import config_for_tests, fresh_database_url

FAKE_API = "/fake-api/v1"
TABLET = {"viewport": {"width": 800, "height": 1280}, "is_mobile": True, "has_touch": True}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


@dataclass
class FakeSyncApi:
    """The sync API as the contract says, keeping what it receives in memory."""

    interviews: dict[str, dict] = field(default_factory=dict)
    posts: int = 0
    # The outcome (and message) of the next new interview, to see how the tablet shows it.
    next_outcome: tuple[str, str] = ("accepted", "")
    # How many batches to keep and then answer 503, as a server that dies before it answers.
    lose_receipts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def blueprint(self) -> Blueprint:
        """Return a blueprint answering POST <api>/studies/<slug>/interviews."""
        blueprint = Blueprint("fake_sync_api", __name__, url_prefix=FAKE_API)

        @blueprint.post("/studies/<slug>/interviews")
        @allow(PUBLIC)
        def receive_interviews(slug: str):
            """Answer each interview with its own receipt (401 when not signed in)."""
            if not current_user.is_authenticated:
                problem = {"title": "Sign in again", "status": 401}
                return jsonify(problem), 401, {"Content-Type": "application/problem+json"}
            with self.lock:
                self.posts += 1
                receipts = [self.receive(item) for item in request.get_json()["interviews"]]
                if self.lose_receipts:
                    self.lose_receipts -= 1
                    return jsonify(title="Gone before answering", status=503), 503
            return jsonify(receipts=receipts)

        return blueprint

    def receive(self, item: dict) -> dict:
        """Keep one interview, idempotent on its uuid and content."""
        kept = self.interviews.get(item["uuid"])
        message = ""
        if kept is None:
            self.interviews[item["uuid"]] = item
            outcome, message = self.next_outcome
            self.next_outcome = ("accepted", "")
        else:
            outcome = "already_received" if kept == item else "conflict"
        return {"uuid": item["uuid"], "outcome": outcome, "message": message, "received_at": "now"}


@dataclass
class FieldworkServer(LiveServer):
    """The live server, with the fake sync API it answers with."""

    api: FakeSyncApi = field(default_factory=FakeSyncApi)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FieldworkServer]:
    """Serve an app whose tablet pages send to the fake sync API (overrides conftest's)."""
    database_url = fresh_database_url(
        os.environ.get("TEST_DATABASE_URL"), "pr_fieldwork", tmp_path_factory.mktemp("fw-db")
    )
    upgrade(database_url)
    app = create_app(
        config_for_tests(database_url, FIELDING_API_BASE=FAKE_API),
        instance_path=str(tmp_path_factory.mktemp("fw-instance")),
    )
    api = FakeSyncApi()
    app.register_blueprint(api.blueprint())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fieldwork-server", daemon=True)
    thread.start()
    try:
        yield FieldworkServer(app=app, base_url=f"http://127.0.0.1:{server.server_port}", api=api)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["database"].engine.dispose()


@pytest.fixture
def fieldwork_server(live_server: FieldworkServer) -> FieldworkServer:
    """Return this module's live server, its fake sync API emptied for this test."""
    live_server.api.interviews.clear()
    live_server.api.posts = 0
    live_server.api.next_outcome = ("accepted", "")
    live_server.api.lose_receipts = 0
    return live_server


def q(name: str, kind: d.QuestionType, label: str, **fields) -> d.Question:
    """Return a question with an English label."""
    return d.Question(name=name, type=kind, label={"en": label}, **fields)


def help_at_home() -> list[d.Item]:
    """Return a questionnaire with skip logic, a constraint, a repeat and a faces scale."""
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
        q("age", d.QuestionType.INTEGER, "How old are you?", required=True, constraint=". >= 18"),
        d.Section(
            name="helpers",
            label={"en": "People who help"},
            repeat=True,
            items=(q("helper_name", d.QuestionType.TEXT, "What is the helper's name?"),),
        ),
        q(
            "feeling",
            d.QuestionType.RATING,
            "How do you feel about the help?",
            appearance="faces",
            choices=tuple(d.Choice(str(n), {"en": f"{n} of 3"}) for n in (1, 2, 3)),
        ),
    ]


def interviewer_with(
    data, items: list[d.Item], languages: list[d.Language] | None = None
) -> tuple[Person, str]:
    """Make a study with a published questionnaire and a peer researcher; return the home."""
    study, person = data.study_with(Role.PEER_RESEARCHER, Role.FACILITATOR)
    with data.app.app_context():
        session = db.session
        user = session.scalars(sa.select(User).where(User.username == person.username)).one()
        questionnaire = create_questionnaire(
            session,
            study=get_study(session, study.slug),
            title="What helps at home",
            languages=languages or [d.Language("en", "English")],
            created_by=user,
        )
        for item in items:
            add_item(session, questionnaire=questionnaire, item=item, changed_by=user)
        publish_version(session, questionnaire=questionnaire, published_by=user)
        db.commit()
    return person, f"/studies/{study.slug}/interviewing/"


def next_screen(page: Page) -> None:
    """Tap Next."""
    page.get_by_role("button", name="Next question").tap()


def start_interview(page: Page) -> None:
    """Tap "Start an interview" on the home and wait until the interview is stored."""
    page.get_by_role("button", name="Start an interview").first.tap()
    expect(page.locator("[data-fielding-interview][data-ready=true]")).to_have_count(1)


def answer_quickly(page: Page, age: str = "70") -> None:
    """Answer the help-at-home questionnaire the short way and finish the interview."""
    page.get_by_label("No", exact=True).check()
    next_screen(page)
    page.get_by_label("How old are you?").fill(age)
    next_screen(page)
    page.get_by_role("textbox", name="What is the helper's name?").fill("Sam")
    next_screen(page)
    page.get_by_label("3 of 3").check()
    next_screen(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Finish the interview").tap()
    expect(page.get_by_role("heading", name="Interviews", exact=True)).to_be_visible()


def stored_interviews(page: Page) -> list[dict]:
    """Return every interview record in the tablet's IndexedDB."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('peer-research-fielding')
            open.onsuccess = () => {
              const read = open.result.transaction('interviews').objectStore('interviews').getAll()
              read.onsuccess = () => { open.result.close(); resolve(read.result) }
              read.onerror = () => reject(read.error)
            }
            open.onerror = () => reject(open.error)
        })"""
    )
