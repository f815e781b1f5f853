"""The consent gate: a valid consent on the right version, and no withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consent.gate import ConsentGate, consent_problem
from consent.models import WithdrawalChoice
from consent.withdrawals import withdraw
from peer_research.db import clock_at, utcnow

from consent_world import consent_item, publish_consent_form


@pytest.fixture
def consented(consent_world, receive):
    """Return the world once its participant consented on version 1; and the consent."""
    item = consent_item(consent_world.version.id, consent_world.code, consent_world.key)
    (receipt,) = receive(item)
    assert receipt.outcome == "accepted"
    return consent_world, item


def problem(app, db_session, world, started_at, **extra):
    with app.app_context():
        return consent_problem(
            db_session,
            study_id=world.study.id,
            participant_code=world.code,
            started_at=started_at,
            **extra,
        )


def test_no_consent_record_no_interview(app, db_session, consent_world):
    found = problem(app, db_session, consent_world, utcnow())
    assert "no consent for participant KT7-M4C" in found


def test_a_consent_lets_the_interview_in(app, db_session, consented):
    world, item = consented
    assert problem(app, db_session, world, utcnow()) is None
    assert problem(app, db_session, world, utcnow(), consent_uuid=item["uuid"]) is None


def test_a_named_consent_that_has_not_arrived_holds_the_interview(app, db_session, consented):
    world, _item = consented
    found = problem(
        app, db_session, world, utcnow(), consent_uuid="0" * 8 + "-0000-4000-8000-" + "0" * 12
    )
    assert "has not reached the server yet" in found


def test_a_withdrawn_participant_gives_no_more_interviews(app, db_session, consented):
    world, _item = consented
    with app.test_request_context(method="POST"):
        withdraw(
            db_session,
            study=world.study,
            code=world.code,
            choice=WithdrawalChoice.KEEP_ANALYSED,
            reason="",
            by=world.facilitator,
        )
    assert "has withdrawn" in problem(app, db_session, world, utcnow())


def publish_reconsent_at(app, db_session, world, moment):
    """Publish a version 2 that asks for consent again, at a given moment."""
    with app.app_context(), clock_at(moment):
        version = publish_consent_form(
            db_session, world.study, world.facilitator, requires_reconsent=True
        )
    db_session.commit()
    return version


def test_a_new_version_asking_again_before_the_interview_started_holds_it(
    app, db_session, consented
):
    world, _item = consented
    published = utcnow() - timedelta(hours=2)
    publish_reconsent_at(app, db_session, world, published)
    found = problem(app, db_session, world, published + timedelta(minutes=30))
    assert "needs to consent again on version 2" in found


def test_a_new_version_published_after_the_interview_started_does_not(app, db_session, consented):
    world, _item = consented
    published = utcnow() - timedelta(hours=2)
    publish_reconsent_at(app, db_session, world, published)
    assert problem(app, db_session, world, published - timedelta(minutes=30)) is None


def test_a_new_version_that_does_not_ask_again_lets_old_consents_stand(app, db_session, consented):
    world, _item = consented
    with app.app_context():
        publish_consent_form(db_session, world.study, world.facilitator, requires_reconsent=False)
    db_session.commit()
    assert problem(app, db_session, world, utcnow() + timedelta(minutes=1)) is None


def test_consenting_again_on_the_new_version_lets_the_interview_in(
    app, db_session, consented, receive
):
    world, _item = consented
    published = utcnow() - timedelta(hours=2)
    version = publish_reconsent_at(app, db_session, world, published)
    (receipt,) = receive(consent_item(version.id, world.code, world.key))
    assert receipt.outcome == "accepted"
    assert problem(app, db_session, world, utcnow()) is None


def test_the_gate_answers_a_whole_batch_from_three_queries(app, db_session, consented):
    from sqlalchemy import event

    world, _item = consented
    statements = []
    engine = db_session.get_bind().engine

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        gate = ConsentGate.for_codes(db_session, world.study.id, {world.code, "AAA-CCC"})
        with app.app_context():
            answers = [gate.problem(code, utcnow()) for code in [world.code, "AAA-CCC"] * 50]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 3
    assert answers[0] is None and answers[1] is not None
