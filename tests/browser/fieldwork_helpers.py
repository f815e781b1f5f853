"""Shared by the fieldwork browser tests: a live server whose sync API is a small fake that
follows the /api/v1 contract (interviews are kept in memory; participant codes and consents
go through the consent services, so what the browser sealed is really opened and checked),
a study with a published questionnaire, a consent form, a participant who took part before
and a peer researcher, and steps through the "who is taking part", consent and interview
screens."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import LiveServer, Person
from flask import Blueprint, jsonify, request
from flask_login import current_user
from playwright.sync_api import Page, expect
from wellbeing_steps import add_wellbeing_endpoints, back_home, check_in, debrief
from werkzeug.serving import make_server

from consent import services as consent_services
from consent.models import ParticipantCode
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
RETURNING = "KT7-M4C"  # the participant code of someone who consented before, in each study


def problem(title: str, status: int):
    """Return a problem+json answer."""
    return (
        jsonify(title=title, status=status),
        status,
        {"Content-Type": "application/problem+json"},
    )


@dataclass
class FakeSyncApi:
    """The sync API as the contract says: interviews kept in memory, codes and consents
    through the consent services (so an envelope the browser sealed is really opened)."""

    interviews: dict[str, dict] = field(default_factory=dict)
    consents: dict[str, dict] = field(default_factory=dict)
    posts: int = 0
    consent_posts: int = 0
    code_posts: int = 0
    check_in_posts: int = 0
    reach_out_posts: int = 0
    # The outcome (and message) of the next new interview, to see how the tablet shows it.
    next_outcome: tuple[str, str] = ("accepted", "")
    # How many batches to keep and then answer 503, as a server that dies before it answers.
    lose_receipts: int = 0
    # While true, consents get no receipt (as if they had not arrived): they stay queued.
    ignore_consents: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def blueprint(self) -> Blueprint:
        """Return a blueprint answering POST <api>/studies/<slug>/interviews, consents and
        participant-codes."""
        blueprint = Blueprint("fake_sync_api", __name__, url_prefix=FAKE_API)

        @blueprint.post("/studies/<slug>/interviews")
        @allow(PUBLIC)
        def receive_interviews(slug: str):
            """Answer each interview with its own receipt (401 when not signed in)."""
            if not current_user.is_authenticated:
                return problem("Sign in again", 401)
            study = get_study(db.session, slug)
            with self.lock:
                self.posts += 1
                receipts = [
                    self.receive(study.id, item) for item in request.get_json()["interviews"]
                ]
                if self.lose_receipts:
                    self.lose_receipts -= 1
                    return jsonify(title="Gone before answering", status=503), 503
            return jsonify(receipts=receipts)

        @blueprint.post("/studies/<slug>/participant-codes")
        @allow(PUBLIC)
        def reserve_codes(slug: str):
            """Reserve codes for the signed-in interviewer."""
            if not current_user.is_authenticated:
                return problem("Sign in again", 401)
            with self.lock:
                self.code_posts += 1
            codes = consent_services.reserve_codes(
                db.session,
                study=get_study(db.session, slug),
                user=current_user,
                count=request.get_json()["count"],
            )
            db.commit()
            return jsonify(codes=codes), 201

        @blueprint.post("/studies/<slug>/consents")
        @allow(PUBLIC)
        def receive_consents(slug: str):
            """Check and store consents with the consent services; a receipt each."""
            if not current_user.is_authenticated:
                return problem("Sign in again", 401)
            items = request.get_json()["consents"]
            with self.lock:
                self.consent_posts += 1
                if self.ignore_consents:
                    return jsonify(receipts=[])
                for item in items:
                    self.consents[item["uuid"]] = item
            receipts = consent_services.receive_consents(
                db.session,
                study=get_study(db.session, slug),
                interviewer=current_user,
                items=items,
                key_dir=consent_services.configured_key_dir(),
            )
            db.commit()
            return jsonify(
                receipts=[
                    {
                        "uuid": r.uuid,
                        "outcome": r.outcome.value,
                        "message": r.message,
                        "received_at": r.received_at.isoformat() if r.received_at else None,
                    }
                    for r in receipts
                ]
            )

        add_wellbeing_endpoints(blueprint, self, problem)
        return blueprint

    def receive(self, study_id: int, item: dict) -> dict:
        """Keep one interview, idempotent on its uuid and content, if consent covers it."""
        started = datetime.fromisoformat(item["started_at"].replace("Z", "+00:00"))
        reason = consent_services.consent_problem(
            db.session,
            study_id=study_id,
            participant_code=item.get("participant_code") or "",
            started_at=started,
            consent_uuid=item.get("consent_uuid"),
        )
        if reason:
            return {"uuid": item["uuid"], "outcome": "needs_consent", "message": reason}
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
    api = live_server.api
    api.interviews.clear()
    api.consents.clear()
    api.posts = api.consent_posts = api.code_posts = 0
    api.check_in_posts = api.reach_out_posts = 0
    api.next_outcome = ("accepted", "")
    api.lose_receipts = 0
    api.ignore_consents = False
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
    data, items: list[d.Item], languages: list[d.Language] | None = None, consent_form=None
) -> tuple[Person, str]:
    """Make a study with a published questionnaire, a published consent form (by default the
    usual one), a participant who consented before (RETURNING) and a peer researcher; return
    the interviewer and their home."""
    study, person = data.study_with(Role.PEER_RESEARCHER, Role.FACILITATOR)
    with data.app.app_context():
        session = db.session
        user = session.scalars(sa.select(User).where(User.username == person.username)).one()
        found = get_study(session, study.slug)
        questionnaire = create_questionnaire(
            session,
            study=found,
            title="What helps at home",
            languages=languages or [d.Language("en", "English")],
            created_by=user,
        )
        for item in items:
            add_item(session, questionnaire=questionnaire, item=item, changed_by=user)
        publish_version(session, questionnaire=questionnaire, published_by=user)
        publish_consent_form(session, found, user, consent_form)
        consent_before(session, found, user, RETURNING)
        db.commit()
    return person, f"/studies/{study.slug}/interviewing/"


def publish_consent_form(session, study, user, content=None, *, requires_reconsent=False):
    """Publish the study's consent form (by default the usual wording, in English)."""
    consent_services.set_draft_content(
        session, study=study, content=content or consent_services.default_content()
    )
    return consent_services.publish_draft(
        session, study=study, by=user, requires_reconsent=requires_reconsent
    )


def consent_before(session, study, user, code: str) -> None:
    """Record that the participant `code` consented on the current form (as a tablet would)."""
    session.add(ParticipantCode(study_id=study.id, code=code, reserved_for_id=user.id))
    session.flush()
    key = consent_services.ensure_study_key(session, study, consent_services.configured_key_dir())
    version = consent_services.current_version(session, study.id)
    content = consent_services.read_content(version.content)
    details = {
        "name": "Someone Before",
        "contact": None,
        "signature": None,
        "typed_name": "Someone Before",
        "witness": None,
        "consultee": None,
    }
    [receipt] = consent_services.receive_consents(
        session,
        study=study,
        interviewer=user,
        key_dir=consent_services.configured_key_dir(),
        items=[
            {
                "uuid": str(uuid.uuid4()),
                "form_version_id": version.id,
                "language": content.main_language,
                "method": "typed_name",
                "participant_code": code,
                "answers": {s.key: s.required for s in content.statements},
                "given_at": datetime.now(UTC).isoformat(),
                "identifiable": consent_services.seal(details, key.public_key_pem, key.key_id),
            }
        ],
    )
    assert receipt.outcome.value == "accepted", receipt.message


def key_dir_of(app) -> Path:
    """Return the folder of the app's study private keys."""
    return Path(app.config["CONSENT_KEY_DIR"])


def next_screen(page: Page) -> None:
    """Tap Next."""
    page.get_by_role("button", name="Next question").tap()


def start_interview(page: Page, code: str = RETURNING) -> None:
    """Tap "Start an interview", say it is someone who consented before (by their code),
    and wait until the interview is stored."""
    page.get_by_role("button", name="Start an interview").first.tap()
    expect(page.get_by_role("heading", name="Who is taking part?")).to_be_visible()
    page.get_by_label("Someone who took part before").check()
    page.get_by_label("Their participant code").fill(code)
    page.get_by_role("button", name="Continue").tap()
    check_in(page)
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
    debrief(page)
    back_home(page)


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


def stored_consents(page: Page) -> list[dict]:
    """Return every consent record in the tablet's IndexedDB."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('peer-research-fielding')
            open.onsuccess = () => {
              const read = open.result.transaction('consents').objectStore('consents').getAll()
              read.onsuccess = () => { open.result.close(); resolve(read.result) }
              read.onerror = () => reject(read.error)
            }
            open.onerror = () => reject(open.error)
        })"""
    )
