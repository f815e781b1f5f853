"""Real-browser fixtures: Debian Chromium through Playwright, a live server with its own database,
and the checks every page must pass (axe-core, no console errors, no server errors)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from peer_research import create_app
from peer_research.accounts.models import User
from peer_research.accounts.services import create_user
from peer_research.db import db, utcnow
from peer_research.migrate import upgrade
from peer_research.studies.models import Role
from peer_research.studies.services import add_member, create_study, get_study
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind
from surveys.models import Questionnaire
from surveys.services import add_item, create_questionnaire

from support import PASSWORD, config_for_tests, fresh_database_url

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # the skip (or failure) then comes from the `browser` fixture
    sync_playwright = None

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
})"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_numbers = itertools.count(1)
_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test, so teardown can tell whether the test failed."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def browser_unavailable(reason: str) -> None:
    """Skip without a browser, or fail when CI says a browser is required."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once for the whole session (never `playwright install`)."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if sync_playwright is None:
        browser_unavailable("the playwright package is not installed (pip install playwright)")
    if not shutil.which(executable):
        browser_unavailable(
            f"no Chromium at {executable} (apt-get install -y chromium, or set CHROMIUM_PATH)"
        )
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which(executable), args=CHROMIUM_ARGS, timeout=60_000
        )
    except Exception as error:  # any launch failure means "no usable browser here"
        playwright.stop()
        browser_unavailable(f"Chromium at {executable} failed to launch: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


# --- the live server ---------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The app served over HTTP for the browser, with its own database."""

    app: Flask
    base_url: str

    def url(self, path: str = "/") -> str:
        """Return the absolute URL of a path on the server."""
        return self.base_url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve a separate app with a fresh, migrated database from a thread, for the session."""
    database_url = fresh_database_url(
        os.environ.get("TEST_DATABASE_URL"), "pr_browser", tmp_path_factory.mktemp("browser-db")
    )
    upgrade(database_url)
    app = create_app(
        config_for_tests(database_url),
        instance_path=str(tmp_path_factory.mktemp("browser-instance")),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["database"].engine.dispose()


# --- data set-up -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """An account made for a browser test (its password is PASSWORD)."""

    username: str
    display_name: str


@dataclass(frozen=True)
class StudyRef:
    """A study made for a browser test."""

    slug: str
    title: str

    @property
    def path(self) -> str:
        """Return the path of the study's home page."""
        return f"/studies/{self.slug}/"


@dataclass(frozen=True)
class DesignGroup:
    """A study, its members in the order they were named, and its questionnaire draft."""

    study: StudyRef
    people: tuple[Person, ...]
    questionnaire_id: int

    @property
    def base(self) -> str:
        """Return the path of the draft's pages."""
        return f"/studies/{self.study.slug}/questionnaires/{self.questionnaire_id}"

    def questionnaire(self, session) -> Questionnaire:
        """Return the questionnaire, loaded in `session`."""
        return session.get_one(Questionnaire, self.questionnaire_id)


class BrowserData:
    """Create records in the live server's database through the services, and commit them.

    The browser database is never rolled back, so every name and web address is unique.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def person(self, display_name: str | None = None, **fields) -> Person:
        """Create an account with a unique username."""
        number = next(_numbers)
        display_name = display_name or f"Person {number}"
        with self.app.app_context():
            user = create_user(
                db.session,
                username=f"person{number}",
                display_name=display_name,
                password=PASSWORD,
                **fields,
            )
            db.commit()
            return Person(username=user.username, display_name=user.display_name)

    def study(self, title: str | None = None) -> StudyRef:
        """Create a study with a unique web address."""
        number = next(_numbers)
        with self.app.app_context():
            study = create_study(
                db.session,
                slug=f"study-{number}",
                title=title or f"Carers' voices {number}",
                created_by=None,
            )
            db.commit()
            return StudyRef(slug=study.slug, title=study.title)

    def member(self, study: StudyRef, person: Person, *roles: Role) -> None:
        """Give a person roles in a study."""
        with self.app.app_context():
            session = db.session
            user = session.scalars(sa.select(User).where(User.username == person.username)).one()
            add_member(
                session,
                study=get_study(session, study.slug),
                user=user,
                roles=roles or (Role.CO_RESEARCHER,),
                added_by=None,
            )
            db.commit()

    def study_with(self, *roles: Role, title: str | None = None) -> tuple[StudyRef, Person]:
        """Create a study and one member holding the roles."""
        study = self.study(title)
        person = self.person()
        self.member(study, person, *roles)
        return study, person

    @staticmethod
    def user_of(session, person: Person) -> User:
        """Return a browser test person's account, loaded in `session`."""
        return session.scalars(sa.select(User).where(User.username == person.username)).one()

    def design_group(self, *members: tuple, title: str | None = None) -> DesignGroup:
        """Create a study of `members` (name, role, ...) and the first one's draft asking "age".

        The draft is "What helps at home" in English, with the whole-number question "age"
        ("How old are you?"); `title` is the study's (by default a short numbered one).
        """
        study = self.study(title)
        people = []
        for name, *roles in members:
            person = self.person(name)
            self.member(study, person, *roles)
            people.append(person)
        with self.app.app_context():
            session = db.session
            author = self.user_of(session, people[0])
            questionnaire = create_questionnaire(
                session,
                study=get_study(session, study.slug),
                title="What helps at home",
                languages=[d.Language("en", "English")],
                created_by=author,
            )
            add_item(
                session,
                questionnaire=questionnaire,
                item=_age_question("How old are you?"),
                changed_by=author,
            )
            db.commit()
            return DesignGroup(study, tuple(people), questionnaire.id)

    def open_suggestion(
        self,
        group: DesignGroup,
        author: Person,
        *,
        label: str = "What is your age?",
        reason: str = "Shorter, and kinder.",
        deadline_in: timedelta | None = timedelta(days=7),
    ) -> int:
        """Open `author`'s rewording of the question "age", with a poll; return its id.

        With `deadline_in=None` the suggestion is open for comments but has no poll yet.
        """
        with self.app.app_context():
            session = db.session
            user = self.user_of(session, author)
            now = utcnow()
            proposal = codesign.create_proposal(
                session,
                questionnaire=group.questionnaire(session),
                author=user,
                kind=ChangeKind.CHANGE_ITEM,
                reason=reason,
                item=_age_question(label),
                target_name="age",
                open_now=True,
                now=now,
            )
            if deadline_in is not None:
                codesign.open_proposal_poll(
                    session, proposal=proposal, opened_by=user, deadline=now + deadline_in, now=now
                )
            db.commit()
            return proposal.id


def _age_question(label: str) -> d.Question:
    """Return the whole-number question "age" with an English label."""
    return d.Question(name="age", type=d.QuestionType.INTEGER, label={"en": label})


@pytest.fixture
def data(live_server: LiveServer) -> BrowserData:
    """Return the helper that creates records in the browser tests' database."""
    return BrowserData(live_server.app)


# --- pages and the checks on every page --------------------------------------------------------


@dataclass
class Load:
    """One document that finished loading in a page."""

    url: str
    checked: bool = False


@dataclass
class PageWatch:
    """What one page did: documents loaded, console errors, failed requests."""

    loads: list[Load] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source URL)
    script_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    # Pages the test opened that answer 4xx on purpose (a 404 or 410 page): Chromium logs
    # "Failed to load resource" for them, but the test asserts on what they say instead.
    error_documents: set[str] = field(default_factory=set)

    def problems(self) -> list[str]:
        """Return every broken rule, as readable lines."""
        lines = [
            f"page loaded but never checked with axe: {load.url}"
            for load in self.loads
            if not load.checked
        ]
        lines += self.server_errors
        lines += [
            f"console error: {text} (at {source or 'unknown'})"
            for text, source in self.console_errors
            if not (text.startswith("Failed to load resource") and source in self.error_documents)
        ]
        lines += self.script_errors
        return lines


class Browsing:
    """Open pages in fresh contexts and hold them to the checks every page must pass."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.watches: dict[int, PageWatch] = {}

    def new_page(self, **context_options) -> Page:
        """Open a page in a new context: a different person, with their own cookies."""
        context = self.browser.new_context(base_url=self.server.base_url, **context_options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        context.on("page", self._watch)  # pop-ups too
        page = context.new_page()
        self._watch(page)
        return page

    def _watch(self, page: Page) -> None:
        """Record what a page loads and any errors it shows (once per page)."""
        if id(page) in self.watches:
            return
        self.watches[id(page)] = watch = PageWatch()
        # Shared steps (e.g. the interviewer's check-in on the way to an interview) check
        # the screens they pass through with this.
        page.check_accessibility_here = lambda: self.check_accessibility(page)
        page.on("load", lambda loaded: watch.loads.append(Load(url=loaded.url)))
        page.on("response", lambda response: self._on_response(watch, response))
        page.on("console", lambda message: self._on_console(watch, message))
        page.on(
            "pageerror", lambda error: watch.script_errors.append(f"uncaught script error: {error}")
        )

    def _on_response(self, watch: PageWatch, response) -> None:
        """Note server errors, and documents that answer 4xx on purpose."""
        if response.status >= 500:
            watch.server_errors.append(
                f"server error {response.status} for {response.request.method} {response.url}"
            )
        elif response.status >= 400 and response.request.is_navigation_request():
            watch.error_documents.add(response.url)

    def _on_console(self, watch: PageWatch, message) -> None:
        """Note console errors (CSP violations, script errors, failed loads)."""
        if message.type != "error":
            return
        source = message.location.get("url", "") if message.location else ""
        watch.console_errors.append((message.text, source))

    def check_accessibility(self, page: Page) -> None:
        """Run axe-core's WCAG 2.2 A and AA rules on the page as it is; fail on any violation."""
        page.wait_for_load_state("load")
        watch = self.watches[id(page)]
        if not watch.loads or urldefrag(watch.loads[-1].url).url != urldefrag(page.url).url:
            pytest.fail(
                f"check_accessibility ran before {page.url} finished loading: wait for "
                "something on the new page first",
                pytrace=False,
            )
        watch.loads[-1].checked = True
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does
        # not govern: the CSP stays on, so a violation by our own pages still shows as an error.
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(AXE_RUN, WCAG_TAGS)
        if result["violations"]:
            pytest.fail(describe_violations(page.url, result["violations"]), pytrace=False)

    def close(self) -> None:
        """Close every context this test opened."""
        for context in self.contexts:
            context.close()

    def problems(self) -> list[str]:
        """Return every broken rule across the test's pages."""
        return [line for watch in self.watches.values() for line in watch.problems()]


def describe_violations(url: str, violations: list[dict]) -> str:
    """Return axe's violations as a message a person can act on."""
    lines = [f"axe found {len(violations)} kind(s) of accessibility problem on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def browsing(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Browsing]:
    """Open pages for one test; at the end, fail if any page went unchecked or showed errors."""
    session = Browsing(browser, live_server)
    try:
        yield session
    finally:
        session.close()
    problems = session.problems()
    call = request.node.stash.get(_reports, {}).get("call")
    if problems and call is not None and call.passed:
        pytest.fail(
            "The browser saw problems:\n" + "\n".join(f"- {p}" for p in problems), pytrace=False
        )
    elif problems:
        print("The browser also saw:\n" + "\n".join(f"- {p}" for p in problems))


@pytest.fixture
def browsing_without_verdict(browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    """Open pages whose problems the test inspects itself (for testing the checks themselves)."""
    session = Browsing(browser, live_server)
    yield session
    session.close()


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """Return a page in a fresh browser context (signed out)."""
    return browsing.new_page()


@pytest.fixture
def context(page: Page) -> BrowserContext:
    """Return the browser context of the `page` fixture."""
    return page.context


@pytest.fixture
def new_page(browsing: Browsing) -> Callable[..., Page]:
    """Return a factory for more pages, each in its own context (another person)."""
    return browsing.new_page


@pytest.fixture
def check_accessibility(browsing: Browsing) -> Callable[[Page], None]:
    """Return the axe check; every page a test loads must go through it."""
    return browsing.check_accessibility


_CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def sign_in_over_http(page: Page, person: Person) -> None:
    """Sign the page's context in through the sign-in form over HTTP, without loading a page."""
    request = page.context.request
    token = _CSRF_FIELD.search(request.get("/sign-in").text())
    assert token, "no CSRF token on the sign-in page"
    response = request.post(
        "/sign-in",
        form={"csrf_token": token.group(1), "username": person.username, "password": PASSWORD},
    )
    assert response.ok and urlsplit(response.url).path == "/", f"sign-in failed: {response.url}"


@pytest.fixture
def sign_in() -> Callable[[Page, Person], None]:
    """Return a helper that signs a page's context in (the sign-in journey uses the form)."""
    return sign_in_over_http
