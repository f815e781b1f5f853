"""How study pages scale: every study page of a large study against the same study at a
tenth of the size, in one run, with each page's query count; then the study home and live
updates of the large study under gunicorn against a bare Flask route.

The studies are grown through the services (`peer_research.sample_study`): the large one
holds 150 questions in three languages, 40 members, 300 suggestions with about 11,000
votes, 999 comments and 30 versions. Growing it takes a few minutes.
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from bench.apps import reset_postgresql, seeding_app
from bench.client import Browser
from bench.load import run_load
from bench.report import Figure, compare, error_figure
from bench.server import gunicorn
from bench.study_home import measure_hello
from peer_research.db import db
from peer_research.migrate import upgrade
from peer_research.sample_study import (
    LARGE,
    PASSWORD,
    TENTH,
    SampleStudy,
    grow_study,
    study_pages,
)

TIMED_REQUESTS = 5


def grow_studies(url: str, secret_key: str, instance: Path) -> tuple[SampleStudy, SampleStudy]:
    """Migrate the database and grow the large study and its tenth."""
    upgrade(url)
    app = seeding_app(url, secret_key, instance)
    with app.app_context():
        large = grow_study(db.session, slug="large", size=LARGE)
        tenth = grow_study(db.session, slug="tenth", size=TENTH)
        db.commit()
        db.engine.dispose()
    return large, tenth


def time_pages(app, study: SampleStudy) -> dict[str, tuple[float, int]]:
    """Return each page's median time (ms) and query count, signed in as the facilitator."""
    engine = app.extensions["database"].engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    client.post("/sign-in", data={"username": study.facilitator.username, "password": PASSWORD})
    found = {}
    for endpoint, path in sorted(study_pages(app, study).items()):
        client.get(path)  # warm what is made once
        statements.clear()
        client.get(path)
        queries = len(statements)
        times = []
        for _ in range(TIMED_REQUESTS):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        found[endpoint] = (statistics.median(times), queries)
    return found


def page_figures(url: str, secret_key: str, instance: Path, database: str) -> Iterator[Figure]:
    """Time every page of both studies in process; yield time and query figures."""
    large, tenth = grow_studies(url, secret_key, instance)
    app = seeding_app(url, secret_key, instance, WTF_CSRF_ENABLED=False)  # signs in without a form
    big, small = time_pages(app, large), time_pages(app, tenth)
    for endpoint in sorted(big):
        name = f"page_{endpoint.replace('.', '_')}_{database}"
        (big_ms, big_queries), (small_ms, small_queries) = big[endpoint], small[endpoint]
        yield Figure(compare(f"{name}_ms", big_ms, small_ms, "ms", "tenth-size study"))
        yield Figure(
            compare(f"{name}_queries", big_queries, small_queries, "queries", "tenth-size study")
        )
    yield from throughput_figures(url, secret_key, instance, database, large)


def throughput_figures(
    url: str, secret_key: str, instance: Path, database: str, large: SampleStudy
) -> Iterator[Figure]:
    """Load the large study's home and live updates under gunicorn, against Flask hello."""
    folder = instance.parent
    baseline = measure_hello(folder)
    env = {
        "PEER_RESEARCH_SECRET_KEY": secret_key,
        "PEER_RESEARCH_DATABASE_URL": url,
        "PEER_RESEARCH_INSTANCE_PATH": str(instance),
    }
    log_path = folder / "gunicorn-large.log"
    with gunicorn("bench.apps:make_app()", ready_path="/health", log_path=log_path, env=env) as s:
        browser = Browser(s.host, s.port)
        browser.sign_in(large.facilitator.username, PASSWORD)
        headers = browser.cookie_header()
        paths = {
            "large_study_home": f"/studies/{large.slug}/",
            "large_live_updates": f"/studies/{large.slug}/live-updates",
        }
        results = {name: run_load(s.host, s.port, path, headers) for name, path in paths.items()}
    for page, result in results.items():
        name = f"{page}_{database}"
        yield Figure(compare(f"{name}_rps", result.rps, baseline.rps, "req/s", "hello"))
        yield Figure(compare(f"{name}_p95", result.p95_ms, baseline.p95_ms, "ms", "hello"))
        yield error_figure(f"{name}_errors", result, baseline, "hello")


def run() -> Iterator[Figure]:
    """Run on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    secret_key = secrets.token_hex(32)
    with tempfile.TemporaryDirectory(prefix="peer-research-growth-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        yield from page_figures(f"sqlite:///{tmp}/growth.sqlite", secret_key, instance, "sqlite")
    postgresql_url = os.environ.get("BENCH_DATABASE_URL")
    if not postgresql_url:
        yield Figure("study_growth_postgresql: skipped (set BENCH_DATABASE_URL)")
        return
    reset_postgresql(postgresql_url)
    with tempfile.TemporaryDirectory(prefix="peer-research-growth-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        yield from page_figures(postgresql_url, secret_key, instance, "postgresql")
