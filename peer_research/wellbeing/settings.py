"""A study's wellbeing settings, its support resources and the interviewers' own limits."""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.studies.models import Role, Study
from peer_research.wellbeing.models import InterviewerLimit, SupportResource, WellbeingSettings
from peer_research.wellbeing.people import WellbeingInputError, require_role
from peer_research.wellbeing.questions import check_questions, default_questions

SETTINGS_EDITORS = frozenset({Role.FACILITATOR, Role.SUPPORT_LEAD})
LOW_SCORES = range(1, 5)  # 5 would alert on every check-in
ESCALATE_HOURS = range(1, 24 * 14 + 1)
MAX_RESOURCES = 30
MAX_LIMIT = 20
RESOURCE_FIELDS = {"title": 200, "description": 5000, "contact": 2000, "opening_hours": 500}


def settings_for(session: Session, study: Study) -> WellbeingSettings:
    """Return the study's settings; the defaults (not yet stored) when it has none."""
    stored = session.get(WellbeingSettings, study.id)
    if stored is not None:
        return stored
    return WellbeingSettings(
        study_id=study.id, questions=default_questions(), low_score=2, escalate_after_hours=24
    )


def update_settings(
    session: Session,
    *,
    study: Study,
    editor: User,
    questions: dict[str, Any] | None = None,
    low_score: int | None = None,
    escalate_after_hours: int | None = None,
) -> WellbeingSettings:
    """Change the study's check-in wording, low score or escalation time (those given)."""
    require_role(session, study=study, user=editor, roles=SETTINGS_EDITORS)
    if questions is not None:
        problems = check_questions(questions)
        if problems:
            raise WellbeingInputError(" ".join(problems), field="questions")
    if low_score is not None and low_score not in LOW_SCORES:
        raise WellbeingInputError(_("Choose a low score from 1 to 4."), field="low_score")
    if escalate_after_hours is not None and escalate_after_hours not in ESCALATE_HOURS:
        raise WellbeingInputError(
            _("Choose between 1 hour and 14 days (336 hours)."), field="escalate_after_hours"
        )
    settings = session.get(WellbeingSettings, study.id)
    if settings is None:
        settings = settings_for(session, study)
        session.add(settings)
    if questions is not None:
        settings.questions = copy.deepcopy(questions)
    if low_score is not None:
        settings.low_score = low_score
    if escalate_after_hours is not None:
        settings.escalate_after_hours = escalate_after_hours
    session.flush()
    return settings


# Support resources -----------------------------------------------------------------------


def support_resources(session: Session, study: Study) -> list[SupportResource]:
    """Return the study's support resources in the order the study chose."""
    query = (
        sa.select(SupportResource)
        .where(SupportResource.study_id == study.id)
        .order_by(SupportResource.position, SupportResource.id)
    )
    return list(session.scalars(query))


def _clean_resource(values: dict[str, str]) -> dict[str, str]:
    """Return a resource's fields trimmed; refuse missing titles and overlong text."""
    cleaned = {name: (values.get(name) or "").strip() for name in RESOURCE_FIELDS}
    if not cleaned["title"]:
        raise WellbeingInputError(_("Give the support a name."), field="title")
    for name, most in RESOURCE_FIELDS.items():
        if len(cleaned[name]) > most:
            raise WellbeingInputError(
                _("This can be at most %(count)d characters.", count=most), field=name
            )
    return cleaned


def add_support_resource(
    session: Session,
    *,
    study: Study,
    editor: User,
    title: str,
    description: str = "",
    contact: str = "",
    opening_hours: str = "",
) -> SupportResource:
    """Add a support resource at the end of the study's list."""
    require_role(session, study=study, user=editor, roles=SETTINGS_EDITORS)
    existing = support_resources(session, study)
    if len(existing) >= MAX_RESOURCES:
        raise WellbeingInputError(
            _("A study can list at most %(count)d kinds of support.", count=MAX_RESOURCES)
        )
    fields = _clean_resource(
        {
            "title": title,
            "description": description,
            "contact": contact,
            "opening_hours": opening_hours,
        }
    )
    position = max((resource.position for resource in existing), default=0) + 1
    resource = SupportResource(study_id=study.id, position=position, **fields)
    session.add(resource)
    session.flush()
    return resource


def _resource_of(session: Session, study: Study, resource_id: int) -> SupportResource:
    """Return a support resource of this study, or refuse."""
    resource = session.get(SupportResource, resource_id)
    if resource is None or resource.study_id != study.id:
        raise WellbeingInputError(_("There is no such support in this study."))
    return resource


def update_support_resource(
    session: Session,
    *,
    study: Study,
    editor: User,
    resource_id: int,
    title: str,
    description: str = "",
    contact: str = "",
    opening_hours: str = "",
) -> SupportResource:
    """Change a support resource's words."""
    require_role(session, study=study, user=editor, roles=SETTINGS_EDITORS)
    resource = _resource_of(session, study, resource_id)
    fields = _clean_resource(
        {
            "title": title,
            "description": description,
            "contact": contact,
            "opening_hours": opening_hours,
        }
    )
    for name, value in fields.items():
        setattr(resource, name, value)
    session.flush()
    return resource


def remove_support_resource(
    session: Session, *, study: Study, editor: User, resource_id: int
) -> None:
    """Remove a support resource from the study's list."""
    require_role(session, study=study, user=editor, roles=SETTINGS_EDITORS)
    session.delete(_resource_of(session, study, resource_id))
    session.flush()


# Limits ----------------------------------------------------------------------------------


def limit_for(session: Session, *, study: Study, user: User) -> InterviewerLimit | None:
    """Return the limit a person set for themselves in a study, if any."""
    return session.get(InterviewerLimit, (study.id, user.id))


def set_limit(
    session: Session,
    *,
    study: Study,
    user: User,
    max_interviews_per_day: int | None,
    note: str = "",
) -> InterviewerLimit:
    """Set a peer researcher's own limit (None: no limit); it reminds, it never blocks."""
    require_role(session, study=study, user=user, roles=frozenset({Role.PEER_RESEARCHER}))
    if max_interviews_per_day is not None and not 1 <= max_interviews_per_day <= MAX_LIMIT:
        raise WellbeingInputError(
            _("Choose a number from 1 to %(most)d, or no limit.", most=MAX_LIMIT),
            field="max_interviews_per_day",
        )
    if len(note.strip()) > RESOURCE_FIELDS["description"]:
        raise WellbeingInputError(_("The note is too long."), field="note")
    limit = limit_for(session, study=study, user=user)
    if limit is None:
        limit = InterviewerLimit(study_id=study.id, user_id=user.id)
        session.add(limit)
    limit.max_interviews_per_day, limit.note = max_interviews_per_day, note.strip()
    session.flush()
    return limit


def over_limit(limit: InterviewerLimit | None, interviews_today: int) -> bool:
    """Tell whether starting one more interview today goes over the person's own limit."""
    if limit is None or limit.max_interviews_per_day is None:
        return False
    return interviews_today >= limit.max_interviews_per_day


def tablet_bundle(session: Session, study: Study, user: User) -> dict[str, Any]:
    """Return what the tablet keeps offline: questions, low score, support, the own limit."""
    settings = settings_for(session, study)
    limit = limit_for(session, study=study, user=user)
    return {
        "questions": settings.questions,
        "low_score": settings.low_score,
        "resources": [
            {
                "title": resource.title,
                "description": resource.description,
                "contact": resource.contact,
                "opening_hours": resource.opening_hours,
            }
            for resource in support_resources(session, study)
        ],
        "limit": {"max_interviews_per_day": limit.max_interviews_per_day if limit else None},
    }
