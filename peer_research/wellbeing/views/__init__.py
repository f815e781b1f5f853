"""The wellbeing pages: alerts for support leads (and escalated ones for facilitators), the
interviewer's own history, the facilitators' summary, and the study's wellbeing settings.

One blueprint under `/studies/<slug>/wellbeing/`; the modules add their routes when
imported.
"""

from flask import Blueprint

blueprint = Blueprint("wellbeing", __name__)
WELLBEING = "/studies/<study_slug>/wellbeing"
INTERVIEWER_PAGES = frozenset(
    f"wellbeing.{name}"
    for name in ("show_mine", "set_limit", "show_my_check_in", "add_to_my_note", "hide_my_note")
)


def wellbeing_home(endpoint: str, roles) -> str:
    """Return the navigation link a wellbeing page belongs under, for the caller's roles."""
    if endpoint in INTERVIEWER_PAGES:
        return "wellbeing.show_mine"
    if "support_lead" in {getattr(role, "value", role) for role in roles}:
        return "wellbeing.list_alerts"
    return "wellbeing.show_summary"


@blueprint.context_processor
def navigation() -> dict:
    """Let the study navigation mark the wellbeing link the page belongs under."""
    return {"wellbeing_home": wellbeing_home}


from peer_research.wellbeing.views import alerts, mine, settings, summary  # noqa: E402, F401
