"""Many people writing at once: comments, votes and sign-ins against 4 gunicorn workers.

Each client is a member of the demo study's design group. It signs in once, then repeats
three writes back to back: a comment on an open suggestion, a vote on it (changing it
each time), and a fresh sign-in through the sign-in form. Afterwards every write the
server accepted (answered with its redirect) is looked for in the database: comments by
their text, votes and sign-ins by the audit entry carrying the request id the client
sent. The baseline is one client doing the same in the same run.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import secrets
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.apps import reset_postgresql, seeding_app
from bench.client import Browser, CsrfTokenParser
from bench.load import p95_ms
from bench.report import Figure, compare
from bench.server import Server, gunicorn
from peer_research.db import create_db_engine, db, utcnow
from peer_research.demo import DEMO_STUDY_SLUG, seed_demo
from peer_research.migrate import upgrade

CLIENTS = 20
WORKERS = 4
PASSWORD = "bench writer garden lantern"  # noqa: S105  (made-up accounts in a throwaway database)
BASELINE = "one_client"
POSITIONS = ("agree", "disagree", "abstain")


def measure_seconds() -> float:
    """Return how long each round lasts, from BENCH_WRITE_SECONDS (default 30)."""
    return float(os.environ.get("BENCH_WRITE_SECONDS", "30"))


@dataclass(frozen=True)
class Target:
    """The suggestion everyone comments on and votes on."""

    questionnaire_id: int
    proposal_id: int

    @property
    def base(self) -> str:
        """Return the suggestion's address."""
        return (
            f"/studies/{DEMO_STUDY_SLUG}/questionnaires/{self.questionnaire_id}"
            f"/suggestions/{self.proposal_id}"
        )


@dataclass
class Round:
    """What the clients of one round sent and what they got back."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    server_errors: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    comments: list[str] = field(default_factory=list)  # bodies of accepted comments
    audited: list[str] = field(default_factory=list)  # request ids of accepted votes, sign-ins
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def accepted(self) -> int:
        """Return how many writes the server accepted."""
        return len(self.latencies)

    @property
    def rps(self) -> float:
        """Return accepted writes per second."""
        return self.accepted / self.seconds

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile time of an accepted write, in milliseconds."""
        return p95_ms(self.latencies)


def username(number: int) -> str:
    """Return the username of bench writer number `number`."""
    return f"writer{number:02d}"


def prepare_database(url: str, secret_key: str, instance: Path) -> Target:
    """Migrate, add the demo study, the writers and an open suggestion with a poll."""
    from peer_research.accounts.services import create_user
    from peer_research.studies.services import Role, add_member, get_study
    from surveys import services as surveys
    from surveys.codesign import services as codesign

    upgrade(url)
    app = seeding_app(url, secret_key, instance)
    with app.app_context():
        session = db.session
        seed_demo(session)
        study = get_study(session, DEMO_STUDY_SLUG)
        writers = [
            create_user(
                session, username=username(n), display_name=f"Writer {n}", password=PASSWORD
            )
            for n in range(CLIENTS)
        ]
        for writer in writers:
            add_member(
                session, study=study, user=writer, roles=(Role.CO_RESEARCHER,), added_by=None
            )
        questionnaire = surveys.questionnaires_of(session, study)[0]
        item = surveys.draft_definition(session, questionnaire).find("what_would_help")
        proposal = codesign.create_proposal(
            session,
            questionnaire=questionnaire,
            author=writers[0],
            kind=codesign.ChangeKind.CHANGE_ITEM,
            reason="A shorter question is easier to answer.",
            item=dataclasses.replace(item, label={"en": "What would help at home?"}),
            target_name=item.name,
            open_now=True,
        )
        # The demo's facilitator is a voter who never votes, so the poll stays open.
        codesign.open_proposal_poll(
            session, proposal=proposal, opened_by=writers[0], deadline=utcnow() + timedelta(days=7)
        )
        db.commit()
        target = Target(questionnaire.id, proposal.id)
        db.engine.dispose()
    return target


def csrf_token(page: str) -> str:
    """Return the first CSRF token in a page."""
    parser = CsrfTokenParser()
    parser.feed(page)
    if not parser.token:
        raise RuntimeError("no csrf_token field in the page")
    return parser.token


class Writer:
    """One person writing comments, votes and sign-ins back to back."""

    def __init__(self, server: Server, target: Target, number: int, tag: str) -> None:
        self.server, self.target, self.number, self.tag = server, target, number, tag
        self.browser = Browser(server.host, server.port)
        self.browser.sign_in(username(number), PASSWORD)
        status, page = self.browser.request("GET", target.base)
        if status != 200:
            raise RuntimeError(f"GET {target.base} answered {status} after signing in")
        self.token = csrf_token(page)
        self.sent = itertools.count()

    def post(self, browser: Browser, path: str, form: dict[str, str], request_id: str) -> int:
        """Send a form with a request id the audit entry will carry; return the status."""
        status, _page = browser.request("POST", path, form, headers={"X-Request-ID": request_id})
        return status

    def comment(self) -> tuple[str, int, str | None]:
        """Post a comment with a unique text."""
        body = f"Bench comment {self.tag} {self.number}-{next(self.sent)}"
        form = {"csrf_token": self.token, "body": body}
        status = self.post(self.browser, f"{self.target.base}/comments", form, uuid.uuid4().hex)
        return "comment", status, body

    def vote(self) -> tuple[str, int, str | None]:
        """Cast or change one's vote."""
        request_id = uuid.uuid4().hex
        position = POSITIONS[next(self.sent) % len(POSITIONS)]
        form = {"csrf_token": self.token, "position": position, "reason": ""}
        status = self.post(self.browser, f"{self.target.base}/vote", form, request_id)
        return "vote", status, request_id

    def sign_in(self) -> tuple[str, int, str | None]:
        """Sign in again from a new browser, through the sign-in form."""
        browser = Browser(self.server.host, self.server.port)
        status, page = browser.request("GET", "/sign-in")
        if status != 200:
            return "sign-in form", status, None
        request_id = uuid.uuid4().hex
        form = {"csrf_token": csrf_token(page), "username": username(self.number)}
        form["password"] = PASSWORD
        return "sign-in", self.post(browser, "/sign-in", form, request_id), request_id


def run_writer(writer: Writer, until: float, result: Round) -> None:
    """Write until `until`, recording each answer."""
    actions = itertools.cycle((writer.comment, writer.vote, writer.sign_in))
    while (started := time.perf_counter()) < until:
        try:
            kind, status, key = next(actions)()
        except OSError as error:
            kind, status, key = "connection", 0, type(error).__name__
        elapsed = time.perf_counter() - started
        with result.lock:
            if status == 302:
                result.latencies.append(elapsed)
                (result.comments if kind == "comment" else result.audited).append(key or "")
            elif status >= 500:
                result.server_errors[f"{kind} HTTP {status}"] += 1
            else:
                result.refused[f"{kind} {status or key}"] += 1


def run_round(server: Server, target: Target, clients: int, tag: str) -> Round:
    """Run `clients` writers at once for the measured time."""
    writers = [Writer(server, target, number, tag) for number in range(clients)]
    result = Round(seconds=measure_seconds())
    until = time.perf_counter() + result.seconds
    threads = [threading.Thread(target=run_writer, args=(w, until, result)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def lost_writes(url: str, result: Round) -> int:
    """Return how many accepted writes are not in the database."""
    engine = create_db_engine(url)
    with engine.connect() as connection:
        bodies = set(connection.scalars(sa.text("SELECT body FROM comments")))
        request_ids = set(
            connection.scalars(
                sa.text(
                    "SELECT request_id FROM audit_events WHERE action IN ('vote_cast', 'signed_in')"
                )
            )
        )
    engine.dispose()
    return sum(body not in bodies for body in result.comments) + sum(
        request_id not in request_ids for request_id in result.audited
    )


def describe(counter: Counter[str]) -> str:
    """Return the total and the kinds of a counter."""
    total = sum(counter.values())
    kinds = ", ".join(f"{kind} x{count}" for kind, count in counter.most_common())
    return f"{total}" + (f" [{kinds}]" if kinds else "")


def figures(database: str, url: str, folder: Path) -> Iterator[Figure]:
    """Run one client, then CLIENTS at once, on one database; yield the compared figures."""
    secret_key = secrets.token_hex(32)
    instance = folder / "instance"
    instance.mkdir(exist_ok=True)
    target = prepare_database(url, secret_key, instance)
    env = {
        "PEER_RESEARCH_SECRET_KEY": secret_key,
        "PEER_RESEARCH_DATABASE_URL": url,
        "PEER_RESEARCH_INSTANCE_PATH": str(instance),
    }
    log_path = folder / "gunicorn-writes.log"
    with gunicorn(
        "bench.apps:make_app()", ready_path="/health", log_path=log_path, env=env, workers=WORKERS
    ) as server:
        one = run_round(server, target, 1, "one")
        many = run_round(server, target, CLIENTS, "many")
    name = f"concurrent_writes_{database}"
    yield Figure(compare(f"{name}_rps", many.rps, one.rps, "writes/s", BASELINE))
    yield Figure(compare(f"{name}_p95", many.p95_ms, one.p95_ms, "ms", BASELINE))
    lost_one, lost_many = lost_writes(url, one), lost_writes(url, many)
    for label, value, base, ok in (
        ("errors", describe(many.server_errors), describe(one.server_errors), True),
        ("refused", describe(many.refused), describe(one.refused), True),
        ("lost", f"{lost_many} of {many.accepted}", f"{lost_one} of {one.accepted}", True),
    ):
        yield Figure(f"{name}_{label}: {value} (baseline {BASELINE} {base})", ok)
    if many.server_errors or one.server_errors or lost_one or lost_many:
        yield Figure(f"{name}: server errors or lost writes; see {log_path.name}", ok=False)


def run() -> Iterator[Figure]:
    """Run the concurrent writes benchmark on SQLite, and on PostgreSQL when configured."""
    with tempfile.TemporaryDirectory(prefix="peer-research-bench-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        yield from figures("sqlite", url, folder)
    postgresql_url = os.environ.get("BENCH_DATABASE_URL")
    if not postgresql_url:
        yield Figure("concurrent_writes_postgresql: skipped (set BENCH_DATABASE_URL)")
        return
    reset_postgresql(postgresql_url)
    with tempfile.TemporaryDirectory(prefix="peer-research-bench-") as tmp:
        yield from figures("postgresql", postgresql_url, Path(tmp))
