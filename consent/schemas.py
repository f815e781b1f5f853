"""The shapes of consent as the tablets send and fetch it (pydantic), and what each gets back.

The sync API (in fielding) checks requests with these models and builds its OpenAPI
document from them; `consent.records` checks what the models cannot (the form version,
its statements, the participant code, the sealed details).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from consent.codes import CODE_ALPHABET, MAX_CODES_AT_ONCE
from consent.keys import ALGORITHM
from consent.models import ConsentMethod

MAX_CONSENTS_PER_BATCH = 20
# A signature is at most 200 KB of PNG: as a data URL inside the sealed JSON, and then in
# base64 again, that is about 370,000 characters; the rest of the details is small.
MAX_SEALED_CHARACTERS = 400_000
CODE_REGEX = rf"^[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}$"
Base64 = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$")]


class Strict(BaseModel):
    """A model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Envelope(Strict):
    """The participant's identifiable details, sealed in the browser with the study's key."""

    v: Literal[1]
    alg: Literal["RSA-OAEP-256+A256GCM"] = Field(description=f"Always {ALGORITHM}.")
    kid: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{32}$")] = Field(
        description="The study key's id (from GET consent)."
    )
    key: Annotated[Base64, Field(max_length=1024)] = Field(
        description="The AES-256 key, wrapped with RSA-OAEP (SHA-256), in base64."
    )
    iv: Annotated[Base64, Field(min_length=16, max_length=16)] = Field(
        description="The 12-byte AES-GCM IV, in base64."
    )
    data: Annotated[Base64, Field(max_length=MAX_SEALED_CHARACTERS)] = Field(
        description="The UTF-8 JSON of the details, AES-GCM ciphertext with its tag, in base64."
    )


class ConsentIn(Strict):
    """One consent as the tablet sends it."""

    uuid: UUID = Field(description="Made by the tablet (version 4) when consent is taken.")
    form_version_id: StrictInt = Field(ge=1, le=2**31 - 1)
    language: Annotated[StrictStr, Field(min_length=1, max_length=35)]
    method: ConsentMethod
    participant_code: Annotated[StrictStr, Field(pattern=CODE_REGEX)]
    answers: Annotated[dict[Annotated[str, Field(max_length=40)], StrictBool], Field(max_length=30)]
    given_at: datetime
    identifiable: Envelope


class ConsentBatch(Strict):
    """A batch of consents to store."""

    consents: Annotated[list[ConsentIn], Field(max_length=MAX_CONSENTS_PER_BATCH)]


class ConsentBatchEnvelope(Strict):
    """The batch as a whole, before each consent is checked on its own."""

    consents: Annotated[list[Any], Field(max_length=MAX_CONSENTS_PER_BATCH)]


class CodeRequest(Strict):
    """How many participant codes a tablet asks for."""

    count: StrictInt = Field(ge=1, le=MAX_CODES_AT_ONCE)


class CodeList(BaseModel):
    """Participant codes reserved for the tablet that asked."""

    codes: list[str]


class FormOut(BaseModel):
    """The study's current consent form version."""

    version_id: int
    number: int
    languages: list[str]
    requires_reconsent: bool
    published_at: datetime


class KeyOut(BaseModel):
    """The study's public key, for WebCrypto."""

    kid: str
    spki: str = Field(description="The public key as base64 DER (SubjectPublicKeyInfo).")


class ParticipantStatus(enum.StrEnum):
    """Where a participant's consent stands."""

    ACTIVE = "active"
    NEEDS_RECONSENT = "needs_reconsent"
    WITHDRAWN = "withdrawn"


class ParticipantOut(BaseModel):
    """A participant as the tablet knows them: a code, never a name."""

    code: str
    version_number: int
    status: ParticipantStatus


class ConsentBundle(BaseModel):
    """What a tablet needs to take consent offline."""

    form: FormOut | None
    key: KeyOut
    participants: list[ParticipantOut]


class ConsentOutcome(enum.StrEnum):
    """What happened to one consent of a batch."""

    ACCEPTED = "accepted"  # stored now: the tablet may delete it
    ALREADY_RECEIVED = "already_received"  # stored before: the tablet may delete it
    CONFLICT = "conflict"  # the identifier was used for other answers: nothing stored
    REFUSED = "refused"  # nothing stored: the reason says why


@dataclass(frozen=True)
class ConsentReceipt:
    """What happened to one consent, in plain words."""

    uuid: str | None
    outcome: ConsentOutcome
    message: str
    received_at: datetime | None
