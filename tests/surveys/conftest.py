"""Fixtures for questionnaire tests: a study's questionnaire and item builders."""

from __future__ import annotations

import pytest

from peer_research.studies.models import Role
from surveys.services import create_questionnaire

from builders import ENGLISH


@pytest.fixture
def facilitator(make_member):
    """Return a facilitator's membership of a new study."""
    return make_member(roles=[Role.FACILITATOR, Role.CO_RESEARCHER], display_name="Sam Okafor")


@pytest.fixture
def questionnaire(app, db_session, facilitator):
    """Return an empty English questionnaire in the facilitator's study."""
    with app.app_context():
        created = create_questionnaire(
            db_session,
            study=facilitator.study,
            title="What helps at home",
            languages=[ENGLISH],
            created_by=facilitator.user,
        )
    db_session.commit()
    return created
