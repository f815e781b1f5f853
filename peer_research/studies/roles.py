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

# What each role can do in the app today: nothing that is not built yet is promised.
ROLE_DESCRIPTIONS = {
    Role.FACILITATOR: _l(
        "Invites people, chooses what each person does here and sets up how the group "
        "decides. Suggests changes, comments and votes like everyone in the group, and "
        "sees the fieldwork (the interviews that came in, and any held back) and the consent "
        "register (who agreed to what, by participant code, and who withdrew)."
    ),
    Role.CO_RESEARCHER: _l(
        "Starts questionnaires and shapes them, and the consent form, with the group: "
        "suggests changes, comments and votes."
    ),
    Role.PEER_RESEARCHER: _l(
        "Takes consent and interviews people on a tablet, also without a connection, and "
        "sends them in. Shapes the questionnaire with the group: suggests changes, "
        "comments and votes."
    ),
    Role.ACADEMIC_PARTNER: _l(
        "Shapes the questionnaire with the group: suggests changes, comments and votes."
    ),
    Role.SUPPORT_LEAD: _l(
        "Reads the questionnaire, the suggestions and what the group decided. Does not vote."
    ),
}


def role_name(role: Role | str) -> str:
    """Return the plain-language name of a role."""
    return str(ROLE_NAMES[Role(role)])


def role_list(roles) -> str:
    """Return role names joined for reading, in a stable order."""
    return ", ".join(role_name(role) for role in sorted(Role(r) for r in roles))


def role_hints() -> list[dict]:
    """Return each role's description, in the order of the role checkboxes, as their hints."""
    return [{"hint": {"text": str(ROLE_DESCRIPTIONS[role])}} for role in Role]


def init_app(app: Flask) -> None:
    """Let every template name roles and describe them."""
    app.add_template_filter(role_name)
    app.add_template_filter(role_list)

    @app.context_processor
    def role_context() -> dict:
        return {"Role": Role, "role_descriptions": ROLE_DESCRIPTIONS, "role_hints": role_hints}
