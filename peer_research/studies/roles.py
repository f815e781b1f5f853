"""What each study role is called and does, in plain words, for forms and templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from peer_research.studies.models import Role

ROLE_NAMES = {
    Role.FACILITATOR: _l("Facilitator"),
    Role.CO_RESEARCHER: _l("Co-researcher"),
    Role.PEER_RESEARCHER: _l("Peer researcher"),
    Role.ACADEMIC_PARTNER: _l("Academic partner"),
    Role.SUPPORT_LEAD: _l("Support lead"),
}

ROLE_DESCRIPTIONS = {
    Role.FACILITATOR: _l("Runs the study's settings and who is in it"),
    Role.CO_RESEARCHER: _l("Shapes the questions and looks at results together"),
    Role.PEER_RESEARCHER: _l("Interviews people, often on a tablet"),
    Role.ACADEMIC_PARTNER: _l("Reviews results with no names in them"),
    Role.SUPPORT_LEAD: _l("Looks after the interviewers' wellbeing"),
}


def role_name(role: Role | str) -> str:
    """Return the plain-language name of a role."""
    return str(ROLE_NAMES[Role(role)])


def role_list(roles) -> str:
    """Return role names joined for reading, in a stable order."""
    return ", ".join(role_name(role) for role in sorted(Role(r) for r in roles))


def init_app(app: Flask) -> None:
    """Let every template name roles and describe them."""
    app.add_template_filter(role_name)
    app.add_template_filter(role_list)

    @app.context_processor
    def role_context() -> dict:
        return {"Role": Role, "role_descriptions": ROLE_DESCRIPTIONS}
