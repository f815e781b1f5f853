"""A study for the wellbeing pages' tests: one person in each role, a check-in and a low
debrief by the interviewer (which raised an alert), a debrief by a second interviewer that
escalated to the facilitators, and a support contact."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from peer_research.db import utcnow
from peer_research.studies.models import Role
from peer_research.wellbeing import services as wellbeing

OWN_NOTE = "The story about the hospital stayed with me."
OTHER_NOTE = "Other interviewer's private words."


@dataclass
class WellbeingWorld:
    """The study, its people by role, check-ins and alerts."""

    study: Any
    people: dict[str, Any]
    before: Any  # the interviewer's check-in before an interview (feeling good)
    after: Any  # their debrief after it (feeling very bad): raised `alert`
    alert: Any
    escalated: Any  # the other interviewer's alert, gone to the facilitators
    other_after: Any

    @property
    def base(self) -> str:
        """Return the address of the study's wellbeing pages."""
        return f"/studies/{self.study.slug}/wellbeing"


def check_in_item(kind: str, feeling: str, *, note: str = "", hours_ago: float = 1, **answers):
    """Return a check-in as the tablet sends it."""
    given = {"feeling": feeling}
    if kind == "before":
        given["ready"] = answers.get("ready", "yes")
    else:
        given["upsetting"] = answers.get("upsetting", "no")
        given["get_in_touch"] = answers.get("get_in_touch", "no")
    return {
        "uuid": str(uuid.uuid4()),
        "kind": kind,
        "interview_uuid": str(uuid.uuid4()),
        "given_at": (utcnow() - timedelta(hours=hours_ago)).isoformat(),
        "answers": given,
        "note": note,
    }


def give_check_ins(session, study, interviewer, *items) -> list:
    """Store check-ins through the service the sync API uses; return them."""
    receipts = wellbeing.receive_check_ins(
        session, study=study, interviewer=interviewer, items=list(items)
    )
    assert all(r.outcome == "accepted" for r in receipts), receipts
    by_uuid = {c.uuid: c for c in wellbeing.my_check_ins(session, study=study, user=interviewer)}
    return [by_uuid[item["uuid"]] for item in items]


@pytest.fixture(name="wellbeing_world")
def make_wellbeing_world(app, db_session, make_study, make_member, make_user) -> WellbeingWorld:
    """Return a study with check-ins, one new alert and one escalated alert."""
    study = make_study(title="Carers' voices")
    people = {
        role.value: make_member(study=study, roles=[role], display_name=role.value).user
        for role in Role
    }
    people["other_interviewer"] = make_member(
        study=study, roles=[Role.PEER_RESEARCHER], display_name="Other interviewer"
    ).user
    people["lead_and_facilitator"] = make_member(
        study=study, roles=[Role.FACILITATOR, Role.SUPPORT_LEAD], display_name="Both roles"
    ).user
    people["outsider"] = make_user()
    people["other_support_lead"] = make_member(roles=[Role.SUPPORT_LEAD]).user
    with app.test_request_context(method="POST"):
        (other_after,) = give_check_ins(
            db_session,
            study,
            people["other_interviewer"],
            check_in_item("after", "1", note=OTHER_NOTE, hours_ago=72),
        )
        wellbeing.escalate_overdue_alerts(db_session, now=utcnow() + timedelta(hours=25))
        before, after = give_check_ins(
            db_session,
            study,
            people["peer_researcher"],
            check_in_item("before", "4", hours_ago=3),
            check_in_item("after", "1", note=OWN_NOTE, upsetting="yes", hours_ago=2),
        )
        wellbeing.add_support_resource(
            db_session,
            study=study,
            editor=people["facilitator"],
            title="Samaritans",
            contact="116 123",
            opening_hours="Every day, all day and night",
        )
    alerts = {
        a.check_in_id: a
        for a in wellbeing.alerts_for(db_session, study=study, viewer=people["support_lead"])
    }
    db_session.commit()
    return WellbeingWorld(
        study, people, before, after, alerts[after.id], alerts[other_after.id], other_after
    )
