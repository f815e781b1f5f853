"""Domain exceptions and the error pages shown for HTTP errors."""

from __future__ import annotations

import logging
from html import escape

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import (
    Conflict,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from peer_research.db import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was not met; `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_TITLES = {
    400: "Something was wrong with that request",
    401: "Please sign in again",
    403: "You cannot open this page",
    404: "Page not found",
    405: "That action is not possible here",
    409: "Someone else changed this at the same moment",
    410: "This link no longer works",
    413: "That was too large to send",
    415: "That was not sent as JSON",
    429: "Too many attempts",
    500: "Sorry, something went wrong on our side",
    503: "Sorry, the service is busy",
}


def init_app(app: Flask) -> None:
    """Show every HTTP error in the site's layout, without technical detail."""
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(IntegrityError, _changed_at_the_same_moment)
    app.register_error_handler(StaleDataError, _changed_at_the_same_moment)
    app.register_error_handler(Exception, _unexpected_error)


def render_http_error(error: HTTPException):
    """Render the error page for an HTTP error; never fail (a plain page is the last resort)."""
    if isinstance(error, CSRFError):
        message = _(
            "This form was open too long or was sent twice. Go back, reload the page "
            "and try again. Nothing was changed."
        )
    else:
        message = error.description if _has_own_description(error) else None
    code = error.code or 500
    if wants_json():
        return (
            {
                "type": "about:blank",
                "title": _(ERROR_TITLES.get(code, "Error")),
                "status": code,
                "detail": message,
            },
            code,
            {"Content-Type": "application/problem+json"},
        )
    title = _(ERROR_TITLES.get(code, "Something was wrong with that request"))
    session = g.get("db_session")
    if session is not None and not session.is_active:
        _roll_back()  # a failed flush: the page's header would raise again on reading
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception:  # the layout reads the database (who is signed in), which may be down
        log.exception("could not render the %s page; sending the plain one", code)
        _roll_back()
        return _plain_page(title, message), code, {"Content-Type": "text/html; charset=utf-8"}


def _plain_page(title: str, message: str | None) -> str:
    """Return a minimal error page that needs neither the database nor the templates."""
    paragraph = f"<p>{escape(str(message))}</p>" if message else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><h1>{escape(title)}</h1>{paragraph}"
        f'<p><a href="/">{escape(_("Go to the start page"))}</a></p></body></html>'
    )


def _roll_back() -> None:
    """Roll the request's database session back, so that the error page can read again."""
    db.only_reading()  # the page reads who is signed in; it must not queue for writing
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # the connection is gone: start again with a fresh one
        log.warning("could not roll back after an error", exc_info=True)
        session.close()


def wants_json() -> bool:
    """Tell whether the caller is a script expecting JSON rather than a person."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best in ("application/json", "application/problem+json")
    )


def _has_own_description(error: HTTPException) -> bool:
    """Tell whether the code that raised the error gave a message meant for people."""
    return error.description != type(error).description


def _database_unavailable(error: OperationalError):
    """Answer 503 when the database is busy or unreachable, rather than a stack trace."""
    log.exception("database error", exc_info=error)
    _roll_back()
    return render_http_error(ServiceUnavailable(_("Please wait a moment and try again.")))


def _changed_at_the_same_moment(error: Exception):
    """Answer 409 when another request changed the same records first (a lost race)."""
    log.warning("a write lost a race with another: %s", error)
    _roll_back()
    return render_http_error(
        Conflict(
            _(
                "Nothing of yours was saved, because someone else changed the same thing at "
                "the same moment. Go back, reload the page and try again."
            )
        )
    )


def _unexpected_error(error: Exception):
    """Log the error and show the 500 page."""
    if isinstance(error, HTTPException):
        return render_http_error(error)
    log.exception("unhandled error", exc_info=error)
    _roll_back()
    return render_http_error(InternalServerError())
