"""Helpers shared by the tests: database set-up, test configuration, reading pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import sqlalchemy as sa

from peer_research.db import create_db_engine

PASSWORD = "correct horse battery staple"
TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


def fresh_database_url(base_url: str | None, name: str, folder: Path) -> str:
    """Return the URL of an empty database: a new SQLite file, or a fresh PostgreSQL schema."""
    if not base_url:
        return f"sqlite:///{folder / (name + '.sqlite')}"
    engine = create_db_engine(base_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    url = sa.make_url(base_url)
    return url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
        hide_password=False
    )


def config_for_tests(database_url: str, **extra) -> dict:
    """Return the configuration for a test app."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        # Cheap hashing keeps the suite fast; production uses the Argon2id defaults.
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_COST": 64,
        **extra,
    }


_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def page_text(response) -> str:
    """Return the visible text of an HTML response, tags removed and spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", body))).strip()
