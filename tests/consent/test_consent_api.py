"""The consent part of the sync API through the test client: codes, the bundle, records."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from consent.models import ConsentRecord, ParticipantCode, StudyKey
from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Role

from consent_world import NAME, consent_item


@pytest.fixture
def api(app, client, auth, consent_world, monkeypatch):
    """Return a helper calling the study's API as a signed-in person (the interviewer by
    default), with the app's key folder pointing at the world's."""
    monkeypatch.setitem(app.config, "CONSENT_KEY_DIR", str(consent_world.key_dir))
    base = f"/api/v1/studies/{consent_world.study.slug}"

    def call(method: str, path: str, body=None, *, as_user=None, raw: str | None = None):
        auth.sign_in(as_user or consent_world.interviewer)
        try:
            if method == "GET":
                return client.get(base + path)
            return client.post(
                base + path,
                data=raw if raw is not None else json.dumps(body),
                content_type="application/json",
                headers={"X-CSRFToken": client.csrf_token()},
                csrf=False,
            )
        finally:
            auth.sign_out()

    return call


def test_a_tablet_gets_codes_reserved_for_its_interviewer(api, db_session, consent_world):
    response = api("POST", "/participant-codes", {"count": 5})
    assert response.status_code == 201
    codes = response.get_json()["codes"]
    assert len(set(codes)) == 5
    owners = db_session.scalars(
        sa.select(ParticipantCode.reserved_for_id).where(ParticipantCode.code.in_(codes))
    ).all()
    assert set(owners) == {consent_world.interviewer.id}


@pytest.mark.parametrize(
    "body", [{"count": 0}, {"count": 21}, {"count": "5"}, {}, [], {"count": 1, "more": 2}]
)
def test_a_wrong_request_for_codes_is_a_problem(api, body):
    response = api("POST", "/participant-codes", body)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "between 1 and 20" in response.get_json()["detail"]


def test_the_bundle_gives_the_form_the_key_and_statuses(api, consent_world):
    response = api("GET", "/consent")
    assert response.status_code == 200
    bundle = response.get_json()
    assert bundle["form"]["version_id"] == consent_world.version.id
    assert bundle["key"]["kid"] == consent_world.key.key_id
    assert bundle["participants"] == []


def test_the_bundle_makes_the_study_key_on_first_use(
    app, api, db_session, consent_world, tmp_path, monkeypatch
):
    db_session.execute(sa.delete(StudyKey).where(StudyKey.study_id == consent_world.study.id))
    db_session.commit()
    monkeypatch.setitem(app.config, "CONSENT_KEY_DIR", str(tmp_path / "fresh"))
    bundle = api("GET", "/consent").get_json()
    assert (tmp_path / "fresh" / f"{bundle['key']['kid']}.pem").exists()
    assert db_session.get(StudyKey, consent_world.study.id).key_id == bundle["key"]["kid"]


def test_consents_get_receipts_and_a_replay_is_already_received(api, db_session, consent_world):
    world = consent_world
    item = consent_item(world.version.id, world.code, world.key)
    response = api("POST", "/consents", {"consents": [item]})
    assert response.status_code == 200
    (receipt,) = response.get_json()["receipts"]
    assert receipt["outcome"] == "accepted"
    assert receipt["uuid"] == item["uuid"]
    again = api("POST", "/consents", {"consents": [item]}).get_json()["receipts"][0]
    assert again["outcome"] == "already_received"
    bundle = api("GET", "/consent").get_json()
    assert bundle["participants"] == [{"code": world.code, "version_number": 1, "status": "active"}]


def test_a_bad_consent_gets_its_own_refusal(api, db_session, consent_world):
    world = consent_world
    bad = consent_item(world.version.id, "AAA-CCC", world.key)
    receipts = api("POST", "/consents", {"consents": [bad]}).get_json()["receipts"]
    assert receipts[0]["outcome"] == "refused"
    assert "not made for this study" in receipts[0]["message"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 0


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("[]", 400),
        ('{"consents": "x"}', 400),
        ('{"consents": [' + ",".join(["{}"] * 21) + "]}", 400),
        ("not json", 400),
    ],
)
def test_a_bad_batch_is_a_problem(api, raw, status):
    response = api("POST", "/consents", raw=raw)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.CO_RESEARCHER, Role.ACADEMIC_PARTNER])
def test_only_peer_researchers_use_the_consent_api(
    api, db_session, consent_world, make_member, role
):
    person = make_member(study=consent_world.study, roles=[role]).user
    for method, path, body in (
        ("POST", "/participant-codes", {"count": 1}),
        ("GET", "/consent", None),
        ("POST", "/consents", {"consents": []}),
    ):
        response = api(method, path, body, as_user=person)
        assert response.status_code == 403, (role, path)
        assert response.mimetype == "application/problem+json"
    refusals = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "sync_refused", AuditEvent.actor_id == person.id
        )
    ).all()
    assert len(refusals) == 3


def test_signed_out_gets_401(client, consent_world):
    response = client.get(f"/api/v1/studies/{consent_world.study.slug}/consent")
    assert response.status_code == 401


def test_the_openapi_document_describes_the_consent_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "/studies/{study_slug}/participant-codes" in paths
    assert "/studies/{study_slug}/consent" in paths
    assert "/studies/{study_slug}/consents" in paths
    schemas = document["components"]["schemas"]
    assert "participant_code" in schemas["InterviewIn"]["required"]
    assert "needs_consent" in schemas["Outcome"]["enum"]
    assert set(schemas["ConsentIn"]["required"]) >= {"uuid", "identifiable", "answers"}


def test_no_name_is_ever_stored_in_clear_text(api, db_session, consent_world):
    """The raw rows of every consent table hold no name, witness or consultee in clear."""
    world = consent_world
    items = [
        consent_item(world.version.id, world.code, world.key, method=method)
        for method in ("signature", "typed_name", "verbal", "consultee")
    ]
    receipts = api("POST", "/consents", {"consents": items}).get_json()["receipts"]
    assert [r["outcome"] for r in receipts] == ["accepted"] * 4
    rows = []
    for table in ("consent_records", "consent_participant_codes", "consent_withdrawals"):
        rows += db_session.execute(sa.text(f"SELECT * FROM {table}")).all()  # noqa: S608
    rows += db_session.execute(sa.text("SELECT * FROM audit_events")).all()
    text = " ".join(str(value) for row in rows for value in row)
    assert len(rows) >= 5
    for secret in (NAME, "Mary", "Jones", "Wendy Witness", "Dora Jones", "daughter"):
        assert secret not in text
