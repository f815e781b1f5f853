"""The interview app shell as transferred: what an old tablet on a weak signal downloads.

A fresh Chromium (nothing cached, no service worker) opens the interview of a published
20-question questionnaire and adds up the bodies of the HTML, CSS, JavaScript and fonts it
received, as they came over the wire: the app is served behind a gzip layer, as a deployment
behind a compressing proxy would be. Baseline, same run: the same files uncompressed. A
second figure adds up everything the service worker keeps for offline work (the whole shell,
gzipped the same way), which a tablet downloads once. A third measures the consent step's page
(the study's usual consent form) the same way, and what it adds to the interview's: the
transfer of the files the interview page did not already bring.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from bench.logic_eval import CHROMIUM_ARGS
from bench.report import Figure, compare

SHELL_TYPES = {"document", "stylesheet", "script", "font"}
TARGET_KB = 100
PASSWORD = "a long benchmark password"  # noqa: S105  (a throwaway account)


def gzip_layer(wsgi_app):
    """Wrap a WSGI app so that it sends gzip when the browser accepts it, like a proxy."""

    def compressed(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return wsgi_app(environ, start_response)
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return lambda _data: None

        parts = wsgi_app(environ, keep)
        try:
            body = b"".join(parts)
        finally:
            getattr(parts, "close", lambda: None)()
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        if body:
            body = gzip.compress(body, 6)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        start_response(answer["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return compressed


def make_interview(app) -> tuple[str, str, str]:
    """Create an interviewer, a published 20-question questionnaire and the usual consent
    form; return (user, interview path, consent path)."""
    from consent import services as consent_services
    from peer_research.accounts.services import create_user
    from peer_research.db import db
    from peer_research.studies.models import Role
    from peer_research.studies.services import add_member, create_study
    from surveys import definition as d
    from surveys.services import add_item, create_questionnaire, publish_version

    kinds = [d.QuestionType.YES_NO, d.QuestionType.INTEGER, d.QuestionType.TEXT]
    with app.app_context():
        session = db.session
        user = create_user(session, username="bench", display_name="Bench", password=PASSWORD)
        study = create_study(session, slug="bench-study", title="Bench", created_by=None)
        add_member(session, study=study, user=user, roles=[Role.PEER_RESEARCHER], added_by=None)
        questionnaire = create_questionnaire(
            session,
            study=study,
            title="Bench",
            languages=[d.Language("en", "English")],
            created_by=user,
        )
        for number in range(20):
            question = d.Question(
                name=f"q{number}",
                type=kinds[number % 3],
                label={"en": f"Question number {number}: how do you find the help you get?"},
                relevance=f"${{q{number - 1}}} != ''" if number else "",
            )
            add_item(session, questionnaire=questionnaire, item=question, changed_by=user)
        version = publish_version(session, questionnaire=questionnaire, published_by=user)
        consent_services.set_draft_content(
            session, study=study, content=consent_services.default_content()
        )
        form = consent_services.publish_draft(
            session, study=study, by=user, requires_reconsent=False
        )
        db.commit()
        base = "/studies/bench-study/interviewing"
        return "bench", f"{base}/versions/{version.id}/en", f"{base}/consent/{form.id}/en"


def measure(base_url: str, path: str, username: str, chromium: str) -> dict[str, tuple[int, int]]:
    """Return {address: (compressed, uncompressed) bytes} of a page's shell in Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, service_workers="block")
        page = context.new_page()
        sign_in = page.request.get("/sign-in").text()
        token = sign_in.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        page.request.post(
            "/sign-in", form={"csrf_token": token, "username": username, "password": PASSWORD}
        )
        transferred: dict[str, int] = {}

        def note(request) -> None:
            """Note a shell file's size as it came over the wire."""
            if request.resource_type in SHELL_TYPES:
                transferred[request.url] = request.sizes()["responseBodySize"]

        page.on("requestfinished", note)
        # Opened without a visit begun on the home, the app goes back to the home: measure
        # only the page asked for.
        page.route(
            "**/*",
            lambda route: (
                route.abort()
                if route.request.resource_type == "document" and path not in route.request.url
                else route.continue_()
            ),
        )
        page.goto(path, wait_until="networkidle")
        # The same files again, uncompressed, for the baseline.
        sizes = {
            url.split("?")[0]: (
                size,
                len(page.request.get(url, headers={"Accept-Encoding": "identity"}).body()),
            )
            for url, size in transferred.items()
        }
        browser.close()
    return sizes


def total(sizes: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Return the (compressed, uncompressed) bytes of a page's shell."""
    return sum(c for c, _u in sizes.values()), sum(u for _c, u in sizes.values())


def offline_cache_bytes(app) -> tuple[int, int]:
    """Return (gzipped, raw) bytes of every file the service worker keeps for the shell."""
    from surveys.fielding.screens import shell_files

    folder = Path(app.static_folder)
    raw = [(folder / name).read_bytes() for name in shell_files(str(folder))]
    return sum(len(gzip.compress(data, 6)) for data in raw), sum(len(data) for data in raw)


def run() -> Iterator[Figure]:
    """Measure the interview app shell as transferred, and the offline cache."""
    from werkzeug.serving import make_server

    from bench.apps import seeding_app
    from peer_research.migrate import upgrade

    chromium = shutil.which(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    if not chromium:
        yield Figure("app_shell: skipped (no Chromium at CHROMIUM_PATH)")
        return
    with tempfile.TemporaryDirectory(prefix="bench-shell-") as folder:
        url = f"sqlite:///{Path(folder) / 'shell.sqlite'}"
        upgrade(url)
        app = seeding_app(url, "bench-secret-" + "x" * 40, Path(folder))
        username, path, consent_path = make_interview(app)
        app.wsgi_app = gzip_layer(app.wsgi_app)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{server.server_port}"
            interview = measure(base, path, username, chromium)
            consent = measure(base, consent_path, username, chromium)
        finally:
            server.shutdown()
            server.server_close()
            app.extensions["database"].engine.dispose()
        cached, cached_raw = offline_cache_bytes(app)
    kb = 1024
    compressed, uncompressed = total(interview)
    consent_compressed, consent_raw = total(consent)
    added = {url: size for url, size in consent.items() if url not in interview}
    added_compressed, added_raw = total(added)
    yield Figure(
        compare("app_shell_interview", compressed / kb, uncompressed / kb, "KB", "uncompressed")
        + f" [target under {TARGET_KB} KB]",
        ok=True,
    )
    yield Figure(
        compare("app_shell_offline_cache", cached / kb, cached_raw / kb, "KB", "uncompressed")
    )
    yield Figure(
        compare(
            "app_shell_consent_step",
            consent_compressed / kb,
            consent_raw / kb,
            "KB",
            "uncompressed",
        )
        + f" [of which not in the interview's shell: {added_compressed / kb:.1f} KB"
        + f" ({added_raw / kb:.1f} KB uncompressed)]",
        ok=True,
    )


if __name__ == "__main__":
    for figure in run():
        print(figure.line, flush=True)
