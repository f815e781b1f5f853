"""Participant codes: easy to read aloud, no look-alikes, unique in the study, reserved."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consent import codes
from consent.models import ParticipantCode
from peer_research.errors import DomainError


def test_the_alphabet_has_no_look_alike_characters():
    """Of each group of look-alikes at most one is used (6 stays; G, like 6, goes)."""
    for look_alike in "0O1IL2Z5S8BUVG":
        assert look_alike not in codes.CODE_ALPHABET
    for group in ("0O", "1IL", "2Z", "5S", "8B", "UV", "G6"):
        assert sum(character in codes.CODE_ALPHABET for character in group) <= 1
    assert len(set(codes.CODE_ALPHABET)) == len(codes.CODE_ALPHABET) == 21


def test_a_code_is_three_and_three_characters():
    for _ in range(200):
        code = codes.new_code()
        assert re.fullmatch(r"[ACDEFHJKMNPRTWXY34679]{3}-[ACDEFHJKMNPRTWXY34679]{3}", code)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("kt7-m4c", "KT7-M4C"), (" KT7 M4C ", "KT7-M4C"), ("KT7M4C", "KT7-M4C"), ("KT0-M4C", None)],
)
def test_a_typed_code_is_read_as_stored(typed, stored):
    assert codes.normalise_code(typed) == stored


def test_codes_are_reserved_for_the_interviewer(app, db_session, consent_world):
    with app.app_context():
        made = codes.reserve_codes(
            db_session, study=consent_world.study, user=consent_world.interviewer, count=20
        )
    assert len(made) == len(set(made)) == 20
    rows = db_session.scalars(
        sa.select(ParticipantCode).where(ParticipantCode.code.in_(made))
    ).all()
    assert {row.reserved_for_id for row in rows} == {consent_world.interviewer.id}
    assert all(row.used_at is None for row in rows)


def test_a_code_already_in_the_study_is_never_given_again(
    app, db_session, consent_world, monkeypatch
):
    """Even when chance offers the study's existing code first, the new one is different."""
    offered = iter([consent_world.code, consent_world.code, "AAA-AAA", "CCC-CCC"])
    monkeypatch.setattr(codes, "new_code", lambda: next(offered))
    with app.app_context():
        made = codes.reserve_codes(
            db_session, study=consent_world.study, user=consent_world.interviewer, count=1
        )
    assert made[0] != consent_world.code
    assert made[0] in {"AAA-AAA", "CCC-CCC"}


@pytest.mark.parametrize("count", [0, 21, -1])
def test_a_wrong_number_of_codes_is_refused(app, db_session, consent_world, count):
    with app.app_context(), pytest.raises(DomainError):
        codes.reserve_codes(
            db_session, study=consent_world.study, user=consent_world.interviewer, count=count
        )
