"""Fixtures for questionnaire tests: a study's questionnaire, item builders, a design group."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.services import create_questionnaire

from builders import ENGLISH, age_question


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


@pytest.fixture
def app_context(app):
    """Run the test inside an app context (messages are translated text)."""
    with app.app_context():
        yield


@pytest.fixture
def make_design_group(app, db_session, questionnaire, facilitator, make_member):
    """Return a factory of the facilitator's design group and a draft holding `items`."""

    def make(
        *items: d.Item, pat_role: Role = Role.ACADEMIC_PARTNER, outsider: bool = False
    ) -> SimpleNamespace:
        """Add Ada (co-researcher), Pat and Lee (support lead) to Sam's study; draft `items`.

        Without items the draft holds the question "age" ("How old are you?"). `everyone`
        is the three who decide (Sam, Ada, Pat); an outsider belongs to another study.
        """
        study = facilitator.study
        group = SimpleNamespace(
            app=app,
            study=study,
            questionnaire=questionnaire,
            sam=facilitator.user,
            ada=make_member(study=study, roles=[Role.CO_RESEARCHER], display_name="Ada Brook").user,
            pat=make_member(study=study, roles=[pat_role], display_name="Pat Lin").user,
            lee=make_member(study=study, roles=[Role.SUPPORT_LEAD], display_name="Lee Ward").user,
            studies=f"/studies/{study.slug}",
        )
        if outsider:
            group.outsider = make_member(roles=[Role.ACADEMIC_PARTNER], display_name="Out").user
        group.everyone = (group.sam, group.ada, group.pat)
        group.base = f"{group.studies}/questionnaires/{questionnaire.id}"
        with app.app_context():
            for item in items or (age_question(),):
                drafts.add_item(
                    db_session, questionnaire=questionnaire, item=item, changed_by=group.sam
                )
        db_session.commit()
        return group

    return make
