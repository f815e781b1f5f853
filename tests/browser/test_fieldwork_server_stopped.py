"""The tablet and the real sync API when the server itself dies: the app server process is
really stopped (SIGKILL) and started again on the same port and database, so interviews stay
queued while it is down, reach it once each when it is back, and a batch whose answer was
lost with a killed server is stored once however often it is sent again."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from conftest import Browsing, LiveServer
from fieldwork_helpers import (
    TABLET,
    answer_quickly,
    help_at_home,
    interviewer_with,
    start_interview,
    stored_interviews,
)
from playwright.sync_api import Page, Response, expect
from restartable_server import SYNC_PATH_END, RestartableServer
from test_fieldwork_end_to_end import stored_ages

from peer_research import create_app
from peer_research.db import db
from peer_research.migrate import upgrade
from surveys.fielding.models import Interview

from support import config_for_tests, fresh_database_url

pytestmark = pytest.mark.browser

# What Chromium logs when a request meets a server that is gone: expected in these tests.
GONE_SERVER_ERRORS = ("net::ERR_CONNECTION_REFUSED", "net::ERR_EMPTY_RESPONSE")
BACK_OFF_LIMIT_MS = 70_000  # the app waits at most a minute between tries, then sends


@dataclass
class StoppableLiveServer(LiveServer):
    """The live server as the fixtures see it: `app` only reaches the database (for the test
    data), while the pages are served by `server`, a child process that can be killed."""

    server: RestartableServer


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoppableLiveServer]:
    """Serve the app from a child process on a file database (overrides conftest's)."""
    database_url = fresh_database_url(
        os.environ.get("TEST_DATABASE_URL"), "pr_server_stopped", tmp_path_factory.mktemp("db")
    )
    upgrade(database_url)
    config = config_for_tests(database_url)
    app = create_app(config, instance_path=str(tmp_path_factory.mktemp("data-instance")))
    folder = tmp_path_factory.mktemp("server")
    server = RestartableServer(
        config=config, instance_path=folder / "instance", log_path=folder / "server.log"
    )
    server.start()
    try:
        yield StoppableLiveServer(app=app, base_url=server.base_url, server=server)
    finally:
        server.kill()
        app.extensions["database"].engine.dispose()


@pytest.fixture
def server(live_server: StoppableLiveServer) -> Iterator[RestartableServer]:
    """Return the child-process server, running as usual again after the test."""
    yield live_server.server
    live_server.server.kill()
    live_server.server.start()


def forgive_gone_server(browsing: Browsing, page: Page) -> None:
    """Drop the console lines Chromium writes for requests to the stopped server, and only
    those: every other console error still fails the test."""
    watch = browsing.watches[id(page)]
    watch.console_errors = [
        (text, source)
        for text, source in watch.console_errors
        if not any(error in text for error in GONE_SERVER_ERRORS)
    ]


def interviews_with_uuid(data, uuid: str) -> int:
    """Return how many interviews the server's database holds with this uuid."""
    with data.app.app_context():
        query = sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == uuid)
        return db.session.scalar(query)


def wait_for_ages(data, home: str, ages: list[str], seconds: float = 15) -> None:
    """Wait until the server's database holds interviews with exactly these ages."""
    deadline = time.monotonic() + seconds
    while stored_ages(data, home) != ages:
        assert time.monotonic() < deadline, f"the server holds {stored_ages(data, home)}"
        time.sleep(0.1)


def open_home(page: Page, home: str, check_accessibility) -> None:
    """Open the tablet's home and wait until it can work without the server."""
    page.goto(home)
    expect(page.locator("[data-fieldwork-home][data-offline-ready=true]")).to_have_count(1)
    check_accessibility(page)


def test_interviews_done_while_the_server_is_stopped_send_when_it_is_back(
    new_page, browsing, check_accessibility, data, sign_in, server
):
    person, home = interviewer_with(data, help_at_home())
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    open_home(page, home, check_accessibility)

    server.kill()  # the network is fine; the server process is gone
    for age in ("64", "77"):
        start_interview(page)
        check_accessibility(page)
        answer_quickly(page, age)
        check_accessibility(page)
    expect(page.locator("[data-queue-status]")).to_have_text("2 interviews waiting to send")
    expect(page.locator("[data-sync-detail]")).to_contain_text("Could not send.")
    expect(page.locator("[data-sync-detail]")).to_contain_text("Trying again by itself")
    assert len(stored_interviews(page)) == 2
    assert stored_ages(data, home) == []

    server.start()  # same port, same database; no reload and no tap: the app tries again
    expect(page.locator("[data-queue-status]")).to_have_text("All sent", timeout=BACK_OFF_LIMIT_MS)
    expect(page.locator("[data-sync-detail]")).to_be_hidden()
    assert stored_interviews(page) == []
    assert stored_ages(data, home) == ["64", "77"]
    check_accessibility(page)
    forgive_gone_server(browsing, page)


def test_a_batch_sent_again_after_the_server_died_answering_is_stored_once(
    new_page, browsing, check_accessibility, data, sign_in, server
):
    person, home = interviewer_with(data, help_at_home())
    server.kill()
    server.start(hold_sync_answers=True)  # stores each batch, then never answers
    page: Page = new_page(**TABLET)
    sign_in(page, person)
    open_home(page, home, check_accessibility)
    answered: list[Response] = []
    page.on(
        "response",
        lambda response: (
            answered.append(response)
            if response.request.method == "POST" and response.url.endswith(SYNC_PATH_END)
            else None
        ),
    )

    start_interview(page)
    check_accessibility(page)
    answer_quickly(page, "58")  # back home, the app sends it at once
    wait_for_ages(data, home, ["58"])  # committed on the server, the answer still on its way
    [queued] = stored_interviews(page)
    assert answered == []

    server.kill()  # dies before its answer reaches the tablet
    expect(page.locator("[data-sync-detail]")).to_contain_text("Could not send.")
    expect(page.locator("[data-queue-status]")).to_have_text("1 interview waiting to send")
    assert stored_interviews(page) == [queued]  # no receipt, so the tablet keeps it

    server.start()
    page.get_by_role("button", name="Send now").tap()
    expect(page.locator("[data-queue-status]")).to_have_text("All sent")
    receipts = [receipt for response in answered for receipt in response.json()["receipts"]]
    assert [(r["uuid"], r["outcome"]) for r in receipts] == [(queued["uuid"], "already_received")]
    assert interviews_with_uuid(data, queued["uuid"]) == 1
    assert stored_ages(data, home) == ["58"]
    assert stored_interviews(page) == []
    check_accessibility(page)
    forgive_gone_server(browsing, page)
