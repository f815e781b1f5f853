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
        *items: d.Item,
        people: tuple[str, ...] = ("ada", "pat", "lee"),
        pat_role: Role = Role.ACADEMIC_PARTNER,
        outsider: bool = False,
    ) -> SimpleNamespace:
        """Add `people` to Sam's study and draft `items` (by default the question "age").

        Ada is a co-researcher, Pat an academic partner (or `pat_role`), Lee a support lead;
        `everyone` is those of Sam, Ada and Pat in the group (the ones who decide). An
        outsider is a member of another study.
        """
        study = facilitator.study
        group = SimpleNamespace(
            app=app,
            study=study,
            questionnaire=questionnaire,
            sam=facilitator.user,
            studies=f"/studies/{study.slug}",
            base=f"/studies/{study.slug}/questionnaires/{questionnaire.id}",
        )
        roles = {
            "ada": (Role.CO_RESEARCHER, "Ada Brook"),
            "pat": (pat_role, "Pat Lin"),
            "lee": (Role.SUPPORT_LEAD, "Lee Ward"),
        }
        for name in people:
            role, display_name = roles[name]
            member = make_member(study=study, roles=[role], display_name=display_name)
            setattr(group, name, member.user)
        if outsider:
            group.outsider = make_member(roles=[Role.ACADEMIC_PARTNER], display_name="Out").user
        group.everyone = tuple(
            getattr(group, name) for name in ("sam", "ada", "pat") if hasattr(group, name)
        )
        with app.app_context():
            for item in items or (age_question(),):
                drafts.add_item(
                    db_session, questionnaire=questionnaire, item=item, changed_by=group.sam
                )
        db_session.commit()
        return group

    return make


@pytest.fixture
def fielding(app, db_session, make_member):
    """Return a study with a published questionnaire, a peer researcher and a facilitator."""
    from surveys.services import import_questionnaire, publish_version

    from consent_world import give_consent
    from fielding_world import CODE, FIELDING_FORM, FieldingWorld

    facilitator = make_member(roles=[Role.FACILITATOR], display_name="Fay Facilitator")
    study = facilitator.study
    interviewer = make_member(study=study, roles=[Role.PEER_RESEARCHER], display_name="Pat Peer")
    with app.app_context():
        questionnaire = import_questionnaire(
            db_session, study=study, definition=FIELDING_FORM, imported_by=facilitator.user
        )
        version = publish_version(
            db_session, questionnaire=questionnaire, published_by=facilitator.user
        )
        consent_version, key = give_consent(
            db_session, study, facilitator.user, interviewer.user, CODE, app.config
        )
    db_session.commit()
    return FieldingWorld(
        study=study,
        interviewer=interviewer.user,
        facilitator=facilitator.user,
        questionnaire=questionnaire,
        version=version,
        url=f"/api/v1/studies/{study.slug}/interviews",
        consent_version=consent_version,
        key=key,
    )
