"""The append-only audit log of security-relevant events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask

# The app factory's hook that says what entries are about (a suggestion, a questionnaire):
# it takes a page of events and returns, by event id, the words and the page to open (or
# None). The audit log knows no domain above it, so a higher package names its records.
NAME_SUBJECTS = "audit.name_subjects"

SubjectNamer = Callable[[Sequence[Any]], dict[int, tuple[str, str | None]]]


def init_app(app: Flask, *, name_subjects: SubjectNamer | None = None) -> None:
    """Register how the activity log names what its entries are about."""
    app.extensions[NAME_SUBJECTS] = name_subjects
