"""Configuration: defaults, then environment variables, then an override mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    # Modes: DEMO runs a throw-away instance, TESTING runs the test suite.
    "DEMO": False,
    "TESTING": False,
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    # Cookies: secure by default; demo and tests run on plain http://localhost.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "peer_research_session",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # How often open co-design pages ask whether others have acted (seconds).
    "LIVE_UPDATE_SECONDS": 10,
    # Easy-read pictures on questions and answers.
    "MEDIA_MAX_BYTES": 1024 * 1024,
    # Strict-Transport-Security is only sent when the site is served over HTTPS.
    "HSTS_SECONDS": 31536000,
    # Sign-in slowdown (accounts/throttle.py): after this many failures for one name from
    # one address, waits begin (30 s, doubling up to the longest pause); a name or an
    # address with this many failures from everywhere leaves each pair one free failure.
    "SIGN_IN_MAX_FAILURES": 5,
    "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 100,
    "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": 20,
    "SIGN_IN_FAILURE_WINDOW": timedelta(days=1),
    "SIGN_IN_LONGEST_PAUSE": timedelta(minutes=15),
    "INVITATION_LIFETIME": timedelta(days=14),
    "PASSWORD_RESET_LIFETIME": timedelta(days=3),
    # Argon2id parameters (RFC 9106 second recommended option, memory 64 MiB).
    "PASSWORD_HASH_TIME_COST": 3,
    "PASSWORD_HASH_MEMORY_COST": 65536,
    # Behind a proxy: number of proxies whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
    # Optional outgoing mail; without MAIL_SERVER nothing is e-mailed.
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_SENDER": None,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Europe/London",
    "LOG_LEVEL": "INFO",
    # The folder of the studies' private consent keys (default: <instance>/consent-keys).
    # They open participants' identifiable details; keep the folder out of backups of the
    # database and readable by the app only.
    "CONSENT_KEY_DIR": None,
}

# Unprefixed names that hosting platforms commonly set.
PLAIN_ENVIRONMENT_NAMES = ("DATABASE_URL", "SECRET_KEY")


class ConfigError(RuntimeError):
    """The configuration does not allow the app to start safely."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from defaults, the environment and the overrides, then check it."""
    app.config.update(DEFAULTS)
    for name in PLAIN_ENVIRONMENT_NAMES:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.from_prefixed_env("PEER_RESEARCH")
    if overrides:
        app.config.update(overrides)
    if app.config["DEMO"] or app.config["TESTING"]:
        _relax_for_local_use(app)
    if not app.config["CONSENT_KEY_DIR"]:
        app.config["CONSENT_KEY_DIR"] = str(Path(app.instance_path) / "consent-keys")
    check_config(app.config)


def _relax_for_local_use(app: Flask) -> None:
    """Let demo and test instances run on http://localhost with an instance-folder database."""
    app.config["SESSION_COOKIE_SECURE"] = False
    app.config["REMEMBER_COOKIE_SECURE"] = False
    if not app.config["DATABASE_URL"]:
        database = Path(app.instance_path) / "peer-research.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{database}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _instance_secret_key(instance_path: Path) -> str:
    """Read or create a random key kept in the instance folder (demo and tests only)."""
    import secrets

    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse settings that would make a real deployment unsafe."""
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_KEY_LENGTH or secret in {"dev", "changeme", "secret"}:
        problems.append(
            "Set PEER_RESEARCH_SECRET_KEY to a long random value, for example the output of: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not config.get("DATABASE_URL"):
        problems.append(
            "Set PEER_RESEARCH_DATABASE_URL (or DATABASE_URL), for example "
            "postgresql+psycopg://user:password@localhost/peer_research "
            "or sqlite:////var/lib/peer-research/peer-research.sqlite"
        )
    if problems:
        raise ConfigError(
            "peer-research will not start without these settings "
            "(use 'peer-research demo' to try it out):\n- " + "\n- ".join(problems)
        )
