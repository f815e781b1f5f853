"""Shared fixtures: the app, a migrated database, per-test rollback, clients and factories."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session, sessionmaker

from peer_research import create_app
from peer_research.accounts.models import User
from peer_research.accounts.services import create_user
from peer_research.migrate import upgrade
from peer_research.studies.models import Membership, Role, Study
from peer_research.studies.services import add_member, create_study

from support import PASSWORD, config_for_tests, fresh_database_url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of the test database, migrated to the newest revision once."""
    url = fresh_database_url(
        os.environ.get("TEST_DATABASE_URL"), "pr_tests", tmp_path_factory.mktemp("db")
    )
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return the application configured for tests."""
    app = create_app(
        config_for_tests(database_url), instance_path=str(tmp_path_factory.mktemp("instance"))
    )
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """Give the app a session inside an outer transaction that is rolled back after the test."""
    app_database = app.extensions["database"]
    connection = app_database.engine.connect()
    outer = connection.begin()
    original_factory = app_database.session_factory
    app_database.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = app_database.session_factory()
    try:
        yield session
    finally:
        session.close()
        app_database.session_factory = original_factory
        outer.rollback()
        connection.close()


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts unless told not to."""

    def post(self, *args, csrf: bool = True, **kwargs):
        """POST, adding the session's CSRF token to form data."""
        data = kwargs.get("data")
        if csrf and "json" not in kwargs and (data is None or isinstance(data, dict)):
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(data or {})}
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        """Return a token for this client's session, as Flask-WTF would make it."""
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    """Return a test client whose requests use the rolled-back test session."""
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """Return a runner for the app's command-line commands."""
    return app.test_cli_runner()


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def sign_in(self, user: User) -> None:
        """Sign in as the user through the real sign-in form."""
        response = self.client.post(
            "/sign-in", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    def sign_out(self) -> None:
        """Sign out."""
        self.client.post("/sign-out")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Return helpers that sign the test client in and out."""
    return AuthActions(client)


_numbers = itertools.count(1)


@pytest.fixture
def make_user(app: Flask, db_session: Session):
    """Return a factory that creates an account (password PASSWORD)."""

    def make(username: str | None = None, **fields) -> User:
        number = next(_numbers)
        fields.setdefault("display_name", f"Person {number}")
        with app.app_context():  # hashing reads the configured cost
            user = create_user(
                db_session, username=username or f"person{number}", password=PASSWORD, **fields
            )
        db_session.commit()
        return user

    return make


@pytest.fixture
def make_study(db_session: Session):
    """Return a factory that creates a study."""

    def make(slug: str | None = None, title: str = "Carers' voices") -> Study:
        study = create_study(
            db_session, slug=slug or f"study-{next(_numbers)}", title=title, created_by=None
        )
        db_session.commit()
        return study

    return make


@pytest.fixture
def make_member(db_session: Session, make_user, make_study):
    """Return a factory that creates a person holding roles in a study."""

    def make(study: Study | None = None, roles=(Role.CO_RESEARCHER,), **user_fields) -> Membership:
        membership = add_member(
            db_session,
            study=study or make_study(),
            user=make_user(**user_fields),
            roles=roles,
            added_by=None,
        )
        db_session.commit()
        return membership

    return make


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps the messages it is given."""

    sent: list = []  # noqa: RUF012  (replaced per test by the outbox fixture)
    refuse = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if self.refuse:
            raise ConnectionRefusedError(f"{host}:{port} refused")

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def starttls(self) -> None:
        """Pretend to start TLS."""

    def login(self, _user: str, _password: str) -> None:
        """Pretend to log in."""

    def send_message(self, message) -> None:
        """Keep the message."""
        self.sent.append(message)


@pytest.fixture
def outbox(app: Flask, monkeypatch) -> list:
    """Configure a mail server and return the list of e-mails the app sends."""
    sent: list = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(FakeSMTP, "sent", sent)
    monkeypatch.setattr(FakeSMTP, "refuse", False)
    monkeypatch.setattr("peer_research.mail.smtplib.SMTP", FakeSMTP)
    return sent


@pytest.fixture
def broken_mail_server(outbox, monkeypatch) -> None:
    """Configure a mail server that refuses connections."""
    monkeypatch.setattr(FakeSMTP, "refuse", True)
