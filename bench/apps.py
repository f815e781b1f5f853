"""The WSGI apps the benchmarks serve with gunicorn: peer-research and a bare Flask baseline."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask

from bench.report import Figure


def make_app() -> Flask:
    """Build peer-research from PEER_RESEARCH_* variables, with the benchmark's instance folder."""
    from peer_research import create_app

    return create_app(instance_path=os.environ.get("PEER_RESEARCH_INSTANCE_PATH"))


def make_hello() -> Flask:
    """Build the baseline: a bare Flask app with one route that says hello."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        """Say hello."""
        return "hello"

    return app


def seeding_app(url: str, secret_key: str, instance: Path, **settings) -> Flask:
    """Build peer-research on a benchmark database, for seeding it or timing it in process."""
    from peer_research import create_app

    config = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "LOG_LEVEL": "WARNING"}
    return create_app({**config, **settings}, instance_path=str(instance))


def reset_postgresql(url: str) -> None:
    """Empty a PostgreSQL database by replacing its public schema."""
    import sqlalchemy as sa

    from peer_research.db import create_db_engine

    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def on_each_database(name: str, figures: Callable[[str, str, Path], Iterator]) -> Iterator:
    """Yield `figures(database, url, folder)` on a fresh SQLite file, then on PostgreSQL when
    BENCH_DATABASE_URL is set (emptied first), each with a temporary folder of its own."""
    with tempfile.TemporaryDirectory(prefix="peer-research-bench-") as tmp:
        folder = Path(tmp)
        yield from figures("sqlite", f"sqlite:///{folder / 'bench.sqlite'}", folder)
    postgresql_url = os.environ.get("BENCH_DATABASE_URL")
    if not postgresql_url:
        yield Figure(f"{name}_postgresql: skipped (set BENCH_DATABASE_URL)")
        return
    reset_postgresql(postgresql_url)
    with tempfile.TemporaryDirectory(prefix="peer-research-bench-") as tmp:
        yield from figures("postgresql", postgresql_url, Path(tmp))
