"""Long lists are shown a page at a time: which page was asked for, and whether more follow."""

from __future__ import annotations

from flask import request

MAX_PAGE = 10_000


def requested_page() -> int:
    """Return the page number asked for in `?page=`, at least 1 (anything else is page 1)."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, MAX_PAGE))


def page_of(rows: list, per_page: int) -> tuple[list, bool]:
    """Split rows fetched with one extra (per_page + 1) into the page and whether more follow."""
    return rows[:per_page], len(rows) > per_page
