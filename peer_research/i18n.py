"""Interface languages through Flask-Babel (English for now; catalogues come later)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

SUPPORTED_LOCALES = ("en",)

babel = Babel()


def select_locale() -> str:
    """Pick the best supported language from the browser's preferences."""
    if not has_request_context():
        return SUPPORTED_LOCALES[0]
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or SUPPORTED_LOCALES[0]


def template_gettext() -> dict[str, Callable]:
    """Give one rendering `gettext` and `ngettext` bound to the translations of its language.

    They behave like Jinja's new-style gettext that Flask-Babel installs (escaping, and
    `%(name)s` filled from keyword arguments), but find the translations once per page
    rather than once per string, which is most of what a page costs to render.
    Rendered inside `force_locale` (an e-mail in its reader's language), they use that.
    """
    translations = get_translations()

    @pass_context
    def gettext(context: Context, message: str, **variables) -> str:
        return _filled(context, translations.ugettext(message), variables)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return _filled(context, translations.ungettext(singular, plural, num), variables)

    return {"gettext": gettext, "ngettext": ngettext}


def _filled(context: Context, text: str, variables: dict) -> str:
    """Fill a translated text's `%(name)s` places; escape the values in HTML templates."""
    if context.eval_ctx.autoescape:
        # The text is ours (a message of the templates or of the catalogues), as in Jinja's
        # own gettext; the values put into it are escaped by Markup's `%`.
        text = Markup(text)  # noqa: S704
    return text % variables


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our translations folder, and the templates' gettext."""
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    app.context_processor(template_gettext)
