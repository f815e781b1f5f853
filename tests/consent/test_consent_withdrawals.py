"""Withdrawal, as consent sees it: refused for unknown codes, details removed, audited, told."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consent import services as consent
from consent.models import ConsentRecord, Withdrawal
from consent.signals import participant_withdrawn
from peer_research.audit.models import AuditEvent
from peer_research.errors import DomainError

from consent_world import consent_item


@pytest.fixture
def consented(consent_world, receive):
    """Return the world once its participant consented."""
    item = consent_item(consent_world.version.id, consent_world.code, consent_world.key)
    assert receive(item)[0].outcome == "accepted"
    return consent_world


def withdraw(app, db_session, world, choice, code=None):
    with app.test_request_context(method="POST"):
        return consent.withdraw(
            db_session,
            study=world.study,
            code=world.code if code is None else code,
            choice=choice,
            reason="Phoned the team",
            by=world.facilitator,
        )


def test_removing_everything_drops_the_sealed_details(app, db_session, consented):
    heard = []

    def listen(_sender, **facts):
        heard.append(facts)

    participant_withdrawn.connect(listen)
    try:
        withdrawal = withdraw(app, db_session, consented, consent.WithdrawalChoice.REMOVE_ALL)
    finally:
        participant_withdrawn.disconnect(listen)
    db_session.expire_all()
    stored = db_session.scalars(sa.select(ConsentRecord)).one()
    assert stored.identifiable is None
    assert stored.identifiable_removed_at is not None
    assert db_session.scalar(sa.text("SELECT identifiable FROM consent_records")) is None
    assert withdrawal.choice == "remove_all"
    assert heard[0]["participant_code"] == consented.code
    assert heard[0]["choice"] == consent.WithdrawalChoice.REMOVE_ALL
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "participant_withdrawn")
    ).one()
    assert event.detail == {
        "participant_code": consented.code,
        "choice": "remove_all",
        "details_removed": 1,
    }
    assert consent.open_record_details(stored, key_dir=consented.key_dir) is None


def test_keeping_what_was_analysed_keeps_the_details(app, db_session, consented):
    withdraw(app, db_session, consented, consent.WithdrawalChoice.KEEP_ANALYSED)
    db_session.expire_all()
    stored = db_session.scalars(sa.select(ConsentRecord)).one()
    assert stored.identifiable is not None
    assert consent.withdrawal_of(db_session, consented.study.id, consented.code) is not None


@pytest.mark.parametrize("code", ["AAA-CCC", "not a code", ""])
def test_an_unknown_code_is_refused_and_nothing_changes(app, db_session, consented, code):
    with pytest.raises(DomainError, match="no participant with that code"):
        withdraw(app, db_session, consented, consent.WithdrawalChoice.REMOVE_ALL, code=code)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Withdrawal)) == 0


def test_withdrawing_twice_is_refused(app, db_session, consented):
    withdraw(app, db_session, consented, consent.WithdrawalChoice.KEEP_ANALYSED)
    with pytest.raises(DomainError, match="already withdrawn"):
        withdraw(app, db_session, consented, consent.WithdrawalChoice.REMOVE_ALL)


def test_a_typed_code_in_small_letters_is_found(app, db_session, consented):
    withdrawal = withdraw(
        app, db_session, consented, consent.WithdrawalChoice.KEEP_ANALYSED, code="kt7 m4c"
    )
    assert withdrawal.participant_code == "KT7-M4C"
