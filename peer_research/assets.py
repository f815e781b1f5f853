"""Static files are addressed by their content, so browsers keep them for a year.

`url_for("static", filename=...)` adds `?v=` and the first 12 hex digits of the file's
SHA-256; a changed file gets a new address, so a long, immutable cache is safe. A request
without the version (an ES module importing a sibling, say) is revalidated as usual.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

ONE_YEAR = 365 * 24 * 60 * 60


@lru_cache(maxsize=512)
def _fingerprint(folder: Path, filename: str) -> str | None:
    """Return a short hash of a static file's content, or None for no such file.

    Cached for the life of the process: static files change only with a new release.
    """
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    """Version static addresses and let browsers keep versioned files for a year."""
    folder = Path(app.static_folder or ".").resolve()

    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values:
            return
        version = _fingerprint(folder, values.get("filename", ""))
        if version is not None:
            values["v"] = version

    @app.after_request
    def cache_versioned_static_files(response: Response) -> Response:
        if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
