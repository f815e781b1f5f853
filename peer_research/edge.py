"""What arrives at the edge: NUL bytes taken out of text, ids no database can hold refused.

Every request goes through here before any view runs, so no service ever sees a NUL byte
(PostgreSQL cannot store one in text or JSON) or an id outside PostgreSQL's `integer`.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from flask.wrappers import Request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

# Ids are PostgreSQL `integer` columns on both databases: an id above this names nothing.
MAX_ID = 2**31 - 1
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return text without NUL bytes and with lone surrogates replaced (neither can be stored)."""
    return _SURROGATES.sub("\ufffd", value.replace("\x00", ""))


def clean_json(value: Any) -> Any:
    """Return a JSON value with every string in it cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_json(item) for key, item in value.items()}
    return value


def parse_id(value: object, *, minimum: int = 1) -> int | None:
    """Return the id (or revision) a query string or form field names, None if none can have it."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if minimum <= number <= MAX_ID else None


class CleanMultiDict(ImmutableMultiDict):
    """Form fields and query strings, with NUL bytes taken out of every name and text value."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else []
        super().__init__(
            [
                (clean_text(key), clean_text(value) if isinstance(value, str) else value)
                for key, value in pairs
            ]
        )


class CleanRequest(Request):
    """A request whose form fields, query string and JSON body carry no NUL bytes."""

    parameter_storage_class = CleanMultiDict

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """Return the JSON body with every string in it cleaned."""
        return clean_json(super().get_json(force=force, silent=silent, cache=cache))


class DatabaseIdConverter(IntegerConverter):
    """The `<int:...>` URL part: a positive id that fits PostgreSQL's `integer`, else not found."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def refuse_nul_in_address() -> None:
    """Answer 400 to an address with a NUL byte: no page has one, and it cannot be looked up."""
    if "\x00" in request.path:
        abort(400, _("This web address has a character that cannot be in one. Check the link."))


def init_app(app: Flask) -> None:
    """Clean every request's text and bound every id before routes and access rules see them."""
    app.request_class = CleanRequest
    # Replacing the `int` converter itself means every `<int:...>` route uses it, including
    # ones added later, with nothing to remember. Set before any blueprint registers.
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_nul_in_address)
