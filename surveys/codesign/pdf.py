"""The PDF of a version's decision log and changelog, for the group's records and ethics.

The HTML comes from the app's own template; WeasyPrint may fetch nothing but the app's
own static files (the decision log holds members' words, and a crafted URL in them must
never make the server fetch from the network or read other files).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticFilesOnly(URLFetcher):
    """A URL fetcher that serves files from one folder (the app's static files) and refuses
    everything else: other files, http(s), data from elsewhere."""

    def __init__(self, static_folder: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = static_folder.resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return a static file's bytes, or refuse the URL."""
        path = self.path_of(url)
        if path is None:
            raise ValueError(f"only the app's static files may be used in a PDF: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def path_of(self, url: str) -> Path | None:
        """Return the static file a URL names, or None if it names anything else."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


def render_pdf(html: str, *, static_folder: Path) -> bytes:
    """Render an HTML page of the app as an A4 PDF (its own print CSS sets the page)."""
    fetcher = StaticFilesOnly(static_folder)
    document = HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf()
