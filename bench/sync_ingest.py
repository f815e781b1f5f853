"""Sync ingest: interviews per second through the sync API, against a raw bulk insert.

Batches of 100 interviews of 40 answers each are POSTed as a peer researcher to
`/api/v1/studies/<slug>/interviews` on gunicorn (the whole path: JSON, CSRF, access,
the schema, re-validation with the Python evaluator, one savepoint per interview, the
submitted JSON and one row per answer). The baseline, in the same run on the same
database, writes the same interview and answer rows with SQLAlchemy Core bulk inserts
(`executemany`, one transaction per batch) and nothing else.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from bench.apps import on_each_database, seeding_app
from bench.client import Browser, CsrfTokenParser
from bench.report import Figure, compare
from bench.server import gunicorn
from peer_research.db import create_db_engine, db, utcnow
from peer_research.migrate import upgrade

BATCHES = int(os.environ.get("BENCH_SYNC_BATCHES", "5"))
PER_BATCH = 100
QUESTIONS = 40
SLUG = "bench-fieldwork"
USERNAME = "bench-interviewer"
PASSWORD = "bench interviewer quiet meadow"  # noqa: S105  (a throwaway database)
BASELINE = "raw_core_insert"


def questionnaire():
    """Return a 40-question questionnaire: numbers with rules, choices, text, skip logic."""
    from surveys import definition as d

    yes_no = (d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"}))
    many = tuple(d.Choice(f"c{n}", {"en": f"Choice {n}"}) for n in range(5))
    questions = []
    for number in range(QUESTIONS):
        kind = number % 4
        name = f"q{number:02d}"
        label = {"en": f"Question {number}"}
        if kind == 0:
            questions.append(
                d.Question(
                    name,
                    d.QuestionType.INTEGER,
                    label,
                    required=True,
                    constraint=". >= 0 and . <= 120",
                )
            )
        elif kind == 1:
            questions.append(d.Question(name, d.QuestionType.SELECT_ONE, label, choices=yes_no))
        elif kind == 2:
            questions.append(
                d.Question(
                    name,
                    d.QuestionType.SELECT_MULTIPLE,
                    label,
                    choices=many,
                    relevance=f"${{q{number - 1:02d}}} = 'yes'",
                )
            )
        else:
            questions.append(
                d.Question(name, d.QuestionType.TEXT, label, constraint="string-length(.) < 200")
            )
    return d.FormDefinition("Bench", (d.Language("en", "English"),), tuple(questions))


def answers() -> dict:
    """Return the 40 answers of one interview (every skip-logic question asked)."""
    values = {}
    for number in range(QUESTIONS):
        kind = number % 4
        values[f"q{number:02d}"] = [number + 20, "yes", ["c1", "c3"], f"Some words {number}"][kind]
    return values


def batch(version_id: int) -> list[dict]:
    """Return one batch of interviews."""
    return [
        {
            "uuid": str(uuid.uuid4()),
            "version_id": version_id,
            "language": "en",
            "started_at": "2026-11-30T10:00:00+00:00",
            "finished_at": "2026-11-30T10:40:00+00:00",
            "status": "complete",
            "answers": answers(),
            "notes": [],
        }
        for _ in range(PER_BATCH)
    ]


def prepare(url: str, secret_key: str, instance: Path) -> int:
    """Migrate, add the interviewer, the study and a published version; return its id."""
    from peer_research.accounts.services import create_user
    from peer_research.studies.services import Role, add_member, create_study
    from surveys.services import import_questionnaire, publish_version

    upgrade(url)
    app = seeding_app(url, secret_key, instance)
    with app.app_context():
        session = db.session
        person = create_user(session, username=USERNAME, display_name="Bench", password=PASSWORD)
        study = create_study(session, slug=SLUG, title="Bench", created_by=None)
        add_member(session, study=study, user=person, roles=[Role.PEER_RESEARCHER], added_by=None)
        made = import_questionnaire(
            session, study=study, definition=questionnaire(), imported_by=person
        )
        version = publish_version(session, questionnaire=made, published_by=person)
        db.commit()
        return version.id


def through_http(url: str, secret_key: str, instance: Path, version_id: int) -> tuple[float, int]:
    """POST the batches to gunicorn; return interviews per second and how many were not accepted."""
    env = {
        "PEER_RESEARCH_SECRET_KEY": secret_key,
        "PEER_RESEARCH_DATABASE_URL": url,
        "PEER_RESEARCH_INSTANCE_PATH": str(instance),
        "PEER_RESEARCH_SESSION_COOKIE_SECURE": "false",
    }
    log_path = instance / "gunicorn-sync.log"
    with gunicorn(
        "bench.apps:make_app()", ready_path="/health", log_path=log_path, env=env
    ) as server:
        browser = Browser(server.host, server.port)
        browser.sign_in(USERNAME, PASSWORD)
        _status, page = browser.request("GET", "/")
        parser = CsrfTokenParser()
        parser.feed(page)
        bodies = [json.dumps({"interviews": batch(version_id)}) for _ in range(BATCHES)]
        headers = {
            **browser.cookie_header(),
            "Content-Type": "application/json",
            "X-CSRFToken": parser.token or "",
        }
        not_accepted = 0
        started = time.perf_counter()
        for body in bodies:
            connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
            connection.request(
                "POST", f"/api/v1/studies/{SLUG}/interviews", body=body, headers=headers
            )
            response = connection.getresponse()
            text = response.read()
            connection.close()
            if response.status != 200:
                not_accepted += PER_BATCH
                continue
            receipts = json.loads(text)["receipts"]
            not_accepted += sum(receipt["outcome"] != "accepted" for receipt in receipts)
        elapsed = time.perf_counter() - started
    return BATCHES * PER_BATCH / elapsed, not_accepted


def raw_insert(url: str, version_id: int) -> float:
    """Insert the same rows with Core bulk inserts; return interviews per second."""
    from surveys.fielding.models import Answer, Interview

    engine = create_db_engine(url)
    with engine.connect() as connection:
        study_id, user_id = connection.execute(
            sa.text("SELECT study_id, user_id FROM memberships LIMIT 1")
        ).one()
    batches = [batch(version_id) for _ in range(BATCHES)]
    started = time.perf_counter()
    for items in batches:
        with engine.begin() as connection:
            now = utcnow()
            connection.execute(
                sa.insert(Interview),
                [
                    {
                        "uuid": item["uuid"],
                        "study_id": study_id,
                        "version_id": version_id,
                        "interviewer_id": user_id,
                        "language": "en",
                        "status": "complete",
                        "started_at": now,
                        "finished_at": now,
                        "received_at": now,
                        "content_hash": "0" * 64,
                        "submitted": item,
                        "dropped": [],
                        "notes": [],
                    }
                    for item in items
                ],
            )
            ids = dict(
                connection.execute(
                    sa.select(Interview.uuid, Interview.id).where(
                        Interview.uuid.in_([item["uuid"] for item in items])
                    )
                ).all()
            )
            connection.execute(
                sa.insert(Answer),
                [
                    {"interview_id": ids[item["uuid"]], "question_key": key, "value": value}
                    for item in items
                    for key, value in _rows(item["answers"])
                ],
            )
    elapsed = time.perf_counter() - started
    engine.dispose()
    return BATCHES * PER_BATCH / elapsed


def _rows(values: dict) -> Iterator[tuple[str, str]]:
    """Yield the answer rows of one interview (one per chosen choice)."""
    for key, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            yield key, str(one)


def figures(database: str, url: str, folder: Path) -> Iterator[Figure]:
    """Measure both ways on one database and yield the compared figures."""
    secret_key = secrets.token_hex(32)
    version_id = prepare(url, secret_key, folder)
    baseline = raw_insert(url, version_id)
    rate, not_accepted = through_http(url, secret_key, folder, version_id)
    name = f"sync_ingest_{database}"
    yield Figure(compare(name, rate, baseline, "interviews/s", BASELINE))
    total = BATCHES * PER_BATCH
    yield Figure(f"{name}_not_accepted: {not_accepted} of {total} interviews", ok=not not_accepted)


def run() -> Iterator[Figure]:
    """Run on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    return on_each_database("sync_ingest", figures)


if __name__ == "__main__":
    for figure in run():
        print(figure.line, flush=True)
