"""Domain exceptions and the error pages shown for HTTP errors."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was not met; `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_TITLES = {
    400: "Something was wrong with that request",
    403: "You cannot open this page",
    404: "Page not found",
    405: "That action is not possible here",
    410: "This link no longer works",
    413: "That was too large to send",
    429: "Too many attempts",
    500: "Sorry, something went wrong on our side",
    503: "Sorry, the service is busy",
}


def init_app(app: Flask) -> None:
    """Show every HTTP error in the site's layout, without technical detail."""
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)


def render_http_error(error: HTTPException):
    """Render the error page for an HTTP error."""
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
    page = render_template(
        "errors/error.html",
        code=code,
        title=_(ERROR_TITLES.get(code, "Something was wrong with that request")),
        message=message,
    )
    return page, code


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
    return render_http_error(ServiceUnavailable(_("Please wait a moment and try again.")))


def _unexpected_error(error: Exception):
    """Log the error and show the 500 page."""
    if isinstance(error, HTTPException):
        return render_http_error(error)
    log.exception("unhandled error", exc_info=error)
    return render_http_error(InternalServerError())
