"""The peer-research command: demo, migrations, administrators and studies for scripted set-ups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from peer_research.cli import main
from peer_research.migrate import head_revision


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Return a function that runs the command against a fresh SQLite database."""
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PEER_RESEARCH_SECRET_KEY", "c" * 64)
    monkeypatch.setenv("PEER_RESEARCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("PEER_RESEARCH_PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("PEER_RESEARCH_PASSWORD_HASH_MEMORY_COST", "64")
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    return run


def rows(tmp_path, query: str) -> list[tuple]:
    """Read rows straight from the CLI's database file."""
    with sqlite3.connect(tmp_path / "cli.sqlite") as connection:
        return connection.execute(query).fetchall()


def set_up_demo(folder: Path, *options: str):
    """Run `peer-research demo --no-serve` into a folder and return the result."""
    return CliRunner().invoke(
        main, ["demo", "--no-serve", *options, "--instance", str(folder)], catch_exceptions=False
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Set up one demo instance for the module (seeding is slow); return its folder and output."""
    folder = tmp_path_factory.mktemp("demo")
    return folder, set_up_demo(folder, "--port", "5123")


def test_demo_sets_up_an_instance_and_prints_how_to_sign_in(demo):
    folder, result = demo
    assert result.exit_code == 0
    assert "open http://localhost:5123/" in result.output
    assert "sam    / demo sam river lantern" in result.output
    assert (folder / "peer-research.sqlite").exists()


def test_demo_can_be_set_up_twice_in_the_same_folder(demo):
    folder, first = demo
    assert first.exit_code == 0
    again = set_up_demo(folder)
    assert again.exit_code == 0
    assert (folder / "peer-research.sqlite").exists()


def test_db_current_reports_the_revision(cli):
    result = cli("db", "current")
    assert f"database: {head_revision()}" in result.output


def test_create_admin_then_a_study_with_that_facilitator(cli, tmp_path):
    result = cli(
        "create-admin",
        "--username",
        "root",
        "--name",
        "Site Admin",
        "--password-stdin",
        stdin="a long admin passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert rows(tmp_path, "SELECT username, is_site_admin FROM users") == [("root", 1)]
    result = cli(
        "study", "create", "carers-2026", "--title", "Carers 2026", "--facilitator", "root"
    )
    assert result.exit_code == 0, result.output
    assert rows(tmp_path, "SELECT role FROM membership_roles") == [("facilitator",)]


def test_create_admin_refuses_a_weak_password(cli, tmp_path):
    result = cli(
        "create-admin",
        "--username",
        "root",
        "--name",
        "Admin",
        "--password-stdin",
        stdin="password\n",
    )
    assert result.exit_code == 1
    assert "too common" in result.output
    assert rows(tmp_path, "SELECT * FROM users") == []


def test_study_create_with_unknown_facilitator_creates_nothing(cli, tmp_path):
    result = cli("study", "create", "carers-2026", "--title", "Carers", "--facilitator", "nobody")
    assert result.exit_code == 1
    assert "No account with the username 'nobody'" in result.output
    assert rows(tmp_path, "SELECT * FROM studies") == []


def test_study_create_refuses_a_bad_address(cli):
    result = cli("study", "create", "Bad Slug", "--title", "Carers")
    assert result.exit_code == 1
    assert "lower-case letters" in result.output


def test_serve_refuses_to_start_without_configuration(monkeypatch):
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "PEER_RESEARCH_SECRET_KEY",
        "PEER_RESEARCH_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "PEER_RESEARCH_SECRET_KEY" in result.output


def test_commands_start_without_weasyprint_and_its_log_lines(tmp_path):
    """Building the app and asking for help load no PDF library and print nothing of it."""
    script = (
        "import sys\n"
        "from peer_research import create_app\n"
        "from peer_research.cli import main\n"
        f"create_app({{'TESTING': True}}, instance_path={str(tmp_path)!r})\n"
        "assert 'weasyprint' not in sys.modules, 'WeasyPrint was imported at start-up'\n"
        "sys.argv = ['peer-research', '--help']\n"
        "main()\n"
    )
    # Our own interpreter running our own script: a fresh process sees what start-up loads.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: peer-research" in done.stdout
    assert "weasyprint" not in (done.stdout + done.stderr).lower()


def test_demo_says_whether_it_starts_fresh_or_keeps_earlier_changes(demo):
    """The first run says it is fresh; a second run says it keeps what was done."""
    folder, first = demo
    assert "This is a fresh demo" in first.output
    assert "keeps what was done in it before" not in first.output
    again = set_up_demo(folder)
    assert "This demo keeps what was done in it before" in again.output
    assert "To start fresh, delete that folder or give another one with --instance." in again.output
    assert "This is a fresh demo" not in again.output


def test_the_demo_story_has_dates_in_the_right_order(demo):
    """Nothing is decided before it was suggested; the version follows its decision."""
    folder, _result = demo
    database = folder / "peer-research.sqlite"
    with sqlite3.connect(database) as connection:
        one = lambda query: connection.execute(query).fetchone()  # noqa: E731
        studied = one("SELECT created_at FROM studies")[0]
        imported = one("SELECT created_at FROM questionnaires")[0]
        rule_set = one("SELECT MIN(set_at) FROM decision_rules")[0]
        first_opened = one("SELECT MIN(opened_at) FROM proposals")[0]
        assert studied < imported <= rule_set < first_opened
        for opened, decided in connection.execute(
            "SELECT p.opened_at, d.decided_at FROM decisions d JOIN polls p ON p.id = d.poll_id"
        ):
            assert opened < decided
        late_votes = one(
            "SELECT COUNT(*) FROM votes v JOIN polls p ON p.id = v.poll_id "
            "WHERE v.cast_at < p.opened_at OR (p.closed_at IS NOT NULL AND v.cast_at > p.closed_at)"
        )[0]
        assert late_votes == 0
        published, decided = one(
            "SELECT v.published_at, d.decided_at FROM questionnaire_versions v, decisions d "
            "JOIN polls p ON p.id = d.poll_id WHERE p.subject = 'publish'"
        )
        assert decided <= published
        suggested = one("SELECT opened_at FROM proposals WHERE target_name = 'gets_help'")[0]
        applied = one("SELECT decided_at FROM decisions WHERE proposal_id IS NOT NULL")[0]
        assert suggested < applied < published
        comments = connection.execute("SELECT created_at FROM comments").fetchall()
        assert comments and all(first_opened < when for (when,) in comments)
        newest = max(
            one("SELECT MAX(at) FROM audit_events")[0],
            one("SELECT MAX(created_at) FROM comments")[0],
        )
    assert newest <= datetime.now(UTC).isoformat(sep=" ")


def test_the_demo_has_support_check_ins_and_one_alert_for_the_support_lead(demo):
    """Pat's check-ins, the study's two kinds of support, and one new alert for Alex."""
    folder, _result = demo
    with sqlite3.connect(folder / "peer-research.sqlite") as connection:
        scores = connection.execute(
            "SELECT c.kind, c.score FROM wellbeing_check_ins c JOIN users u "
            "ON u.id = c.interviewer_id WHERE u.username = 'pat' ORDER BY c.given_at"
        ).fetchall()
        resources = connection.execute("SELECT COUNT(*) FROM wellbeing_support_resources")
        alerts = connection.execute("SELECT cause, state FROM wellbeing_alerts").fetchall()
        told = connection.execute(
            "SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id "
            "WHERE n.topic = 'wellbeing_alert'"
        ).fetchall()
        assert resources.fetchone()[0] == 2
    assert scores == [("before", 4), ("after", 4), ("before", 4), ("after", 2)]
    assert alerts == [("low_score", "new")]
    assert told == [("alex",)]
