"""The shapes of the sync API's requests and answers (pydantic), and its OpenAPI document.

The same models validate what the tablets send and describe it in `/api/v1/openapi.json`,
so the document cannot drift from the checks. A batch is checked in two steps: the
envelope (`BatchEnvelope`: a list of at most MAX_INTERVIEWS_PER_BATCH items) refuses the
whole request when it is wrong; each item is then checked on its own (`InterviewIn`), so one
bad interview gets its own receipt and does not sink the others.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from consent.services import CODE_REGEX, CodeList, CodeRequest, ConsentBatch, ConsentBundle
from peer_research.wellbeing.services import (
    CheckInBatch,
    ReachOutIn,
    ReachOutOut,
    WellbeingBundle,
)
from surveys.fielding import limits
from surveys.fielding.models import InterviewStatus, StopReason

Name = Annotated[str, Field(min_length=1, max_length=limits.MAX_NAME_LENGTH)]
Text = Annotated[StrictStr, Field(max_length=limits.MAX_ANSWER_BYTES)]
ChoiceList = Annotated[list[Text], Field(max_length=limits.MAX_CHOICES)]
AnswerValue = StrictBool | StrictInt | StrictFloat | Text | ChoiceList
Answers = Annotated[
    dict[Name, AnswerValue | None],
    Field(
        max_length=limits.MAX_ANSWERS,
        description=(
            "Answers by question name: text, dates (YYYY-MM-DD), times (HH:MM) and single "
            "choices as strings; whole numbers and decimals as numbers; select-multiple and "
            "ranking as lists of choice names (ranking in order); acknowledge as true. "
            "The text of 'Other, please say' is under '<question name>:other'."
        ),
    ),
]
RepeatItem = Annotated[
    dict[Name, AnswerValue | None], Field(max_length=limits.MAX_ANSWERS_PER_ITEM)
]


class Strict(BaseModel):
    """A model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class InterviewIn(Strict):
    """One interview as the tablet sends it."""

    uuid: UUID = Field(description="Made by the tablet (version 4) when the interview starts.")
    participant_code: Annotated[StrictStr, Field(pattern=CODE_REGEX)] = Field(
        description="The participant's code (from POST participant-codes), e.g. KT7-M4C: "
        "the only link between the interview and a person."
    )
    consent_uuid: UUID | None = Field(
        default=None, description="The consent taken just before this interview, if any."
    )
    version_id: StrictInt = Field(ge=1, le=2**31 - 1)
    language: Annotated[StrictStr, Field(min_length=1, max_length=35)]
    started_at: datetime
    finished_at: datetime | None = None
    status: InterviewStatus
    stop_reason: StopReason | None = None
    stop_note: Annotated[StrictStr, Field(max_length=limits.MAX_STOP_NOTE_LENGTH)] | None = None
    answers: Answers = Field(default_factory=dict)
    repeats: Annotated[
        dict[Name, Annotated[list[RepeatItem], Field(max_length=limits.MAX_REPEAT_ITEMS)]],
        Field(max_length=limits.MAX_REPEAT_SECTIONS),
    ] = Field(default_factory=dict, description="Each repeat section's items, in order.")
    notes: Annotated[
        list[Annotated[StrictStr, Field(max_length=limits.MAX_NOTE_LENGTH)]],
        Field(max_length=limits.MAX_NOTES),
    ] = Field(default_factory=list, description="The interviewer's notes; never released.")
    skipped: Annotated[list[Name], Field(max_length=limits.MAX_ANSWERS)] = Field(
        default_factory=list,
        description="Questions skipped on purpose (the distress protocol): a required "
        "question left unanswered here is not a mistake.",
    )


class Batch(Strict):
    """A batch of interviews to store."""

    interviews: Annotated[list[InterviewIn], Field(max_length=limits.MAX_INTERVIEWS_PER_BATCH)]


class BatchEnvelope(Strict):
    """The batch as a whole, before each interview is checked on its own."""

    interviews: Annotated[list[Any], Field(max_length=limits.MAX_INTERVIEWS_PER_BATCH)]


class Outcome(enum.StrEnum):
    """What happened to one interview of a batch."""

    ACCEPTED = "accepted"  # stored now: the tablet may delete it
    ALREADY_RECEIVED = "already_received"  # stored before: the tablet may delete it
    CONFLICT = "conflict"  # the identifier was used for other answers: kept for review
    QUARANTINED = "quarantined"  # failed the checks: kept for a facilitator, with the reason
    REFUSED = "refused"  # nothing kept (no identifier, or not this study's): keep it
    NEEDS_CONSENT = "needs_consent"  # nothing kept: no valid consent yet; keep it, send later


class Receipt(BaseModel):
    """What happened to one interview: the tablet deletes it only on accepted/already_received
    (and may on conflict and quarantined, which the server keeps)."""

    uuid: str | None
    outcome: Outcome
    message: str
    received_at: datetime | None


class Receipts(BaseModel):
    """The answer to a batch: one receipt per interview, in the order sent."""

    receipts: list[Receipt]


class QuestionnaireOut(BaseModel):
    """The latest published version of one questionnaire."""

    questionnaire_id: int
    title: str
    version_id: int
    version_number: int
    published_at: datetime
    definition_url: str
    media: list[str]


class QuestionnaireList(BaseModel):
    """The questionnaires an interviewer may use in a study."""

    questionnaires: list[QuestionnaireOut]


class FieldError(BaseModel):
    """One problem with one part of a request."""

    location: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details answer."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


def openapi_document(server_url: str = "/api/v1") -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the sync API, built from the models above."""
    components: dict[str, Any] = {}
    models = (Batch, Receipts, QuestionnaireList, Problem, ConsentBatch, CodeRequest, CodeList)
    wellbeing_models = (CheckInBatch, ReachOutIn, ReachOutOut, WellbeingBundle)
    for model in (*models, ConsentBundle, *wellbeing_models):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    problem = _response("Problem details", "Problem", "application/problem+json")
    errors = {str(code): problem for code in (400, 401, 403, 404, 413, 415)}
    slug = {"name": "study_slug", "in": "path", "required": True, "schema": {"type": "string"}}
    version = {
        "name": "version_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "peer-research sync API", "version": "1"},
        "servers": [{"url": server_url}],
        "paths": {
            "/studies/{study_slug}/questionnaires": {
                "get": {
                    "operationId": "listQuestionnaires",
                    "summary": "The latest published version of each questionnaire",
                    "parameters": [slug],
                    "responses": {
                        "200": _response("Questionnaires", "QuestionnaireList"),
                        **errors,
                    },
                }
            },
            "/versions/{version_id}": {
                "get": {
                    "operationId": "getVersion",
                    "summary": "A published version's definition (never changes)",
                    "parameters": [version],
                    "responses": {
                        "200": {
                            "description": "The definition",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **errors,
                    },
                }
            },
            "/studies/{study_slug}/interviews": {
                "post": {
                    "operationId": "syncInterviews",
                    "summary": "Store a batch of interviews; one receipt each",
                    "parameters": [slug],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}
                        },
                    },
                    "responses": {"200": _response("Receipts", "Receipts"), **errors},
                }
            },
            **_consent_paths(slug, errors),
            **_wellbeing_paths(slug, errors),
        },
        "components": {"schemas": components},
    }


def _consent_paths(slug: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """Return the paths that take consent: codes, the tablet's bundle, consent records."""
    return {
        "/studies/{study_slug}/participant-codes": {
            "post": {
                "operationId": "reserveParticipantCodes",
                "summary": "Make participant codes and reserve them for this tablet",
                "parameters": [slug],
                "requestBody": _body("CodeRequest"),
                "responses": {"201": _response("The codes", "CodeList"), **errors},
            }
        },
        "/studies/{study_slug}/consent": {
            "get": {
                "operationId": "getConsentBundle",
                "summary": "The consent form, the study's public key and participants by code",
                "parameters": [slug],
                "responses": {"200": _response("The bundle", "ConsentBundle"), **errors},
            }
        },
        "/studies/{study_slug}/consents": {
            "post": {
                "operationId": "syncConsents",
                "summary": "Store a batch of consent records; one receipt each",
                "parameters": [slug],
                "requestBody": _body("ConsentBatch"),
                "responses": {"200": _response("Receipts", "Receipts"), **errors},
            }
        },
    }


def _wellbeing_paths(slug: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """Return the paths of the interviewers' wellbeing: the bundle, check-ins, reaching out."""
    return {
        "/studies/{study_slug}/wellbeing": {
            "get": {
                "operationId": "getWellbeingBundle",
                "summary": "Check-in questions, support, and the interviewer's own limit",
                "parameters": [slug],
                "responses": {"200": _response("The bundle", "WellbeingBundle"), **errors},
            }
        },
        "/studies/{study_slug}/check-ins": {
            "post": {
                "operationId": "syncCheckIns",
                "summary": "Store a batch of check-ins and debriefs; one receipt each",
                "parameters": [slug],
                "requestBody": _body("CheckInBatch"),
                "responses": {"200": _response("Receipts", "Receipts"), **errors},
            }
        },
        "/studies/{study_slug}/reach-out": {
            "post": {
                "operationId": "reachOut",
                "summary": "I'd like to talk to someone: tell the study's support leads",
                "parameters": [slug],
                "requestBody": _body("ReachOutIn"),
                "responses": {"201": _response("Told", "ReachOutOut"), **errors},
            }
        },
    }


def _body(schema: str) -> dict[str, Any]:
    """Return a required JSON request body pointing at a component schema."""
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _response(
    description: str,
    schema: str,
    media_type: Literal["application/json", "application/problem+json"] = "application/json",
) -> dict[str, Any]:
    """Return an OpenAPI response object pointing at a component schema."""
    return {
        "description": description,
        "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
