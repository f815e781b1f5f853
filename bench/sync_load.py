"""Fieldwork load: 50 tablets syncing at once, and not one interview lost.

Each tablet is a signed-in peer researcher of the study (its own session cookie and CSRF
token) that sends batches of a few interviews of 40 answers back to back to
`/api/v1/studies/<slug>/interviews` on gunicorn; now and then it sends the batch it just
sent again, as a tablet does when a receipt was lost on the way. Afterwards every
interview a tablet got an `accepted` or `already_received` receipt for is looked for in
the database, with all its answer rows. The baseline is the bare Flask hello app under
the same gunicorn settings, loaded by as many clients for as long, in the same run.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench import sync_ingest
from bench.apps import on_each_database, seeding_app
from bench.client import Browser, CsrfTokenParser
from bench.load import REQUEST_TIMEOUT_SECONDS, WARM_UP_SECONDS, LoadResult, p95_ms, run_load
from bench.report import Figure, compare, describe_errors
from bench.server import Server, gunicorn
from peer_research.db import create_db_engine, db
from peer_research.migrate import upgrade

TABLETS = 50
BATCH_SIZES = (1, 2, 3, 4, 5)  # interviews per sync, picked at random
REPLAY_CHANCE = 0.2  # how often a tablet sends its last batch again (a lost receipt)
SLUG = "bench-load"
PASSWORD = "bench tablet orchard pebble"  # noqa: S105  (made-up accounts in a throwaway database)
PATH = f"/api/v1/studies/{SLUG}/interviews"
STORED = frozenset({"accepted", "already_received"})
BASELINE = "hello"


def measure_seconds() -> float:
    """Return how long the tablets sync, from BENCH_SYNC_LOAD_SECONDS (default 60)."""
    return float(os.environ.get("BENCH_SYNC_LOAD_SECONDS", "60"))


def pause_seconds() -> float:
    """Return a tablet's mean pause between syncs, from BENCH_SYNC_LOAD_PAUSE (default 0)."""
    return float(os.environ.get("BENCH_SYNC_LOAD_PAUSE", "0"))


def username(number: int) -> str:
    """Return the username of tablet number `number`'s interviewer."""
    return f"tablet{number:02d}"


def answer_rows(values: dict) -> int:
    """Return how many answer rows one interview's answers make (one per chosen choice)."""
    return sum(len(value) if isinstance(value, list) else 1 for value in values.values())


@dataclass
class Tally:
    """What the tablets sent and what they were told."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    receipted: set[str] = field(default_factory=set)  # UUIDs told accepted/already_received
    replays: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def syncs(self) -> int:
        """Return the number of measured syncs answered with 200."""
        return len(self.latencies)


def prepare(url: str, secret_key: str, instance: Path) -> int:
    """Migrate; add the study, its TABLETS peer researchers and a published version."""
    from peer_research.accounts.services import create_user
    from peer_research.studies.services import Role, add_member, create_study
    from surveys.services import import_questionnaire, publish_version

    upgrade(url)
    app = seeding_app(url, secret_key, instance)
    with app.app_context():
        session = db.session
        study = create_study(session, slug=SLUG, title="Bench load", created_by=None)
        people = [
            create_user(
                session, username=username(n), display_name=f"Tablet {n}", password=PASSWORD
            )
            for n in range(TABLETS)
        ]
        for person in people:
            add_member(
                session, study=study, user=person, roles=[Role.PEER_RESEARCHER], added_by=None
            )
        made = import_questionnaire(
            session, study=study, definition=sync_ingest.questionnaire(), imported_by=people[0]
        )
        version = publish_version(session, questionnaire=made, published_by=people[0])
        db.commit()
        version_id = version.id
        db.engine.dispose()
    return version_id


class Tablet:
    """One interviewer's tablet: its own session, CSRF token and kept-alive connection."""

    def __init__(self, server: Server, number: int, version_id: int) -> None:
        self.server, self.version_id = server, version_id
        self.random = random.Random(number)  # noqa: S311  (repeatable batch sizes, not secrets)
        browser = Browser(server.host, server.port)
        browser.sign_in(username(number), PASSWORD)
        status, page = browser.request("GET", "/")
        parser = CsrfTokenParser()
        parser.feed(page)
        if status != 200 or not parser.token:
            raise RuntimeError(f"GET / answered {status} without a CSRF token after signing in")
        self.headers = {
            **browser.cookie_header(),
            "Content-Type": "application/json",
            "X-CSRFToken": parser.token,
        }
        self.connection = self.connect()
        self.pause = pause_seconds()

    def connect(self) -> http.client.HTTPConnection:
        """Open a new keep-alive connection to the server."""
        return http.client.HTTPConnection(
            self.server.host, self.server.port, timeout=REQUEST_TIMEOUT_SECONDS
        )

    def new_batch(self) -> list[dict]:
        """Return a few new interviews, each with a fresh UUID."""
        return [
            {
                "uuid": str(uuid.uuid4()),
                "version_id": self.version_id,
                "language": "en",
                "started_at": "2026-11-30T10:00:00+00:00",
                "finished_at": "2026-11-30T10:40:00+00:00",
                "status": "complete",
                "answers": sync_ingest.answers(),
                "notes": [],
            }
            for _ in range(self.random.choice(BATCH_SIZES))
        ]

    def send(self, body: bytes) -> tuple[str, list[dict]]:
        """POST one batch; return '200' and its receipts, or what went wrong and none."""
        try:
            self.connection.request("POST", PATH, body=body, headers=self.headers)
            response = self.connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = self.connect()
            return type(error).__name__, []
        if response.status != 200:
            return f"HTTP {response.status}", []
        return "200", json.loads(text)["receipts"]


def check_receipts(batch: list[dict], receipts: list[dict], replay: bool) -> Counter[str]:
    """Return what is wrong with a batch's receipts (a replay must be recognised)."""
    wrong: Counter[str] = Counter()
    sent = [item["uuid"] for item in batch]
    if [receipt["uuid"] for receipt in receipts] != sent:
        wrong["receipts not matching the batch"] += 1
    for receipt in receipts:
        if receipt["outcome"] not in STORED:
            wrong[f"receipt {receipt['outcome']}"] += 1
        elif replay and receipt["outcome"] != "already_received":
            wrong["replay stored as new"] += 1
    return wrong


def run_tablet(tablet: Tablet, measure_from: float, until: float, tally: Tally) -> None:
    """Sync back to back until `until`; time the syncs started after `measure_from`."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    receipted: set[str] = set()
    replays, last = 0, None
    while (started := time.perf_counter()) < until:
        replay = last is not None and tablet.random.random() < REPLAY_CHANCE
        batch = last if replay else tablet.new_batch()
        outcome, receipts = tablet.send(json.dumps({"interviews": batch}).encode())
        elapsed = time.perf_counter() - started
        wrong = check_receipts(batch, receipts, replay) if outcome == "200" else Counter([outcome])
        receipted.update(r["uuid"] for r in receipts if r["outcome"] in STORED)
        last = batch if outcome == "200" and not replay else None
        if tablet.pause:  # at random around the mean, so that the tablets do not sync in step
            tablet.connection.close()  # gunicorn drops idle connections after 2 s; reopened
            left = max(0.0, until - time.perf_counter())
            time.sleep(min(tablet.random.uniform(0, 2 * tablet.pause), left))
        if started < measure_from:
            continue
        replays += replay
        errors.update(wrong)
        if outcome == "200":
            latencies.append(elapsed)
    tablet.connection.close()
    with tally.lock:
        tally.latencies.extend(latencies)
        tally.errors.update(errors)
        tally.receipted.update(receipted)
        tally.replays += replays


def sync_at_once(server: Server, version_id: int, seconds: float) -> Tally:
    """Sign every tablet in, then let them all sync at once for `seconds` after a warm-up."""
    tablets = [Tablet(server, number, version_id) for number in range(TABLETS)]
    tally = Tally(seconds=seconds)
    measure_from = time.perf_counter() + WARM_UP_SECONDS
    until = measure_from + seconds
    threads = [
        threading.Thread(target=run_tablet, args=(tablet, measure_from, until, tally))
        for tablet in tablets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def lost_interviews(url: str, receipted: set[str]) -> tuple[int, int]:
    """Return how many receipted interviews are missing, and how many lack answer rows."""
    expected_rows = answer_rows(sync_ingest.answers())
    engine = create_db_engine(url)
    with engine.connect() as connection:
        rows = dict(
            connection.execute(
                sa.text(
                    "SELECT i.uuid, COUNT(a.interview_id) FROM interviews i "
                    "LEFT JOIN interview_answers a ON a.interview_id = i.id GROUP BY i.uuid"
                )
            ).all()
        )
    engine.dispose()
    stored = {str(key).lower(): count for key, count in rows.items()}
    missing = sum(key.lower() not in stored for key in receipted)
    incomplete = sum(stored.get(key.lower(), expected_rows) != expected_rows for key in receipted)
    return missing, incomplete


def measure_hello(folder: Path, seconds: float) -> LoadResult:
    """Load the bare Flask hello app with as many clients, under the same gunicorn settings."""
    log_path = folder / "gunicorn-hello.log"
    with gunicorn("bench.apps:make_hello()", ready_path="/", log_path=log_path) as server:
        return run_load(server.host, server.port, "/", clients=TABLETS, seconds=seconds)


def median_ms(latencies: list[float]) -> float:
    """Return the median of latencies in seconds, in milliseconds (nan if none)."""
    return statistics.median(latencies) * 1000 if latencies else float("nan")


def figures(database: str, url: str, folder: Path) -> Iterator[Figure]:
    """Measure hello, then the tablets on one database; yield the compared figures."""
    seconds = measure_seconds()
    baseline = measure_hello(folder, seconds)
    secret_key = secrets.token_hex(32)
    instance = folder / "instance"
    instance.mkdir(exist_ok=True)
    version_id = prepare(url, secret_key, instance)
    env = {
        "PEER_RESEARCH_SECRET_KEY": secret_key,
        "PEER_RESEARCH_DATABASE_URL": url,
        "PEER_RESEARCH_INSTANCE_PATH": str(instance),
        "PEER_RESEARCH_SESSION_COOKIE_SECURE": "false",
    }
    log_path = folder / "gunicorn-sync-load.log"
    with gunicorn(
        "bench.apps:make_app()", ready_path="/health", log_path=log_path, env=env
    ) as server:
        tally = sync_at_once(server, version_id, seconds)
    name = f"sync_load_{database}" + (f"_pause{pause_seconds():g}s" if pause_seconds() else "")
    hello_p50 = median_ms(baseline.latencies)
    yield Figure(compare(f"{name}_p50", median_ms(tally.latencies), hello_p50, "ms", BASELINE))
    yield Figure(compare(f"{name}_p95", p95_ms(tally.latencies), baseline.p95_ms, "ms", BASELINE))
    rate = tally.syncs / tally.seconds
    yield Figure(compare(f"{name}_rps", rate, baseline.rps, "req/s", BASELINE))
    errors = sum(tally.errors.values())
    kinds = ", ".join(f"{kind} x{count}" for kind, count in tally.errors.most_common())
    yield Figure(
        f"{name}_errors: {errors} of {tally.syncs + errors} syncs, {tally.replays} of them "
        f"replays{f' [{kinds}]' if kinds else ''} "
        f"(baseline {BASELINE} {describe_errors(baseline)})",
        ok=not (errors or baseline.errors),
    )
    missing, incomplete = lost_interviews(url, tally.receipted)
    yield Figure(
        f"{name}_lost: {missing + incomplete} of {len(tally.receipted)} receipted interviews "
        f"({missing} missing, {incomplete} without all their answers)",
        ok=not (missing or incomplete),
    )
    if errors or missing or incomplete:
        yield Figure(f"{name}: errors or lost interviews; see {log_path}", ok=False)


def run() -> Iterator[Figure]:
    """Run on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    return on_each_database("sync_load", figures)


if __name__ == "__main__":
    for figure in run():
        print(figure.line, flush=True)
