"""The wellbeing sync API through the test client: roles, receipts, problem details, e-mail."""

from __future__ import annotations

import json
import logging
import socket
import uuid

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from wellbeing_world import check_in

from peer_research.wellbeing import services as wellbeing


def post_json(client, url, body, *, csrf=True):
    """POST JSON (or raw text) with the CSRF token in the header, as the tablet does."""
    headers = {"X-CSRFToken": client.csrf_token()} if csrf else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, headers=headers, content_type="application/json", csrf=False)


def assert_problem(response, status: int) -> dict:
    """Check a problem details answer and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert (body["status"], bool(body["title"])) == (status, True)
    return body


def count(db_session, model) -> int:
    """Count the rows of a model."""
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_peer_researcher_sends_check_ins_and_gets_a_receipt_each(client, auth, wb, db_session):
    auth.sign_in(wb.interviewer)
    good, bad = check_in(score=2), check_in(score=7)
    response = post_json(client, wb.check_ins_url, {"check_ins": [good, bad]})
    assert response.status_code == 200
    receipts = response.get_json()["receipts"]
    assert [(r["uuid"], r["outcome"]) for r in receipts] == [
        (good["uuid"], "accepted"),
        (bad["uuid"], "refused"),
    ]
    again = post_json(client, wb.check_ins_url, {"check_ins": [good]}).get_json()["receipts"]
    assert (again[0]["outcome"], again[0]["received_at"]) == (
        "already_received",
        receipts[0]["received_at"],
    )
    assert count(db_session, wellbeing.CheckIn) == 1
    assert count(db_session, wellbeing.Alert) == 1  # a score of 2 is low


@pytest.mark.parametrize(
    "who", ["support_lead", "facilitator", "co_researcher", "academic_partner", "outsider"]
)
def test_only_peer_researchers_may_use_the_wellbeing_api(client, auth, wb, db_session, who):
    auth.sign_in(getattr(wb, who))
    slug = wb.study.slug
    assert_problem(post_json(client, wb.check_ins_url, {"check_ins": [check_in()]}), 403)
    assert_problem(client.get(f"/api/v1/studies/{slug}/wellbeing"), 403)
    reach = {"uuid": str(uuid.uuid4()), "at": "2026-12-01T10:00:00+00:00"}
    assert_problem(post_json(client, f"/api/v1/studies/{slug}/reach-out", reach), 403)
    assert count(db_session, wellbeing.CheckIn) == count(db_session, wellbeing.Alert) == 0


def test_signed_out_is_401_and_without_csrf_nothing_is_stored(client, auth, wb, db_session):
    assert_problem(post_json(client, wb.check_ins_url, {"check_ins": [check_in()]}), 401)
    auth.sign_in(wb.interviewer)
    response = post_json(client, wb.check_ins_url, {"check_ins": [check_in()]}, csrf=False)
    assert response.status_code == 400
    assert count(db_session, wellbeing.CheckIn) == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ({"interviews": []}, 400),
        ({"check_ins": "no"}, 400),
        ({"check_ins": [check_in() for _ in range(51)]}, 400),
    ],
)
def test_a_malformed_batch_gets_problem_details_and_stores_nothing(
    client, auth, wb, db_session, body, status
):
    auth.sign_in(wb.interviewer)
    assert_problem(post_json(client, wb.check_ins_url, body), status)
    assert count(db_session, wellbeing.CheckIn) == 0


def test_a_check_in_naming_someone_elses_interview_is_refused(
    client, auth, wb, db_session, monkeypatch
):
    sent = check_in()
    monkeypatch.setattr(
        "surveys.fielding.services.foreign_interviews",
        lambda _session, **kwargs: {sent["interview_uuid"]} & set(kwargs["uuids"]),
    )
    auth.sign_in(wb.interviewer)
    receipts = post_json(client, wb.check_ins_url, {"check_ins": [sent]}).get_json()["receipts"]
    assert receipts[0]["outcome"] == "refused"
    assert count(db_session, wellbeing.CheckIn) == 0


def test_the_tablet_gets_questions_support_and_its_own_limit(app, client, auth, wb, db_session):
    with app.test_request_context(method="POST"):
        wellbeing.add_support_resource(
            db_session,
            study=wb.study,
            editor=wb.support_lead,
            title="Talk to Sam",
            contact="0113 496 0000",
            opening_hours="Weekdays 9 to 5",
        )
        wellbeing.set_limit(
            db_session, study=wb.study, user=wb.interviewer, max_interviews_per_day=2
        )
    db_session.commit()
    auth.sign_in(wb.interviewer)
    bundle = client.get(f"/api/v1/studies/{wb.study.slug}/wellbeing").get_json()
    assert bundle["low_score"] == 2
    assert bundle["limit"] == {"max_interviews_per_day": 2}
    assert bundle["resources"][0]["title"] == "Talk to Sam"
    names = [item["name"] for item in bundle["questions"]["after"]]
    assert names == ["feeling", "upsetting", "get_in_touch"]


def test_reaching_out_is_201_once_and_a_replay_raises_nothing_new(client, auth, wb, db_session):
    auth.sign_in(wb.interviewer)
    url = f"/api/v1/studies/{wb.study.slug}/reach-out"
    body = {"uuid": str(uuid.uuid4()), "at": "2026-12-01T10:00:00+00:00", "message": "Bad day"}
    first = post_json(client, url, body)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json()["uuid"] == body["uuid"]
    assert post_json(client, url, body).status_code == 201
    alert = db_session.scalars(sa.select(wellbeing.Alert)).one()
    assert (alert.cause, alert.message) == ("reached_out", "Bad day")
    assert_problem(post_json(client, url, {"uuid": "x", "at": "soon"}), 400)
    future = {"uuid": str(uuid.uuid4()), "at": "2099-01-01T00:00:00+00:00"}
    assert_problem(post_json(client, url, future), 400)
    assert count(db_session, wellbeing.Alert) == 1


def test_the_openapi_document_describes_the_wellbeing_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert paths["/studies/{study_slug}/check-ins"]["post"]["operationId"] == "syncCheckIns"
    assert paths["/studies/{study_slug}/reach-out"]["post"]["operationId"] == "reachOut"
    assert paths["/studies/{study_slug}/wellbeing"]["get"]["operationId"] == "getWellbeingBundle"
    assert "CheckInIn" in document["components"]["schemas"]


# E-mail, through a real SMTP server on this machine --------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep the message and accept it."""
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch):
    """Run a real SMTP server on a free local port and point the app's mail at it."""
    monkeypatch.setattr(logging.getLogger("mail.log"), "level", logging.WARNING)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_new_alert_is_e_mailed_to_the_support_leads(client, auth, wb, db_session, smtp_server):
    wb.support_lead.email = "sam@example.org"
    wb.facilitator.email = "fay@example.org"
    db_session.commit()
    auth.sign_in(wb.interviewer)
    sent = check_in(
        answers={"feeling": "4", "upsetting": "yes", "get_in_touch": "yes"},
        note="Her story was like my mum's",
    )
    response = post_json(client, wb.check_ins_url, {"check_ins": [sent]})
    assert response.get_json()["receipts"][0]["outcome"] == "accepted"
    (recipients, message), *others = smtp_server.messages
    assert (recipients, others) == (["sam@example.org"], [])
    assert "get in touch" in message
    assert "my mum" not in message  # the interviewer's note stays in the app
