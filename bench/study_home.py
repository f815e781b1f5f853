"""Requests per second and p95 latency of signed-in pages, against Flask hello.

The pages: the study home, and the live-updates fingerprint that every open co-design
page asks for every few seconds (so it is the app's most frequent request).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

from bench.apps import on_each_database, seeding_app
from bench.client import Browser
from bench.load import LoadResult, run_load
from bench.report import Figure, compare, error_figure
from bench.server import Server, gunicorn
from peer_research.db import db
from peer_research.demo import DEMO_PEOPLE, DEMO_STUDY_SLUG, seed_demo
from peer_research.migrate import upgrade

USERNAME = "sam"  # facilitator and co-researcher of the demo study
STUDY_PATH = f"/studies/{DEMO_STUDY_SLUG}/"
LIVE_UPDATES_PATH = f"/studies/{DEMO_STUDY_SLUG}/live-updates"
PAGES = {"study_home": STUDY_PATH, "live_updates": LIVE_UPDATES_PATH}
BASELINE = "hello"


def password_of(username: str) -> str:
    """Return a demo person's password."""
    return next(person.password for person in DEMO_PEOPLE if person.username == username)


def prepare_database(url: str, secret_key: str, instance: Path) -> None:
    """Migrate the database and add the demo study and people."""
    upgrade(url)
    app = seeding_app(url, secret_key, instance)
    with app.app_context():
        seed_demo(db.session)
        db.commit()
        db.engine.dispose()


def signed_in_headers(server: Server) -> dict[str, str]:
    """Sign in as the demo facilitator and check that the study home page shows."""
    browser = Browser(server.host, server.port)
    browser.sign_in(USERNAME, password_of(USERNAME))
    status, page = browser.request("GET", STUDY_PATH)
    if status != 200 or "Carers" not in page:
        raise RuntimeError(f"GET {STUDY_PATH} answered {status} after signing in")
    return browser.cookie_header()


def measure_hello(folder: Path) -> LoadResult:
    """Load the bare Flask hello route under the same gunicorn settings."""
    log_path = folder / "gunicorn-hello.log"
    with gunicorn("bench.apps:make_hello()", ready_path="/", log_path=log_path) as server:
        return run_load(server.host, server.port, "/")


def measure_pages(url: str, folder: Path) -> dict[str, LoadResult]:
    """Load each signed-in page of the app on the database at url, one after the other."""
    secret_key = secrets.token_hex(32)
    instance = folder / "instance"
    instance.mkdir(exist_ok=True)
    prepare_database(url, secret_key, instance)
    env = {
        "PEER_RESEARCH_SECRET_KEY": secret_key,
        "PEER_RESEARCH_DATABASE_URL": url,
        "PEER_RESEARCH_INSTANCE_PATH": str(instance),
    }
    log_path = folder / "gunicorn-app.log"
    app_spec = "bench.apps:make_app()"
    with gunicorn(app_spec, ready_path="/health", log_path=log_path, env=env) as server:
        headers = signed_in_headers(server)
        return {
            name: run_load(server.host, server.port, path, headers) for name, path in PAGES.items()
        }


def figures(database: str, url: str, folder: Path) -> Iterator[Figure]:
    """Measure the baseline, then the app on one database; yield the compared figures."""
    baseline = measure_hello(folder)
    for page, app in measure_pages(url, folder).items():
        name = f"{page}_{database}"
        yield Figure(compare(f"{name}_rps", app.rps, baseline.rps, "req/s", BASELINE))
        yield Figure(compare(f"{name}_p95", app.p95_ms, baseline.p95_ms, "ms", BASELINE))
        yield error_figure(f"{name}_errors", app, baseline, BASELINE)


def run() -> Iterator[Figure]:
    """Run the study home benchmark on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    return on_each_database("study_home", figures)
