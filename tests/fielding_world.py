"""A study ready for fieldwork: a published questionnaire, a peer researcher, interviews."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from surveys import definition as d

EN = d.Language("en", "English")
CODE = "KT7-M4C"  # the participant who consented in the `fielding` fixture


def text(words: str) -> dict[str, str]:
    """Return English text."""
    return {"en": words}


def choices(*names: str) -> tuple[d.Choice, ...]:
    """Return choices labelled by their names."""
    return tuple(d.Choice(name, text(name.replace("_", " ").title())) for name in names)


Q = d.QuestionType
FIELDING_FORM = d.FormDefinition(
    title="Help at home",
    languages=(EN,),
    items=(
        d.Question("intro", Q.NOTE, text("Thank you for talking to us.")),
        d.Question("consent_read", Q.ACKNOWLEDGE, text("I have read this"), required=True),
        d.Question(
            "age",
            Q.INTEGER,
            text("How old are you?"),
            required=True,
            constraint=". >= 18 and . < 120",
            constraint_message=text("18 to 119"),
        ),
        d.Question(
            "gets_help",
            Q.YES_NO,
            text("Do you get help at home?"),
            required=True,
            choices=choices("yes", "no"),
        ),
        d.Question(
            "help_kinds",
            Q.SELECT_MULTIPLE,
            text("What help?"),
            relevance="${gets_help} = 'yes'",
            choices=choices("cooking", "cleaning"),
            other_option=True,
        ),
        d.Question(
            "postcode",
            Q.TEXT,
            text("Postcode area"),
            constraint="regex(., '^[A-Z]{1,2}[0-9]{1,2}$')",
        ),
        d.Question("birth_year", Q.CALCULATE, text("Birth year"), calculation="2026 - ${age}"),
        d.Question("helpers_count", Q.INTEGER, text("How many people help you?")),
        d.Section(
            "helpers",
            text("People who help"),
            repeat=True,
            repeat_count="${helpers_count}",
            items=(
                d.Question("helper_name", Q.TEXT, text("Their first name"), required=True),
                d.Question("helper_hours", Q.DECIMAL, text("Hours a week")),
            ),
        ),
        d.Question(
            "priorities",
            Q.RANKING,
            text("Put these in order"),
            choices=choices("money", "company", "health"),
        ),
        d.Question("visit_day", Q.DATE, text("When did they last visit?")),
        d.Question(
            "feeling",
            Q.RATING,
            text("How do you feel?"),
            required=True,
            choices=choices("bad", "ok", "good"),
        ),
    ),
)


def interview(version_id: int, **changes: Any) -> dict[str, Any]:
    """Return a complete interview that passes every check, with changes."""
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "participant_code": CODE,
        "version_id": version_id,
        "language": "en",
        "started_at": "2026-11-30T10:00:00+00:00",
        "finished_at": "2026-11-30T10:40:00+00:00",
        "status": "complete",
        "stop_reason": None,
        "stop_note": None,
        "answers": {
            "consent_read": True,
            "age": 70,
            "gets_help": "yes",
            "help_kinds": ["cooking", "other"],
            "help_kinds:other": "Shopping",
            "postcode": "LS6",
            "birth_year": "1956",
            "helpers_count": 2,
            "priorities": ["health", "company", "money"],
            "visit_day": "2026-11-29",
            "feeling": "good",
        },
        "repeats": {
            "helpers": [
                {"helper_name": "Ann", "helper_hours": 4.5},
                {"helper_name": "Bo", "helper_hours": 2},
            ]
        },
        "notes": ["Quiet room; the cat joined in."],
    }
    data.update(changes)
    return data


@dataclass
class FieldingWorld:
    """A study with a published questionnaire, a peer researcher and a facilitator."""

    study: Any
    interviewer: Any
    facilitator: Any
    questionnaire: Any
    version: Any
    url: str  # where the batch is posted
    consent_version: Any = None  # the study's published consent form version
    key: Any = None  # the study's public key (consent.models.StudyKey)
    code: str = CODE  # a participant who consented
