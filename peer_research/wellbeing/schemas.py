"""The shapes of wellbeing as the tablets send and fetch it (pydantic), and the receipts.

The sync API (in fielding) checks requests with these models and builds its OpenAPI
document from them; `wellbeing.checkins` checks what the models cannot (the study's
questions, the score, whose check-in it is).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr

MAX_CHECK_INS_PER_BATCH = 50
MAX_NOTE_CHARACTERS = 5000


class Strict(BaseModel):
    """A model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class CheckInIn(Strict):
    """One check-in (before an interview) or debrief (after it) as the tablet sends it."""

    uuid: UUID = Field(description="Made by the tablet (version 4) when the check-in is given.")
    kind: Literal["before", "after"]
    interview_uuid: UUID | None = Field(
        default=None, description="The interview it belongs to (the interview's own uuid)."
    )
    given_at: AwareDatetime
    answers: dict[Annotated[StrictStr, Field(max_length=100)], Any] = Field(
        max_length=50, description="By question name; `feeling` is the score, '1' to '5'."
    )
    note: Annotated[StrictStr, Field(max_length=MAX_NOTE_CHARACTERS)] = ""


class CheckInBatch(Strict):
    """A batch of check-ins, as the OpenAPI document shows it."""

    check_ins: list[CheckInIn] = Field(max_length=MAX_CHECK_INS_PER_BATCH)


class CheckInBatchEnvelope(Strict):
    """A batch whose check-ins are read one by one (a bad one never sinks the others)."""

    check_ins: list[Any] = Field(max_length=MAX_CHECK_INS_PER_BATCH)


class ReachOutIn(Strict):
    """ "I'd like to talk to someone", sent at once or queued on the tablet."""

    uuid: UUID = Field(description="Made by the tablet (version 4); a resend is not repeated.")
    at: AwareDatetime
    message: Annotated[StrictStr, Field(max_length=MAX_NOTE_CHARACTERS)] = ""


class ReachOutOut(BaseModel):
    """What a reach-out got back."""

    uuid: UUID
    received_at: datetime
    message: str


class ResourceOut(BaseModel):
    """A support resource, as the tablet shows it offline."""

    title: str
    description: str
    contact: str
    opening_hours: str


class LimitOut(BaseModel):
    """The interviewer's own limit (a reminder, never a block)."""

    max_interviews_per_day: StrictInt | None


class WellbeingBundle(BaseModel):
    """What a tablet needs for check-ins, debriefs and support, offline."""

    questions: dict[str, list[dict[str, Any]]]
    low_score: int
    resources: list[ResourceOut]
    limit: LimitOut


class CheckInOutcome(enum.StrEnum):
    """What happened to one check-in of a batch (the interviews' and consents' words)."""

    ACCEPTED = "accepted"  # stored now: the tablet may delete it
    ALREADY_RECEIVED = "already_received"  # stored before: the tablet may delete it
    CONFLICT = "conflict"  # the identifier was used for other answers: nothing stored
    REFUSED = "refused"  # nothing stored: the reason says why


@dataclass(frozen=True)
class CheckInReceipt:
    """What happened to one check-in, in plain words."""

    uuid: str | None
    outcome: CheckInOutcome
    message: str
    received_at: datetime | None
