"""Participant codes: short, easy to read aloud, without look-alike characters, unique in a study.

Codes are made on the server only. A tablet asks for a few while it is online and keeps
them, so two tablets offline at once never give the same code to two people.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consent.models import ParticipantCode
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study

# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V, G/6.
CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}$")
MAX_CODES_AT_ONCE = 20
_ATTEMPTS = 5


def new_code() -> str:
    """Return a random code in its shown form, e.g. "KT7-M4C"."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{letters[:3]}-{letters[3:]}"


def normalise_code(text: str) -> str | None:
    """Return a code as stored ("KT7-M4C") from what someone typed ("kt7 m4c"), or None."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    letters = re.sub(r"[\s\-]", "", text).upper()
    code = f"{letters[:3]}-{letters[3:]}"
    return code if CODE_PATTERN.match(code) else None


def reserve_codes(session: Session, *, study: Study, user: User, count: int) -> list[str]:
    """Make `count` new codes for the study and reserve them for one interviewer's tablet."""
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise DomainError(_("Ask for between 1 and %(n)d codes.", n=MAX_CODES_AT_ONCE))
    for _attempt in range(_ATTEMPTS):
        codes = _fresh_codes(session, study.id, count)
        try:
            with session.begin_nested():
                now = utcnow()
                session.add_all(
                    ParticipantCode(
                        study_id=study.id, code=code, reserved_for_id=user.id, reserved_at=now
                    )
                    for code in codes
                )
        except IntegrityError:  # another tablet took one of them at the same moment: again
            continue
        return codes
    raise DomainError(_("No new participant codes could be made just now. Try again."))


def _fresh_codes(session: Session, study_id: int, count: int) -> list[str]:
    """Return `count` different codes not yet used in the study."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_code() for _ in range((count - len(codes)) * 2)}
        taken = set(
            session.scalars(
                sa.select(ParticipantCode.code).where(
                    ParticipantCode.study_id == study_id, ParticipantCode.code.in_(wanted)
                )
            )
        )
        codes |= wanted - taken
    return list(codes)[:count]


def code_of_study(session: Session, study_id: int, code: str) -> ParticipantCode | None:
    """Return the study's participant code row, or None when the study never made that code."""
    return session.scalars(
        sa.select(ParticipantCode).where(
            ParticipantCode.study_id == study_id, ParticipantCode.code == code
        )
    ).first()
