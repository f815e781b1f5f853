"""Read the audit log: a study's for its facilitators, the whole site's for administrators."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from peer_research.access import FACILITATORS, SITE_ADMIN, allow
from peer_research.audit import NAME_SUBJECTS
from peer_research.audit.services import describe, site_events, study_events
from peer_research.db import db
from peer_research.paging import requested_page

blueprint = Blueprint("audit", __name__)
PER_PAGE = 50


def subjects_of(events: list) -> dict[int, tuple[str, str | None]]:
    """Return what each event is about (words and a link), as the app factory's hook says."""
    name_subjects = current_app.extensions.get(NAME_SUBJECTS)
    return name_subjects(events) if name_subjects and events else {}


@blueprint.get("/studies/<study_slug>/activity")
@allow(FACILITATORS)
def list_study_events():
    """Show the study's audit log, newest first."""
    page = requested_page()
    events = study_events(db.session, g.study, page=page, per_page=PER_PAGE + 1)
    return render_template(
        "audit/events.html",
        events=events[:PER_PAGE],
        subjects=subjects_of(events[:PER_PAGE]),
        page=page,
        has_next=len(events) > PER_PAGE,
        describe=describe,
        heading_scope="study",
    )


@blueprint.get("/admin/activity")
@allow(SITE_ADMIN)
def list_site_events():
    """Show every audit event on the site, newest first."""
    page = requested_page()
    events = site_events(db.session, page=page, per_page=PER_PAGE + 1)
    return render_template(
        "audit/events.html",
        events=events[:PER_PAGE],
        subjects=subjects_of(events[:PER_PAGE]),
        page=page,
        has_next=len(events) > PER_PAGE,
        describe=describe,
        heading_scope="site",
    )
