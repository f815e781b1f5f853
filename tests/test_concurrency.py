"""People acting at the same moment, against a real threaded server on a real database.

On SQLite every write must wait its turn (no "database is locked" errors), on PostgreSQL
races must end in a clear answer; nobody gets a 5xx and every accepted write is stored.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from peer_research import create_app
from peer_research import db as db_module
from peer_research.accounts.services import create_user
from peer_research.db import create_db_engine, db, utcnow
from peer_research.demo import DEMO_PEOPLE, DEMO_STUDY_SLUG, seed_demo
from peer_research.migrate import upgrade
from peer_research.studies.services import Role, add_member, get_study
from surveys import services as surveys
from surveys.codesign import services as codesign
from surveys.codesign.models import DecisionRule

from support import PASSWORD, config_for_tests, fresh_database_url

WRITERS = 8
SECONDS = 3.0
ON_SQLITE = not os.environ.get("TEST_DATABASE_URL")


@dataclasses.dataclass
class Live:
    """A running server and what the tests need to reach it."""

    url: str
    database_url: str
    app: object
    suggestion: str  # the address of the suggestion everyone votes and comments on
    questionnaire: str  # the address of the questionnaire


def serve(app) -> tuple[str, object, threading.Thread]:
    """Serve the app with a threaded werkzeug server; return its address and the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server, thread


def seed(app) -> tuple[str, str]:
    """Add the demo study, writers, a second facilitator and an open suggestion with a poll."""
    with app.app_context():
        session = db.session
        seed_demo(session)
        study = get_study(session, DEMO_STUDY_SLUG)
        sam = surveys_user(session, "sam")
        for number in range(WRITERS):
            writer = create_user(
                session,
                username=f"writer{number}",
                display_name=f"Writer {number}",
                password=PASSWORD,
            )
            add_member(
                session, study=study, user=writer, roles=(Role.CO_RESEARCHER,), added_by=None
            )
        kim = create_user(session, username="kim", display_name="Kim", password=PASSWORD)
        add_member(session, study=study, user=kim, roles=(Role.FACILITATOR,), added_by=None)
        # The demo's group allows no direct edits; a rule row that does (as a rule-change
        # decision would leave) lets facilitators save the draft directly.
        rule = codesign.decision_settings(session, study).setting
        session.add(
            DecisionRule(
                study_id=study.id,
                kind=rule.kind,
                consent_threshold=rule.consent_threshold,
                quorum=rule.quorum,
                allow_direct_edits=True,
                set_by_id=sam.id,
                set_at=utcnow() + timedelta(seconds=1),
            )
        )
        questionnaire = surveys.questionnaires_of(session, study)[0]
        item = surveys.draft_definition(session, questionnaire).find("what_would_help")
        proposal = codesign.create_proposal(
            session,
            questionnaire=questionnaire,
            author=sam,
            kind=codesign.ChangeKind.CHANGE_ITEM,
            reason="Shorter is easier.",
            item=dataclasses.replace(item, label={"en": "What would help at home?"}),
            target_name=item.name,
            open_now=True,
        )
        codesign.open_proposal_poll(
            session, proposal=proposal, opened_by=sam, deadline=utcnow() + timedelta(days=7)
        )
        db.commit()
        base = f"/studies/{DEMO_STUDY_SLUG}/questionnaires/{questionnaire.id}"
        return f"{base}/suggestions/{proposal.id}", base


def surveys_user(session, username: str):
    """Return a demo person's account."""
    from peer_research.accounts.services import find_user_for_sign_in

    return find_user_for_sign_in(session, username)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Serve a freshly migrated database of its own (the suite's rolls every test back)."""
    folder = tmp_path_factory.mktemp("concurrency")
    database_url = fresh_database_url(os.environ.get("TEST_DATABASE_URL"), "pr_concurrency", folder)
    upgrade(database_url)
    app = create_app(config_for_tests(database_url), instance_path=str(folder))
    suggestion, questionnaire = seed(app)
    url, server, thread = serve(app)
    yield Live(url, database_url, app, suggestion, questionnaire)
    server.shutdown()
    thread.join()
    app.extensions["database"].engine.dispose()


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclasses.dataclass(frozen=True)
class Answer:
    """A status and a page."""

    status_code: int
    text: str


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand redirects back instead of following them (the status is what we check)."""

    def redirect_request(self, *_args, **_kwargs) -> None:
        """Follow nothing."""
        return None


class Person:
    """Someone with a browser of their own (its own cookies)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects()
        )

    def send(self, request: urllib.request.Request) -> Answer:
        """Send a request; return its status and page, whatever the status."""
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())

    def get(self, path: str) -> Answer:
        """Open a page."""
        return self.send(urllib.request.Request(self.base_url + path))  # noqa: S310 (http://127.0.0.1)

    def post(self, path: str, data: dict | list, request_id: str | None = None) -> Answer:
        """Send a form, tagged with a request id the audit log keeps."""
        request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1)
            self.base_url + path,
            data=urlencode(data).encode(),
            headers={"X-Request-ID": request_id or uuid.uuid4().hex},
        )
        return self.send(request)

    def token(self, path: str) -> str:
        """Return the CSRF token of a page."""
        page = self.get(path)
        assert page.status_code == 200, page.text
        return CSRF.search(page.text).group(1)

    def sign_in(self, username: str, password: str = PASSWORD, request_id: str | None = None):
        """Sign in through the sign-in form."""
        form = {"csrf_token": self.token("/sign-in"), "username": username, "password": password}
        return self.post("/sign-in", form, request_id)


def test_people_writing_at_once_get_no_error_and_lose_nothing(live: Live) -> None:
    """Comments, votes and sign-ins sent at once are all answered and all stored."""
    people = []
    for number in range(WRITERS):
        person = Person(live.url)
        assert person.sign_in(f"writer{number}").status_code == 302
        person.csrf = person.token(live.suggestion)
        people.append(person)
    answers: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    until = time.monotonic() + SECONDS

    def write(number: int, person: Person) -> None:
        sent = 0
        while time.monotonic() < until:
            key = uuid.uuid4().hex
            if sent % 3 == 0:
                kind, key = "comment", f"Said at once {number}-{sent}"
                form = {"csrf_token": person.csrf, "body": key}
                status = person.post(f"{live.suggestion}/comments", form).status_code
            elif sent % 3 == 1:
                kind = "vote"
                form = {"csrf_token": person.csrf, "position": ("agree", "disagree")[sent % 2]}
                status = person.post(f"{live.suggestion}/vote", form, key).status_code
            else:
                kind = "sign-in"
                status = Person(live.url).sign_in(f"writer{number}", request_id=key).status_code
            with lock:
                answers.append((kind, status, key))
            sent += 1

    threads = [threading.Thread(target=write, args=pair) for pair in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a for a in answers if a[1] >= 500] == []
    assert {status for _kind, status, _key in answers} == {302}
    assert len(answers) >= WRITERS * 3
    engine = create_db_engine(live.database_url)
    with engine.connect() as connection:
        bodies = set(connection.scalars(sa.text("SELECT body FROM comments")))
        audited = set(connection.scalars(sa.text("SELECT request_id FROM audit_events")))
    engine.dispose()
    assert [key for kind, _s, key in answers if kind == "comment" and key not in bodies] == []
    assert [key for kind, _s, key in answers if kind != "comment" and key not in audited] == []


class FormFields(HTMLParser):
    """Read the fields of the form that carries a revision, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[list[str]]] = []
        self.textarea: list[str] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Collect inputs, checked boxes, text areas and chosen options."""
        values = dict(attrs)
        name = values.get("name")
        if tag == "form":
            self.forms.append([])
        elif not (name or tag == "option") or not self.forms:
            return
        elif tag == "input":
            kind = values.get("type", "text")
            checkable = kind in ("radio", "checkbox")
            if kind != "submit" and (not checkable or "checked" in values):
                self.forms[-1].append([name, values.get("value") or ""])
        elif tag == "textarea":
            self.textarea = [name, ""]
            self.forms[-1].append(self.textarea)
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in values:
            self.forms[-1].append([self.select, values.get("value") or ""])

    def handle_endtag(self, tag: str) -> None:
        """Close text areas and selects."""
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        """Keep a text area's text."""
        if self.textarea:
            self.textarea[1] += data

    def edit_form(self, **changes: str) -> list[tuple[str, str]]:
        """Return the form with the item's revision, with some fields changed."""
        form = next(form for form in self.forms if any(name == "revision" for name, _v in form))
        sent = [(name, changes.get(name, value)) for name, value in form]
        return sent + [(name, value) for name, value in changes.items() if name not in dict(form)]


def send_at_once(path: str, sends: list[tuple[Person, list]]) -> list[Answer]:
    """Post each person's form to path at the same moment; return the answers in order."""
    barrier = threading.Barrier(len(sends))
    answers: list = [None] * len(sends)

    def send(index: int) -> None:
        person, form = sends[index]
        barrier.wait()
        answers[index] = person.post(path, form)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_facilitators_saving_the_same_question_at_once(live: Live) -> None:
    """One change is made; the other person is told someone changed it first, never a 500."""
    sam, kim = Person(live.url), Person(live.url)
    sam_password = next(p.password for p in DEMO_PEOPLE if p.username == "sam")
    assert sam.sign_in("sam", sam_password).status_code == 302
    assert kim.sign_in("kim").status_code == 302
    path = f"{live.questionnaire}/items/feeling/edit"
    for round_number in range(4):
        forms = []
        for person, label in ((sam, "How happy are you with your help?"), (kim, "Happy?")):
            parser = FormFields()
            parser.feed(person.get(path).text)
            changes = {
                "label": f"{label} ({round_number})",
                "reason": "Plainer.",
                "change_now": "1",
            }
            forms.append(parser.edit_form(**changes))
        answers = send_at_once(path, list(zip((sam, kim), forms, strict=True)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 302], [shown_errors(answer.text) for answer in answers]
        refused = next(answer for answer in answers if answer.status_code == 200)
        assert re.search(r"Someone (else )?(changed|saved)", refused.text), refused.text


@pytest.mark.skipif(not ON_SQLITE, reason="holds SQLite's write lock from outside the app")
def test_busy_page_while_the_database_is_locked(
    live: Live, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A write that waits too long gets the "service busy" page in the site's layout, logged."""
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 200, raising=False)
    app = create_app(config_for_tests(live.database_url), instance_path=str(live.app.instance_path))
    url, server, thread = serve(app)
    person = Person(url)
    assert person.sign_in("writer0").status_code == 302
    token = person.token(live.suggestion)
    blocker = sqlite3.connect(sa.make_url(live.database_url).database, isolation_level=None)
    caplog.set_level(logging.INFO, logger="peer_research.requests")
    try:
        blocker.execute("BEGIN IMMEDIATE")
        busy = person.post(f"{live.suggestion}/comments", {"csrf_token": token, "body": "Wait"})
        blocker.execute("ROLLBACK")
        assert busy.status_code == 503
        assert "Sorry, the service is busy" in busy.text
        assert "Please wait a moment and try again." in busy.text
        assert "Sign out" in busy.text  # the whole page, with the header, not a bare error
        assert any(" 503 " in record.getMessage() for record in caplog.records)
        again = person.post(f"{live.suggestion}/comments", {"csrf_token": token, "body": "Now"})
        assert again.status_code == 302
    finally:
        blocker.close()
        server.shutdown()
        thread.join()
        app.extensions["database"].engine.dispose()


def shown_errors(page: str) -> str:
    """Return the words around a page's error summary (for a failing assertion's message)."""
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    start = text.find("There is a problem")
    return text[start : start + 400] if start >= 0 else text[:400]
