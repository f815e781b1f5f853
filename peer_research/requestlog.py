"""A request id for every request, logging to stderr, and the caller's address."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from flask import Flask, Response, g, request

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class RequestInfo:
    """Who is asking and which request it is, for logs and the audit trail."""

    request_id: str
    address: str


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


class RequestIdFilter(logging.Filter):
    """Add the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach request_id ("-" outside a request)."""
        info = current_request.get()
        record.request_id = info.request_id if info else "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is now (not what it was at start-up)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        """Return the current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """Ignore: the stream is always the current standard error."""


def configure_logging(level: str) -> None:
    """Send logs to stderr with the request id on every line."""
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "peer_research", False)]
    handler.peer_research = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # WeasyPrint logs every step of every PDF at INFO; only its warnings are worth reading.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Give each request an id, log it when it ends, and echo the id in a header."""
    configure_logging(app.config["LOG_LEVEL"])
    access_log = logging.getLogger("peer_research.requests")

    @app.before_request
    def start_request() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        g.request_info = RequestInfo(request_id=request_id, address=request.remote_addr or "")
        g.request_token = current_request.set(g.request_info)

    def log_answer(status: int) -> None:
        """Write the request's line, once."""
        if "request_started" not in g or g.get("request_logged"):
            return
        g.request_logged = True
        elapsed_ms = (time.perf_counter() - g.request_started) * 1000
        access_log.info("%s %s %s %.1fms", request.method, request.path, status, elapsed_ms)

    @app.after_request
    def finish_request(response: Response) -> Response:
        info = g.get("request_info")
        if info is not None:
            response.headers["X-Request-ID"] = info.request_id
            log_answer(response.status_code)
        return response

    @app.teardown_request
    def forget_request(_exc: BaseException | None) -> None:
        # An error that even the error page could not handle skips after_request; the
        # server answers 500 for it, so that is what the log says.
        log_answer(500)
        token = g.pop("request_token", None)
        if token is not None:
            current_request.reset(token)
