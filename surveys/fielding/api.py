"""The sync API under /api/v1: JSON for the tablets, problem details (RFC 9457) for errors.

Only the study's peer researchers (interviewers) may fetch questionnaires and send
interviews; everyone else gets 403 (and an audit entry), and an ended session 401 rather
than the sign-in page. Every POST carries the CSRF token in the `X-CSRFToken` header.
The OpenAPI document at `/api/v1/openapi.json` is built from the pydantic models in
`schemas.py`, the same ones that check the requests.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_login import current_user
from pydantic import ValidationError
from werkzeug.exceptions import Forbidden, HTTPException, RequestEntityTooLarge

from consent import services as consent
from peer_research.access import PUBLIC, SIGNED_IN, allow, members_with
from peer_research.db import db
from peer_research.errors import render_http_error
from peer_research.wellbeing import services as wellbeing
from surveys.fielding import limits, services
from surveys.fielding.schemas import (
    BatchEnvelope,
    Outcome,
    Receipt,
    Receipts,
    openapi_document,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
INTERVIEWERS = members_with(*services.INTERVIEWER_ROLES)
PROBLEM_JSON = "application/problem+json"
IMMUTABLE = "private, max-age=31536000, immutable"


def problem(status: int, title: str, detail: str, errors: list[dict] | None = None) -> Response:
    """Return an RFC 9457 problem details answer."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


@blueprint.errorhandler(Forbidden)
def refuse(error: Forbidden):
    """Audit a refused request from a signed-in person, then answer with problem details."""
    if current_user.is_authenticated:
        with db.writing() as session:
            services.record_refused_request(
                session,
                user=current_user._get_current_object(),
                study=g.get("study"),
                study_slug=_slug_from_path(),
                path=request.path,
                reason=str(error.description),
            )
    return render_http_error(error)


@blueprint.errorhandler(RequestEntityTooLarge)
def refuse_too_large(_error: RequestEntityTooLarge):
    """Say the limits when a batch is larger than any request may be."""
    return problem(413, "Too large", _too_large())


def _slug_from_path() -> str | None:
    """Return the study address in the path (the access check takes it out of view_args)."""
    parts = request.path.split("/")
    return parts[4] if len(parts) > 4 and parts[3] == "studies" else None


@blueprint.get("/openapi.json")
@allow(PUBLIC)
def show_openapi():
    """Send the OpenAPI 3.1 document of the sync API."""
    return openapi_document(url_for("api.show_openapi").rsplit("/", 1)[0])


@blueprint.get("/studies/<study_slug>/questionnaires")
@allow(INTERVIEWERS)
def list_questionnaires():
    """List the latest published version of each of the study's questionnaires."""
    found = services.latest_versions(db.session, g.study)
    return {
        "questionnaires": [
            {
                "questionnaire_id": questionnaire.id,
                "title": questionnaire.title,
                "version_id": version.id,
                "version_number": version.number,
                "published_at": version.published_at.isoformat(),
                "definition_url": url_for("api.show_version", version_id=version.id),
                "media": [
                    url_for(
                        "surveys.show_media",
                        study_slug=g.study.slug,
                        questionnaire_id=questionnaire.id,
                        stored_name=name,
                    )
                    for name in services.pictures_of(version.definition)
                ],
            }
            for questionnaire, version in found
        ]
    }


@blueprint.get("/versions/<int:version_id>")
@allow(SIGNED_IN)
def show_version(version_id: int):
    """Send a published version's definition: it never changes, so it is cached for good."""
    version, study, allowed = services.version_for_interviewer(
        db.session, version_id=version_id, user=current_user
    )
    if version is None:
        return problem(404, "Not found", "There is no published version with that number.")
    if not allowed:
        g.study = study
        raise Forbidden("Only the study's peer researchers can fetch its questionnaires.")
    body = json.dumps(version.definition, sort_keys=True, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    return response.make_conditional(request)


@blueprint.post("/studies/<study_slug>/interviews")
@allow(INTERVIEWERS)
def sync_interviews():
    """Store a batch of interviews and answer with one receipt for each."""
    payload = _read_json()
    if isinstance(payload, Response):
        return payload
    try:
        envelope = BatchEnvelope.model_validate(payload)
    except ValidationError as error:
        return _envelope_problem(error)
    receipts = services.sync_batch(
        db.session,
        study=g.study,
        interviewer=current_user._get_current_object(),
        items=envelope.interviews,
    )
    db.commit()
    return Receipts(receipts=receipts).model_dump(mode="json")


@blueprint.post("/studies/<study_slug>/participant-codes")
@allow(INTERVIEWERS)
def reserve_participant_codes():
    """Make a few participant codes and reserve them for the interviewer's tablet."""
    payload = _read_json()
    if isinstance(payload, Response):
        return payload
    try:
        wanted = consent.CodeRequest.model_validate(payload)
    except ValidationError as error:
        detail = 'Ask for between 1 and 20 codes: {"count": 5}.'
        return problem(400, "Not a request for codes", detail, _field_errors(error))
    codes = consent.reserve_codes(
        db.session, study=g.study, user=current_user._get_current_object(), count=wanted.count
    )
    db.commit()
    return consent.CodeList(codes=codes).model_dump(mode="json"), 201


@blueprint.get("/studies/<study_slug>/consent")
@allow(INTERVIEWERS)
def show_consent_bundle():
    """Send what a tablet needs to take consent offline: the form, the key, the codes."""
    if consent.study_key(db.session, g.study.id) is None:
        with db.writing() as session:  # the study's key pair is made on first use
            consent.ensure_study_key(session, g.study, consent.configured_key_dir())
    bundle = consent.tablet_bundle(db.session, g.study)
    return consent.ConsentBundle.model_validate(bundle).model_dump(mode="json")


@blueprint.post("/studies/<study_slug>/consents")
@allow(INTERVIEWERS)
def sync_consents():
    """Store a batch of consent records and answer with one receipt for each."""
    payload = _read_json()
    if isinstance(payload, Response):
        return payload
    try:
        envelope = consent.ConsentBatchEnvelope.model_validate(payload)
    except ValidationError as error:
        detail = (
            'The request must be an object with a list of at most 20 consents: {"consents": [...]}.'
        )
        return problem(400, "Not a batch of consents", detail, _field_errors(error))
    receipts = consent.receive_consents(
        db.session,
        study=g.study,
        interviewer=current_user._get_current_object(),
        items=envelope.consents,
        key_dir=consent.configured_key_dir(),
    )
    db.commit()
    return _receipts(receipts)


@blueprint.get("/studies/<study_slug>/wellbeing")
@allow(INTERVIEWERS)
def show_wellbeing_bundle():
    """Send what a tablet needs for check-ins and support offline, with the own limit."""
    bundle = wellbeing.tablet_bundle(db.session, g.study, current_user._get_current_object())
    return wellbeing.WellbeingBundle.model_validate(bundle).model_dump(mode="json")


@blueprint.post("/studies/<study_slug>/check-ins")
@allow(INTERVIEWERS)
def sync_check_ins():
    """Store a batch of check-ins and debriefs and answer with one receipt for each."""
    payload = _read_json()
    if isinstance(payload, Response):
        return payload
    try:
        envelope = wellbeing.CheckInBatchEnvelope.model_validate(payload)
    except ValidationError as error:
        detail = (
            f"The request must be an object with a list of at most "
            f'{wellbeing.MAX_CHECK_INS_PER_BATCH} check-ins: {{"check_ins": [...]}}.'
        )
        return problem(400, "Not a batch of check-ins", detail, _field_errors(error))
    interviewer = current_user._get_current_object()
    foreign = services.foreign_interviews(
        db.session,
        study=g.study,
        interviewer=interviewer,
        uuids=wellbeing.interviews_named(envelope.check_ins),
    )
    receipts = wellbeing.receive_check_ins(
        db.session,
        study=g.study,
        interviewer=interviewer,
        items=envelope.check_ins,
        foreign_interviews=foreign,
    )
    db.commit()
    return _receipts(receipts)


@blueprint.post("/studies/<study_slug>/reach-out")
@allow(INTERVIEWERS)
def reach_out():
    """Tell the study's support leads that the interviewer would like to talk to someone."""
    payload = _read_json()
    if isinstance(payload, Response):
        return payload
    try:
        asked = wellbeing.ReachOutIn.model_validate(payload)
    except ValidationError as error:
        detail = 'Send {"uuid": "...", "at": "...", "message": ""}.'
        return problem(400, "Not a request to talk", detail, _field_errors(error))
    try:
        alert, _new = wellbeing.reach_out(
            db.session,
            study=g.study,
            user=current_user._get_current_object(),
            uuid=str(asked.uuid),
            at=asked.at,
            message=asked.message,
        )
    except wellbeing.WellbeingInputError as error:
        db.session.rollback()
        return problem(400, "Not sent", error.message)
    db.commit()
    answer = wellbeing.ReachOutOut(
        uuid=asked.uuid,
        received_at=alert.created_at,
        message="A support lead has been told. They will get in touch with you.",
    )
    return answer.model_dump(mode="json"), 201


def _receipts(receipts: list) -> dict[str, Any]:
    """Return consent or check-in receipts in the interviews' receipt shape."""
    return Receipts(
        receipts=[
            Receipt(
                uuid=receipt.uuid,
                outcome=Outcome(receipt.outcome.value),
                message=receipt.message,
                received_at=receipt.received_at,
            )
            for receipt in receipts
        ]
    ).model_dump(mode="json")


def _read_json() -> Any:
    """Return the request's JSON, or a problem answer when it is not JSON or too large."""
    if request.content_length is not None and request.content_length > limits.MAX_REQUEST_BYTES:
        return problem(413, "Too large", _too_large())
    if not request.is_json:
        return problem(415, "Not JSON", "Send the request as application/json.")
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested thousands deep: no interview looks like that
        payload = None
    except HTTPException as error:  # too large while reading (no Content-Length given)
        return problem(error.code or 400, "Could not read", _too_large())
    if payload is None:
        return problem(400, "Not JSON", "The request could not be read as JSON.")
    return payload


def _too_large() -> str:
    """Say the limits of one batch."""
    return (
        f"A batch may be at most {limits.MAX_REQUEST_BYTES // (1024 * 1024)} MB and hold at "
        f"most {limits.MAX_INTERVIEWS_PER_BATCH} interviews. Send fewer at a time."
    )


def _field_errors(error: ValidationError) -> list[dict]:
    """Return a validation error's problems, each with where it is."""
    return [
        {"location": "/".join(str(part) for part in item["loc"]) or "/", "message": item["msg"]}
        for item in error.errors()[:20]
    ]


def _envelope_problem(error: ValidationError) -> Response:
    """Answer a batch whose envelope is wrong: 413 for too many interviews, else 400."""
    errors = _field_errors(error)
    if any(item["type"] == "too_long" for item in error.errors()):
        return problem(413, "Too large", _too_large(), errors)
    detail = 'The request must be an object with a list of interviews: {"interviews": [...]}.'
    return problem(400, "Not a batch of interviews", detail, errors)
