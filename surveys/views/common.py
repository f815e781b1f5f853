"""Helpers shared by the questionnaire views."""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _

from peer_research.access import members_with
from peer_research.db import db
from peer_research.studies.models import Role
from surveys import services
from surveys.models import Questionnaire

# Who shapes the draft until the co-design workflow replaces direct editing.
DESIGN_GROUP = members_with(Role.FACILITATOR, Role.CO_RESEARCHER)
# Who may suggest changes and vote: everyone in the co-design group, whatever their role.
CO_DESIGN_GROUP = members_with(
    Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER, Role.ACADEMIC_PARTNER
)


def questionnaire_or_404(questionnaire_id: int) -> Questionnaire:
    """Return a questionnaire of the current study, or answer 404."""
    questionnaire = services.get_study_questionnaire(
        db.session, study=g.study, questionnaire_id=questionnaire_id
    )
    if questionnaire is None:
        abort(404, _("That questionnaire is not part of this study."))
    return questionnaire


def may_edit() -> bool:
    """Tell whether the current member is in the design group."""
    return g.membership.has_any_role(DESIGN_GROUP.study_roles)


def may_suggest() -> bool:
    """Tell whether the current member may suggest changes (the whole co-design group)."""
    return g.membership.has_any_role(CO_DESIGN_GROUP.study_roles)


def is_facilitator() -> bool:
    """Tell whether the current member runs the study."""
    return Role.FACILITATOR in g.membership.roles


def hidden_revision(value: str | None) -> int | None:
    """Read the draft revision a page was opened at from its hidden field (None if mangled)."""
    return int(value) if value and value.isdigit() else None
