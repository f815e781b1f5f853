"""Live updates: pages where the group acts refresh themselves when others act.

A live page carries the address of the study's activity fingerprint and its value when
the page was made. static/js/live.js asks for the fingerprint every few seconds (and
when the tab comes back into view); when it has changed, it fetches the page again and
swaps in the new content, unless the person is typing or has moved focus into the
page, in which case it offers a "Show the latest" button instead. Without JavaScript
nothing of this happens and every page works as before: reloading shows the latest.
"""

from __future__ import annotations

from flask import current_app, g, request, url_for

from peer_research.access import ANY_MEMBER, allow
from surveys.codesign import services as codesign
from surveys.views import blueprint

# The pages that follow the group's activity.
LIVE_ENDPOINTS = frozenset(
    {
        "surveys.show_draft",
        "surveys.list_proposals",
        "surveys.show_proposal",
        "surveys.show_decision_log",
    }
)


@blueprint.get("/studies/<study_slug>/live-updates")
@allow(ANY_MEMBER)
def show_activity():
    """Answer the fingerprint of the group's activity in the study (JSON)."""
    response = current_app.json.response({"token": codesign.activity_token(g.study)})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.context_processor
def live_page_context() -> dict:
    """Give live pages the activity address, its value now and how often to ask."""
    if request.endpoint not in LIVE_ENDPOINTS or g.get("study") is None:
        return {}
    return {
        "live_update": {
            "url": url_for("surveys.show_activity", study_slug=g.study.slug),
            "token": codesign.activity_token(g.study),
            "interval": current_app.config["LIVE_UPDATE_SECONDS"],
        }
    }
