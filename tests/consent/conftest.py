"""Consent fixtures: a study with a published consent form, its key, and a reserved code."""

from __future__ import annotations

import pytest
from consent_pages_world import pages_world  # noqa: F401  (the consent pages' study)

from peer_research.studies.models import Role

from consent_world import ConsentWorld, add_code, give_study_the_test_key, publish_consent_form


@pytest.fixture
def consent_world(app, db_session, make_member, tmp_path) -> ConsentWorld:
    """Return a study with a published consent form, its key in a temporary folder, a
    facilitator, a peer researcher and a code reserved for them."""
    facilitator = make_member(roles=[Role.FACILITATOR], display_name="Fay Facilitator")
    study = facilitator.study
    interviewer = make_member(study=study, roles=[Role.PEER_RESEARCHER], display_name="Pat Peer")
    key_dir = tmp_path / "consent-keys"
    with app.app_context():
        key = give_study_the_test_key(db_session, study, key_dir)
        version = publish_consent_form(db_session, study, facilitator.user)
        code = add_code(db_session, study, interviewer.user)
    db_session.commit()
    return ConsentWorld(
        study=study,
        facilitator=facilitator.user,
        interviewer=interviewer.user,
        version=version,
        key=key,
        key_dir=key_dir,
        code=code,
    )


@pytest.fixture
def receive(app, db_session, consent_world):
    """Return a function that receives consents as the sync API does, in a request context."""
    from consent.services import receive_consents

    def send(*items, interviewer=None, study=None):
        with app.test_request_context(method="POST"):
            receipts = receive_consents(
                db_session,
                study=study or consent_world.study,
                interviewer=interviewer or consent_world.interviewer,
                items=list(items),
                key_dir=consent_world.key_dir,
            )
        db_session.commit()
        return receipts

    return send
