"""Interface languages through Flask-Babel (English for now; catalogues come later)."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import Babel

SUPPORTED_LOCALES = ("en",)

babel = Babel()


def select_locale() -> str:
    """Pick the best supported language from the browser's preferences."""
    if not has_request_context():
        return SUPPORTED_LOCALES[0]
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or SUPPORTED_LOCALES[0]


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our translations folder."""
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
