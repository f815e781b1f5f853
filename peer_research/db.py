"""Database engine, the per-request session and the declarative base."""

from __future__ import annotations

import enum
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Store timezone-aware UTC datetimes the same way on SQLite and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Refuse naive datetimes and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Return aware UTC datetimes."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A moment that stands in for "now" while set (`clock_at`): only the demo uses it, to give
# its story real dates in the right order. Nothing else sets it.
_moment: ContextVar[datetime | None] = ContextVar("peer_research_moment", default=None)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return _moment.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Let everything written inside the block say it happened at `moment` (the demo's story)."""
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)


def enum_column(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """Return a portable enum column type storing the values (a VARCHAR with a CHECK)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        create_constraint=True,
        name=name,
    )


class Base(DeclarativeBase):
    """Base class for every model; shares the constraint naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class AppendOnly:
    """Mixin for models whose rows are written once and never changed or deleted."""


@sa.event.listens_for(Session, "before_flush")
def refuse_changes_to_append_only_rows(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse to flush a change or deletion of an append-only row (the database refuses too)."""
    for instance in session.deleted:
        if isinstance(instance, AppendOnly):
            raise PermissionError(f"{type(instance).__name__} rows are append-only")
    for instance in session.dirty:
        if isinstance(instance, AppendOnly) and session.is_modified(instance):
            raise PermissionError(f"{type(instance).__name__} rows are append-only")


# How long a SQLite writer waits for the one write lock before the "service busy" page.
# A write holds it for milliseconds (a sign-in for one password check), so ten seconds
# is a queue of hundreds, and well inside gunicorn's 30 s worker timeout.
SQLITE_BUSY_TIMEOUT_MS = 10_000

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WriteInReadOnlyRequest(RuntimeWarning):
    """A GET page wrote outside `db.writing()`: on SQLite it fails when others write."""


def request_may_write() -> bool:
    """Tell whether the transaction starting now may write (see "Writes wait their turn").

    Inside a request: any method but GET, HEAD and OPTIONS, or a `db.writing()` block,
    until `db.only_reading()` (an error page). Commands with the app (no request) may
    write; code with no app at all is taken as reading (migrations, scripts and tests
    manage their own transactions).
    """
    if not has_app_context():
        return False
    if g.get("db_writing"):
        return True
    if g.get("db_only_reading"):
        return False
    return not has_request_context() or request.method not in READ_ONLY_METHODS


def create_db_engine(url: str, **options: Any) -> Engine:
    """Create an engine, with SQLite set up for WAL, foreign keys, savepoints and queued writes."""
    url_object = sa.make_url(url)
    if url_object.get_backend_name() == "sqlite":
        engine = sa.create_engine(url_object, **options)
        _configure_sqlite(engine)
    else:
        engine = sa.create_engine(url_object, pool_pre_ping=True, **options)
    sa.event.listen(engine, "before_cursor_execute", _warn_of_writes_in_read_only_requests)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Turn on foreign keys and WAL, and let SQLAlchemy own transactions (for savepoints)."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    # SQLite's own waiting is polling with sleeps, not a queue: with many threads a writer
    # can lose every round. The threads of one process therefore queue on a lock first,
    # so at most one writer per process polls SQLite for the write lock.
    write_turn = threading.Lock()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # A deferred transaction that has read cannot wait for the write lock: SQLite
        # refuses its first write at once ("database is locked"). A transaction that may
        # write takes the lock as it begins, so it waits its turn (busy_timeout) instead.
        if not request_may_write():
            connection.exec_driver_sql("BEGIN")
            return
        if write_turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            connection.info["write_turn"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            end_write_turn(connection)
            raise

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def end_write_turn(connection: sa.Connection) -> None:
        if connection.info.pop("write_turn", False):
            write_turn.release()


_WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE")


def _warn_of_writes_in_read_only_requests(
    _connection: sa.Connection, _cursor: Any, statement: str, *_args: Any
) -> None:
    """Warn when a GET page writes outside `db.writing()` (the tests turn it into an error)."""
    is_write = statement.lstrip()[:6].upper() in _WRITE_STATEMENTS
    if is_write and has_request_context() and not request_may_write():
        warnings.warn(
            f"{request.method} {request.path} writes outside db.writing(): {statement[:60]}",
            WriteInReadOnlyRequest,
            stacklevel=2,
        )


class AppDatabase:
    """The engine and session factory of one app."""

    def __init__(self, url: str) -> None:
        self.engine = create_db_engine(url)
        self.session_factory: sessionmaker[Session] = sessionmaker(
            bind=self.engine, expire_on_commit=False
        )


class Database:
    """Reach the current app's database: one session per request (or CLI command)."""

    def init_app(self, app: Flask) -> None:
        """Create the engine from DATABASE_URL and close the session after each request."""
        app.extensions["database"] = AppDatabase(app.config["DATABASE_URL"])
        app.teardown_appcontext(self._close_session)

    @property
    def app_database(self) -> AppDatabase:
        """Return the current app's engine and session factory."""
        return current_app.extensions["database"]

    @property
    def engine(self) -> Engine:
        """Return the current app's engine."""
        return self.app_database.engine

    @property
    def session(self) -> Session:
        """Return the session of the current request, creating it on first use."""
        if "db_session" not in g:
            g.db_session = self.app_database.session_factory()
        return g.db_session

    def commit(self) -> None:
        """Commit the request's work: the single commit point, called by views and commands."""
        self.session.commit()

    def only_reading(self) -> None:
        """Say that the rest of this request only reads (an error page), so on SQLite its
        transactions begin without the write lock and never wait for it."""
        g.db_only_reading = True

    def start_writing(self) -> None:
        """End the request's reading so far (nothing is written yet): its next transaction
        may write, and on SQLite takes the write lock as it begins. The view commits."""
        session = self.session
        if session.in_transaction() and not g.get("db_writing"):
            session.commit()
        g.db_writing = True

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """Run a GET page's writes in a transaction of their own, committed at the end.

        The page's reading so far is ended first (nothing is written yet, and loaded
        objects stay loaded), so that on SQLite the writing transaction begins by taking
        the write lock and waits its turn instead of failing. On an error the block's
        writes are rolled back. Pages sent with POST need none of this: they may write.
        """
        session = self.session
        if session.in_transaction() and not g.get("db_writing"):
            session.commit()
        was_writing = g.get("db_writing", False)
        g.db_writing = True
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            g.db_writing = was_writing

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


T = TypeVar("T")


def twice_in_savepoint(
    session: Session, work: Callable[[], T], *, before_again: Callable[[], None] | None = None
) -> T | None:
    """Run `work` in a savepoint; when a unique key clashes (a twin request wrote the same row
    at that moment), run `before_again` and try once more; return None after a second clash."""
    for attempt in range(2):
        try:
            with session.begin_nested():
                return work()
        except sa.exc.IntegrityError:
            if attempt == 0 and before_again is not None:
                before_again()
    return None
