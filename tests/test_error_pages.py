"""Error pages never fail, every answer is logged, and GET pages write only when they say so."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from peer_research.audit.services import Action, record
from peer_research.db import WriteInReadOnlyRequest, db, request_may_write


def locked(*_args, **_kwargs):
    """Fail as SQLite does when another writer holds the lock for too long."""
    raise OperationalError("INSERT INTO comments ...", {}, Exception("database is locked"))


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the request log's lines."""
    return [r.getMessage() for r in caplog.records if r.name == "peer_research.requests"]


def test_busy_database_gets_the_busy_page_in_the_site_layout(client, monkeypatch, caplog) -> None:
    """A locked database answers 503 with the busy page, and the answer is logged."""
    caplog.set_level(logging.INFO, logger="peer_research.requests")
    monkeypatch.setattr("peer_research.accounts.views.render_template", locked)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, the service is busy" in page
    assert "govuk-skip-link" in page  # the site layout, not a bare error
    assert "GET / 503" in " ".join(logged(caplog))


def test_an_error_page_that_cannot_render_falls_back_to_a_plain_one(
    client, monkeypatch, caplog
) -> None:
    """When even the layout fails (the database is down), a plain page still answers."""
    caplog.set_level(logging.INFO, logger="peer_research.requests")
    monkeypatch.setattr("peer_research.accounts.views.render_template", locked)
    monkeypatch.setattr("peer_research.errors.render_template", locked)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "<h1>Sorry, the service is busy</h1>" in page
    assert "Please wait a moment and try again." in page
    assert "GET / 503" in " ".join(logged(caplog))


def test_a_lost_race_on_a_unique_record_is_a_clear_answer(client, monkeypatch) -> None:
    """A unique-constraint race (the other request won) says so, with a 409, not a 500."""

    def raced(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO votes ...", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr("peer_research.accounts.views.render_template", raced)
    response = client.get("/")
    assert response.status_code == 409
    assert "someone else changed the same thing at the same moment" in response.get_data(
        as_text=True
    )


def test_an_answer_even_the_error_handler_could_not_give_is_logged(
    client, monkeypatch, caplog
) -> None:
    """The server's own 500, when the error handler itself fails, still has its log line."""
    caplog.set_level(logging.INFO, logger="peer_research.requests")
    monkeypatch.setattr("peer_research.accounts.views.render_template", locked)
    monkeypatch.setattr("peer_research.errors.render_template", locked)
    monkeypatch.setattr("peer_research.errors._plain_page", locked)
    with pytest.raises(OperationalError):
        client.get("/")
    assert "GET / 500" in " ".join(logged(caplog))


def write_an_audit_entry() -> None:
    """Write something to the database in the current request."""
    record(db.session, Action.SIGNED_OUT)
    db.session.flush()


def test_get_pages_write_only_inside_db_writing(app, db_session) -> None:
    """A GET page's write outside `db.writing()` is flagged; inside it, it may write."""
    with app.test_request_context("/", method="GET"):
        assert not request_may_write()
        with pytest.warns(WriteInReadOnlyRequest, match="GET / writes outside"):
            write_an_audit_entry()
    with app.test_request_context("/", method="GET"):
        with db.writing() as session:
            assert request_may_write()
            record(session, Action.SIGNED_OUT)
        assert not request_may_write()
    with app.test_request_context("/", method="POST"):
        assert request_may_write()
        db.only_reading()
        assert not request_may_write()
