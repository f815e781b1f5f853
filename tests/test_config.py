"""The app refuses to start unsafely, and says what to set."""

from __future__ import annotations

import pytest

from peer_research import create_app
from peer_research.config import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Remove any configuration from the environment."""
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "PEER_RESEARCH_SECRET_KEY",
        "PEER_RESEARCH_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_refuses_to_start_without_secret_key_and_database(tmp_path):
    with pytest.raises(ConfigError) as error:
        create_app(instance_path=str(tmp_path))
    assert "PEER_RESEARCH_SECRET_KEY" in str(error.value)
    assert "PEER_RESEARCH_DATABASE_URL" in str(error.value)


@pytest.mark.parametrize("secret", ["dev", "short-secret", "changeme"])
def test_refuses_a_weak_secret_key(tmp_path, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": secret, "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))


def test_reads_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_RESEARCH_SECRET_KEY", "e" * 64)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PEER_RESEARCH_SIGN_IN_MAX_FAILURES", "7")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SIGN_IN_MAX_FAILURES"] == 7
    assert app.config["DATABASE_URL"] == "sqlite://"


def test_demo_mode_makes_its_own_key_and_database(tmp_path):
    app = create_app({"DEMO": True}, instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'peer-research.sqlite'}"
    assert len(app.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
