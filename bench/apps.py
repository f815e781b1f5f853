"""The WSGI apps the benchmarks serve with gunicorn: peer-research and a bare Flask baseline."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask


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
