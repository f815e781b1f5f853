"""Wellbeing fixtures: a study with every role, and receiving check-ins as the tablet does."""

from __future__ import annotations

import pytest
from wellbeing_world import WellbeingWorld

from peer_research.studies.models import Role
from peer_research.wellbeing import services as wellbeing


@pytest.fixture
def wb(app, db_session, make_member, make_user) -> WellbeingWorld:
    """Return a study with two peer researchers, a support lead, facilitators and others."""
    facilitator = make_member(roles=[Role.FACILITATOR], display_name="Fay Facilitator")
    study = facilitator.study

    def member(roles, name):
        return make_member(study=study, roles=roles, display_name=name).user

    return WellbeingWorld(
        study=study,
        interviewer=member([Role.PEER_RESEARCHER], "Pat Peer"),
        other_interviewer=member([Role.PEER_RESEARCHER], "Robin Peer"),
        support_lead=member([Role.SUPPORT_LEAD], "Sam Support"),
        facilitator=facilitator.user,
        facilitator_and_lead=member([Role.FACILITATOR, Role.SUPPORT_LEAD], "Lee Both"),
        co_researcher=member([Role.CO_RESEARCHER], "Cass Co"),
        academic_partner=member([Role.ACADEMIC_PARTNER], "Ada Academic"),
        site_admin=make_user(is_site_admin=True, display_name="Sid Admin"),
        outsider=make_user(display_name="Olly Outsider"),
    )


@pytest.fixture
def receive(app, db_session, wb):
    """Return a function that receives check-ins as the peer researcher (or `user`) and
    commits, returning the receipts."""

    def run(*items, user=None, foreign_interviews=()):
        with app.test_request_context(method="POST"):
            receipts = wellbeing.receive_check_ins(
                db_session,
                study=wb.study,
                interviewer=user or wb.interviewer,
                items=list(items),
                foreign_interviews=foreign_interviews,
            )
        db_session.commit()
        return receipts

    return run
