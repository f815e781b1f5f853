"""Helpers every template can use: dates, navigation, and the page that shows a secret link."""

from __future__ import annotations

from datetime import datetime

import segno
from flask import Flask, g, render_template
from flask_babel import format_datetime
from flask_login import current_user
from markupsafe import Markup


def when(value: datetime | None) -> str:
    """Format a date and time for people (day, month, year and time)."""
    return format_datetime(value, "d MMMM yyyy, HH:mm") if value else ""


def qr_code_svg(url: str, title: str) -> Markup:
    """Return an inline SVG QR code for a link, for printing or scanning from the screen."""
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, title=title, omitsize=True)
    return Markup(svg)  # noqa: S704  (segno escapes the title; the rest is generated markup)


def show_link(template: str, *, url: str, title: str, **context):
    """Render a page that shows a secret link once: text to copy, a QR code and print button."""
    return render_template(template, link=url, qr_code=qr_code_svg(url, title), **context)


def init_app(app: Flask) -> None:
    """Register the filters and the values every page needs."""
    app.add_template_filter(when)

    @app.context_processor
    def page_context() -> dict:
        return {
            "current_study": g.get("study"),
            "current_membership": g.get("membership"),
            "current_user": current_user,
        }
