"""Receiving consent records: what is stored, replays, and every bad input refused unchanged."""

from __future__ import annotations

import base64
import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image

from consent.keys import ensure_study_key
from consent.models import ConsentRecord, ParticipantCode
from peer_research.audit.models import AuditEvent

from consent_world import consent_item, details, publish_consent_form, signature_png


def stored_count(db_session) -> int:
    """Return how many consent records there are."""
    return db_session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord))


def audited(db_session, action: str) -> list[AuditEvent]:
    """Return the audit entries of one kind."""
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_good_consent_is_stored_with_its_details_sealed(db_session, consent_world, receive):
    world = consent_world
    item = consent_item(world.version.id, world.code, world.key)
    (receipt,) = receive(item)
    assert receipt.outcome == "accepted"
    stored = db_session.scalars(sa.select(ConsentRecord)).one()
    assert stored.uuid == item["uuid"]
    assert stored.participant_code == world.code
    assert stored.answers == {"take_part": True, "quotes": True, "recontact": False}
    assert stored.method == "signature"
    assert stored.interviewer_id == world.interviewer.id
    assert stored.identifiable == item["identifiable"]
    code = db_session.scalars(sa.select(ParticipantCode)).one()
    assert code.used_at is not None


@pytest.mark.parametrize("method", ["signature", "typed_name", "verbal", "consultee"])
def test_each_way_of_consenting_is_accepted(consent_world, receive, method):
    world = consent_world
    (receipt,) = receive(consent_item(world.version.id, world.code, world.key, method=method))
    assert receipt.outcome == "accepted", receipt.message


def test_a_replay_is_already_received(db_session, consent_world, receive):
    item = consent_item(consent_world.version.id, consent_world.code, consent_world.key)
    receive(item)
    (receipt,) = receive(dict(item))
    assert receipt.outcome == "already_received"
    assert stored_count(db_session) == 1


def test_a_replay_with_different_answers_is_a_conflict_stored_nowhere(
    db_session, consent_world, receive
):
    item = consent_item(consent_world.version.id, consent_world.code, consent_world.key)
    receive(item)
    changed = {**item, "answers": {"take_part": True, "quotes": False, "recontact": False}}
    (receipt,) = receive(changed)
    assert receipt.outcome == "conflict"
    stored = db_session.scalars(sa.select(ConsentRecord)).one()
    assert stored.answers["quotes"] is True
    assert [e.detail["reason"] for e in audited(db_session, "consent_refused")] == [
        "same identifier, different content"
    ]


def test_another_interviewers_identifier_is_refused_and_audited(
    db_session, consent_world, receive, make_member
):
    item = consent_item(consent_world.version.id, consent_world.code, consent_world.key)
    receive(item)
    other = make_member(study=consent_world.study).user
    (receipt,) = receive({**item, "language": "cy"}, interviewer=other)
    assert receipt.outcome == "refused"
    assert stored_count(db_session) == 1
    assert audited(db_session, "consent_refused")


def refused(db_session, receive, item, *, audit: bool = False) -> str:
    """Send a consent that must be refused with nothing stored; return the reason."""
    before = len(audited(db_session, "consent_refused"))
    (receipt,) = receive(item)
    assert receipt.outcome == "refused", receipt.message
    assert stored_count(db_session) == 0
    assert (len(audited(db_session, "consent_refused")) > before) == audit
    return receipt.message


def blank_signature() -> str:
    return signature_png(blank=True)


def white_signature() -> str:
    """A signature pad filled with white and nothing drawn on it."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def oversized_signature() -> str:
    """A PNG of just over 200 KB (noise does not compress)."""
    image = Image.frombytes("RGB", (270, 270), os.urandom(270 * 270 * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    assert 200 * 1024 < len(data) < 230 * 1024
    return "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("signature", "words"),
    [
        (None, "signature is missing"),
        ("", "signature is missing"),
        (blank_signature, "signature is empty"),
        (white_signature, "signature is empty"),
        (oversized_signature, "too large"),
        ("data:image/png;base64,bm90IGEgcG5n", "not a picture"),
    ],
)
def test_an_empty_or_wrong_signature_is_refused(
    app, db_session, consent_world, receive, signature, words
):
    world = consent_world
    sealed = details(signature=signature() if callable(signature) else signature)
    item = consent_item(world.version.id, world.code, world.key, sealed=sealed)
    with app.test_request_context():
        assert words in refused(db_session, receive, item)


def test_a_forged_form_version_is_refused_and_audited(app, db_session, consent_world, receive):
    world = consent_world
    item = consent_item(world.version.id + 1000, world.code, world.key)
    with app.test_request_context():
        assert "not a published version" in refused(db_session, receive, item, audit=True)


def test_a_draft_version_is_refused(app, db_session, consent_world, receive):
    from consent.versions import draft_of

    world = consent_world
    with app.app_context():
        draft = draft_of(db_session, world.study)
    item = consent_item(draft.id, world.code, world.key)
    with app.test_request_context():
        refused(db_session, receive, item, audit=True)


def test_a_record_for_another_study_is_refused_and_audited(
    app, db_session, consent_world, receive, make_member, tmp_path
):
    """A consent on another study's form, or sealed with its key, is not this study's."""
    world = consent_world
    other = make_member(roles=["facilitator"])
    with app.app_context():
        other_version = publish_consent_form(db_session, other.study, other.user)
        other_key = ensure_study_key(db_session, other.study, world.key_dir)
    db_session.commit()
    with app.test_request_context():
        refused(
            db_session, receive, consent_item(other_version.id, world.code, world.key), audit=True
        )
        message = refused(
            db_session, receive, consent_item(world.version.id, world.code, other_key), audit=True
        )
    assert "not sealed with this study's key" in message


def test_an_unknown_code_is_refused_and_audited(app, db_session, consent_world, receive):
    item = consent_item(consent_world.version.id, "AAA-CCC", consent_world.key)
    with app.test_request_context():
        assert "code was not made for this study" in refused(db_session, receive, item, audit=True)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"answers": {"take_part": False, "quotes": True, "recontact": False}}, "must agree"),
        ({"answers": {"take_part": True, "quotes": True}}, "do not match"),
        ({"answers": {"take_part": True, "quotes": True, "recontact": False, "x": True}}, "match"),
        ({"answers": {"take_part": "yes", "quotes": True, "recontact": False}}, "boolean"),
        ({"language": "cy"}, "no wording in that language"),
        ({"participant_code": "kt7-m4c"}, "participant_code"),
        ({"method": "thumbprint"}, "method"),
        ({"uuid": "not-a-uuid"}, "no proper identifier"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_consent_that_does_not_fit_the_form_is_refused(
    app, db_session, consent_world, receive, changes, words
):
    world = consent_world
    item = {**consent_item(world.version.id, world.code, world.key), **changes}
    with app.test_request_context():
        assert words in refused(db_session, receive, item).lower()


@pytest.mark.parametrize(
    ("method", "changes", "words"),
    [
        ("signature", {"name": ""}, "name is missing"),
        ("signature", {"name": None}, "name is missing"),
        ("typed_name", {"typed_name": "  "}, "did not type"),
        ("verbal", {"witness": None}, "witness"),
        ("consultee", {"consultee": {"name": "Dora"}}, "relationship"),
        ("verbal", {"typed_name": "Mary"}, "does not use"),
        ("signature", {"contact": {"email": "m@example.org"}}, "did not agree to be contacted"),
    ],
)
def test_details_that_do_not_fit_the_method_are_refused(
    app, db_session, consent_world, receive, method, changes, words
):
    world = consent_world
    sealed = details(method, **changes)
    item = consent_item(world.version.id, world.code, world.key, method=method, sealed=sealed)
    with app.test_request_context():
        assert words in refused(db_session, receive, item)


def test_contact_details_are_kept_when_the_participant_agreed(consent_world, receive):
    world = consent_world
    sealed = details(contact={"email": "m@example.org", "phone": None, "address": None})
    answers = {"take_part": True, "quotes": False, "recontact": True}
    item = consent_item(world.version.id, world.code, world.key, answers=answers, sealed=sealed)
    (receipt,) = receive(item)
    assert receipt.outcome == "accepted"


def test_details_that_do_not_open_are_refused(app, db_session, consent_world, receive):
    world = consent_world
    item = consent_item(world.version.id, world.code, world.key)
    item["identifiable"]["data"] = base64.b64encode(b"0" * 64).decode()
    with app.test_request_context():
        assert "could not be opened" in refused(db_session, receive, item)


def test_one_bad_consent_does_not_sink_the_others(db_session, consent_world, receive):
    world = consent_world
    good = consent_item(world.version.id, world.code, world.key)
    bad = consent_item(world.version.id, "AAA-CCC", world.key)
    receipts = receive(bad, good, "not even an object")
    assert [r.outcome for r in receipts] == ["refused", "accepted", "refused"]
    assert stored_count(db_session) == 1
