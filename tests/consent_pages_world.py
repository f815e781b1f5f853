"""A study for the consent pages' tests: a published form, the key, people in each role and
two participants who consented (one signed and agreed to contact, one verbally)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from consent.services import receive_consents
from peer_research.studies.models import Role

from consent_world import (
    add_code,
    consent_item,
    details,
    give_study_the_test_key,
    publish_consent_form,
)

MARY = "KT7-M4C"  # signed, agreed to quotes and contact, gave an e-mail address
OWEN = "PRX-H3T"  # consented out loud with a witness, said no to quotes and contact
MARY_EMAIL = "mary@example.org"


@dataclass
class PagesWorld:
    """The study, its people by role, and the two participants' consent records."""

    study: Any
    people: dict[str, Any]
    version: Any
    key: Any
    key_dir: Path
    mary: Any  # Mary's consent record (taken by the interviewer)
    owen: Any  # Owen's consent record (taken by the other interviewer)

    @property
    def base(self) -> str:
        """Return the address of the study's consent pages."""
        return f"/studies/{self.study.slug}/consent"


def take_consent(session, world_parts: dict, code: str, *, by, method: str, **item_changes):
    """Record a consent through the service the sync API uses and return its record."""
    from consent.services import record_by_uuid

    add_code(session, world_parts["study"], by, code)
    item = consent_item(
        world_parts["version"].id, code, world_parts["key"], method=method, **item_changes
    )
    (receipt,) = receive_consents(
        session,
        study=world_parts["study"],
        interviewer=by,
        items=[item],
        key_dir=world_parts["key_dir"],
    )
    assert receipt.outcome == "accepted", receipt.message
    return record_by_uuid(session, world_parts["study"].id, item["uuid"])


@pytest.fixture
def pages_world(app, db_session, make_study, make_member, make_user) -> PagesWorld:
    """Return a study with two consents, and one person in each role (plus a second
    interviewer, an outsider and a facilitator of another study)."""
    study = make_study(title="Carers' voices")
    people = {
        role.value: make_member(study=study, roles=[role], display_name=role.value).user
        for role in Role
    }
    people["other_interviewer"] = make_member(
        study=study, roles=[Role.PEER_RESEARCHER], display_name="Other interviewer"
    ).user
    people["outsider"] = make_user()
    people["other_facilitator"] = make_member(roles=[Role.FACILITATOR]).user
    key_dir = Path(app.config["CONSENT_KEY_DIR"])
    with app.test_request_context(method="POST"):
        key = give_study_the_test_key(db_session, study, key_dir)
        version = publish_consent_form(db_session, study, people["facilitator"])
        parts = {"study": study, "version": version, "key": key, "key_dir": key_dir}
        mary = take_consent(
            db_session,
            parts,
            MARY,
            by=people["peer_researcher"],
            method="signature",
            answers={"take_part": True, "quotes": True, "recontact": True},
            sealed=details(
                "signature", contact={"email": MARY_EMAIL, "phone": "01234 567890", "address": None}
            ),
        )
        owen = take_consent(
            db_session,
            parts,
            OWEN,
            by=people["other_interviewer"],
            method="verbal",
            answers={"take_part": True, "quotes": False, "recontact": False},
            sealed=details("verbal", name="Owen Price"),
        )
    db_session.commit()
    return PagesWorld(study, people, version, key, key_dir, mary, owen)
