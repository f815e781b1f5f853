"""A study with people in every role around wellbeing, and check-ins as a tablet sends them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GIVEN_AT = "2026-11-30T09:55:00+00:00"


def check_in(kind: str = "after", *, score: int | str = 4, **changes: Any) -> dict[str, Any]:
    """Return a check-in (kind "before") or debrief (kind "after") that passes every check."""
    answers: dict[str, Any] = {"feeling": str(score)}
    if kind == "before":
        answers["ready"] = "yes"
    else:
        answers.update({"upsetting": "no", "get_in_touch": "no"})
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "kind": kind,
        "interview_uuid": str(uuid.uuid4()),
        "given_at": GIVEN_AT,
        "answers": answers,
        "note": "",
    }
    data.update(changes)
    return data


def at(text: str) -> datetime:
    """Return an aware UTC moment from "2026-12-01 10:00"."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@dataclass
class WellbeingWorld:
    """A study with one person per role (two peer researchers, and a facilitator who is
    also a support lead), an outsider and a site administrator."""

    study: Any
    interviewer: Any
    other_interviewer: Any
    support_lead: Any
    facilitator: Any
    facilitator_and_lead: Any
    co_researcher: Any
    academic_partner: Any
    site_admin: Any
    outsider: Any

    @property
    def check_ins_url(self) -> str:
        """Return where the tablet posts check-ins."""
        return f"/api/v1/studies/{self.study.slug}/check-ins"
