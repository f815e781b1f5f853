"""The register, the tablet's bundle, what analysis must leave out, and seeing the details."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consent import services as consent
from peer_research.audit.models import AuditEvent
from peer_research.db import clock_at, utcnow
from peer_research.errors import DomainError

from consent_world import NAME, add_code, consent_item, details, publish_consent_form


@pytest.fixture
def three(app, db_session, consent_world, receive):
    """Three participants: one said no to quotes, one yes to contact, one by a consultee."""
    world = consent_world
    with app.app_context():
        codes = [world.code, add_code(db_session, world.study, world.interviewer, "CCC-DDD")]
        codes.append(add_code(db_session, world.study, world.interviewer, "EEE-FFF"))
    contact = {"email": "m@example.org", "phone": None, "address": None}
    items = [
        consent_item(
            world.version.id,
            codes[0],
            world.key,
            answers={"take_part": True, "quotes": False, "recontact": False},
        ),
        consent_item(
            world.version.id,
            codes[1],
            world.key,
            answers={"take_part": True, "quotes": True, "recontact": True},
            sealed=details(contact=contact),
        ),
        consent_item(world.version.id, codes[2], world.key, method="consultee"),
    ]
    assert [r.outcome for r in receive(*items)] == ["accepted"] * 3
    return world, codes


def test_the_register_lists_participants_by_code_without_details(app, db_session, three):
    world, codes = three
    with app.app_context():
        rows = consent.register_rows(db_session, world.study.id)
    assert sorted(row.code for row in rows) == sorted(codes)
    by_code = {row.code: row for row in rows}
    assert by_code[codes[0]].declined == ("quotes", "recontact")
    assert by_code[codes[1]].optional_agreed == ("quotes", "recontact")
    assert by_code[codes[2]].method == "consultee"
    assert all(row.status == "active" and row.version_number == 1 for row in rows)
    csv_text = json.dumps([row.as_csv() for row in rows])
    assert NAME not in csv_text and "example.org" not in csv_text
    assert set(rows[0].as_csv()) == set(consent.REGISTER_CSV_FIELDS)


def test_the_register_filters_by_status_method_and_version(app, db_session, three):
    world, codes = three
    with app.test_request_context(method="POST"):
        consent.withdraw(
            db_session,
            study=world.study,
            code=codes[1],
            choice=consent.WithdrawalChoice.KEEP_ANALYSED,
            reason="",
            by=world.facilitator,
        )
        withdrawn = consent.register_rows(
            db_session, world.study.id, status=consent.ParticipantStatus.WITHDRAWN
        )
        consultee = consent.register_rows(
            db_session, world.study.id, method=consent.ConsentMethod.CONSULTEE
        )
        none = consent.register_rows(db_session, world.study.id, version_number=2)
    assert [row.code for row in withdrawn] == [codes[1]]
    assert [row.code for row in consultee] == [codes[2]]
    assert none == []


def test_a_version_asking_again_marks_older_consents(app, db_session, three):
    world, codes = three
    with app.app_context(), clock_at(utcnow() - timedelta(minutes=5)):
        publish_consent_form(db_session, world.study, world.facilitator, requires_reconsent=True)
    with app.app_context():
        statuses = {
            code: consent.participant_status(db_session, world.study.id, code) for code in codes
        }
    assert set(statuses.values()) == {"needs_reconsent"}
    assert consent.participant_status(db_session, world.study.id, "AAA-AAA") is None


def test_analysis_learns_who_declined_quotes_and_who_withdrew(app, db_session, three):
    world, codes = three
    with app.test_request_context(method="POST"):
        consent.withdraw(
            db_session,
            study=world.study,
            code=codes[2],
            choice=consent.WithdrawalChoice.REMOVE_ALL,
            reason="",
            by=world.facilitator,
        )
    assert consent.declined_codes(db_session, world.study.id) == {codes[0]}
    recontact = consent.declined_codes(
        db_session, world.study.id, consent.StatementPurpose.RECONTACT
    )
    assert recontact == {codes[0], codes[2]}
    assert consent.withdrawn_codes(db_session, world.study.id) == {codes[2]}


def test_a_later_consent_changes_what_was_declined(app, db_session, three, receive):
    world, codes = three
    later = consent_item(
        world.version.id,
        codes[0],
        world.key,
        given_at=(utcnow() + timedelta(minutes=1)).isoformat(),
    )
    assert receive(later)[0].outcome == "accepted"
    assert consent.declined_codes(db_session, world.study.id) == set()


def test_the_tablet_bundle_has_the_form_the_key_and_codes_only(app, db_session, three):
    world, codes = three
    with app.app_context():
        bundle = consent.tablet_bundle(db_session, world.study, key_dir=world.key_dir)
    assert bundle["form"]["version_id"] == world.version.id
    assert bundle["form"]["number"] == 1
    assert bundle["form"]["languages"] == ["en"]
    assert bundle["key"]["kid"] == world.key.key_id
    assert {p["code"] for p in bundle["participants"]} == set(codes)
    assert {p["status"] for p in bundle["participants"]} == {"active"}
    assert NAME not in json.dumps(bundle)
    consent.ConsentBundle.model_validate(bundle)


def test_a_facilitator_sees_the_details_after_giving_a_reason(app, db_session, three):
    world, codes = three
    with app.test_request_context(method="POST"):
        revealed = consent.reveal_details(
            db_session,
            study=world.study,
            code=codes[1],
            viewer=world.facilitator,
            reason="The participant asked for a copy by e-mail.",
            key_dir=world.key_dir,
        )
    assert revealed[0].details["name"] == NAME
    assert revealed[0].details["contact"]["email"] == "m@example.org"
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "consent_details_viewed")
    ).one()
    assert event.detail["participant_code"] == codes[1]
    assert event.detail["reason"] == "The participant asked for a copy by e-mail."


def test_details_need_a_reason(app, db_session, three):
    world, codes = three
    with app.test_request_context(method="POST"), pytest.raises(DomainError):
        consent.reveal_details(
            db_session,
            study=world.study,
            code=codes[0],
            viewer=world.facilitator,
            reason="  ",
            key_dir=world.key_dir,
        )


def test_someone_without_the_role_is_refused_and_audited(app, db_session, three):
    world, codes = three
    with app.test_request_context(method="POST"), pytest.raises(consent.DetailsRefusedError):
        consent.reveal_details(
            db_session,
            study=world.study,
            code=codes[0],
            viewer=world.interviewer,
            reason="Curious",
            key_dir=world.key_dir,
        )
    assert db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "consent_details_refused")
    ).one()
