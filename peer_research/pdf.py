"""PDFs of the app's own pages (decision logs now; consent copies and reports later).

The HTML comes from the app's own templates; WeasyPrint may fetch nothing but the app's
own static files (the pages hold people's words, and a crafted URL in them must never make
the server fetch from the network or read other files), and the pictures the caller hands
over by name (`images`: a signature, an easy-read picture kept in the database), which the
page names as `app-image:<name>`. WeasyPrint is imported when the first PDF is made: it
takes about half a second and most commands never need it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

IMAGE_SCHEME = "app-image:"  # how a page names a picture handed to render_pdf
# A picture handed over by name: its bytes and its content type.
Images = Mapping[str, tuple[bytes, str]]


def render_pdf(html: str, *, static_folder: Path, images: Images | None = None) -> bytes:
    """Render an HTML page of the app as an A4 PDF (its own print CSS sets the page); the
    page may show the `images` as `<img src="app-image:<name>">`."""
    from weasyprint import HTML

    fetcher = static_files_fetcher(static_folder, images=images)
    root = static_folder.resolve().as_uri() + "/"
    return HTML(string=html, base_url=root, url_fetcher=fetcher).write_pdf()


def static_file_path(url: str, root: Path) -> Path | None:
    """Return the file under `root` that a URL names, or None if it names anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def static_files_fetcher(static_folder: Path, *, images: Images | None = None) -> URLFetcher:
    """Return a WeasyPrint URL fetcher that serves files from one folder and the pictures
    handed over by name, and refuses everything else: other files, http(s), data: URLs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_folder.resolve()
    named = dict(images or {})

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            """Return a static file's or a named picture's bytes, or refuse the URL."""
            if url.startswith(IMAGE_SCHEME) and url[len(IMAGE_SCHEME) :] in named:
                data, content_type = named[url[len(IMAGE_SCHEME) :]]
                return URLFetcherResponse(url, data, {"Content-Type": content_type})
            path = static_file_path(url, root)
            if path is None:
                raise ValueError(f"only the app's static files may be used in a PDF: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly(allowed_protocols=("file",), allow_redirects=False)
