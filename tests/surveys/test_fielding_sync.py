"""Syncing interviews through the service: stored once, checked again, nothing lost."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from surveys import definition as d
from surveys.fielding import services as fs
from surveys.services import import_questionnaire, publish_version

from fielding_world import EN, interview, text


@pytest.fixture
def sync(app, db_session, fielding):
    """Return a function that syncs interviews as the peer researcher and commits."""

    def run(*items, user=None):
        with app.test_request_context(method="POST"):
            receipts = fs.sync_batch(
                db_session,
                study=fielding_world.study,
                interviewer=user or fielding_world.interviewer,
                items=list(items),
            )
        db_session.commit()
        return receipts

    fielding_world = fielding
    return run


def rows_of(db_session, uuid: str) -> set[tuple[str, str]]:
    """Return the answer rows stored for an interview."""
    stored = db_session.scalar(sa.select(fs.Interview).where(fs.Interview.uuid == uuid))
    return set(
        db_session.execute(
            sa.select(fs.Answer.question_key, fs.Answer.value).where(
                fs.Answer.interview_id == stored.id
            )
        ).all()
    )


def held(db_session) -> list:
    """Return every held submission."""
    return list(db_session.scalars(sa.select(fs.HeldSubmission)))


def test_a_good_interview_is_stored_one_row_per_answer_with_what_was_sent(
    db_session, fielding, sync
):
    sent = interview(fielding.version.id)
    (receipt,) = sync(sent)
    assert receipt.outcome == "accepted"
    assert receipt.received_at is not None
    rows = rows_of(db_session, sent["uuid"])
    assert {
        ("consent_read", "OK"),
        ("age", "70"),
        ("gets_help", "yes"),
        ("help_kinds", "cooking"),
        ("help_kinds", "other"),
        ("help_kinds:other", "Shopping"),
        ("birth_year", "1956"),
        ("helpers[1]/helper_name", "Ann"),
        ("helpers[1]/helper_hours", "4.5"),
        ("helpers[2]/helper_name", "Bo"),
        ("helpers[2]/helper_hours", "2"),
        ("priorities#1", "health"),
        ("priorities#2", "company"),
        ("priorities#3", "money"),
        ("visit_day", "2026-11-29"),
        ("feeling", "good"),
    } <= rows
    stored = db_session.scalar(sa.select(fs.Interview))
    db_session.refresh(stored)
    assert stored.submitted == sent
    assert stored.notes == ["Quiet room; the cat joined in."]
    assert stored.notes_for_release is False
    assert stored.interviewer_id == fielding.interviewer.id


def test_a_replay_gets_its_first_receipt_and_stores_nothing_more(db_session, fielding, sync):
    sent = interview(fielding.version.id)
    (first,) = sync(sent)
    (again,) = sync(dict(reversed(list(sent.items()))))  # same content, keys in another order
    assert again.outcome == "already_received"
    assert again.received_at == first.received_at
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 1
    assert held(db_session) == []


def test_the_same_identifier_with_other_answers_is_a_conflict_kept_for_review(
    db_session, fielding, sync
):
    sent = interview(fielding.version.id)
    sync(sent)
    changed = {**sent, "answers": {**sent["answers"], "age": 71}}
    (receipt,) = sync(changed)
    assert receipt.outcome == "conflict"
    (again,) = sync(changed)
    assert again.outcome == "conflict"
    (kept,) = held(db_session)
    assert kept.kind == "conflict"
    db_session.refresh(kept)
    assert kept.submitted["answers"]["age"] == 71
    assert rows_of(db_session, sent["uuid"]) >= {("age", "70")}


def test_an_answer_breaking_a_rule_is_quarantined_with_the_reason(db_session, fielding, sync):
    sent = interview(fielding.version.id)
    sent["answers"]["age"] = 15
    (receipt,) = sync(sent)
    assert receipt.outcome == "quarantined"
    assert "age" in receipt.message and "18 to 119" in receipt.message
    (kept,) = held(db_session)
    assert kept.kind == "quarantined"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 0
    (replayed,) = sync(sent)
    assert replayed.outcome == "quarantined"
    assert replayed.received_at == receipt.received_at
    assert len(held(db_session)) == 1


def test_answers_to_questions_not_asked_are_dropped_and_the_drop_recorded(
    db_session, fielding, sync
):
    sent = interview(fielding.version.id)
    sent["answers"]["gets_help"] = "no"  # help_kinds is asked only after "yes"
    (receipt,) = sync(sent)
    assert receipt.outcome == "accepted"
    rows = rows_of(db_session, sent["uuid"])
    assert not any(key.startswith("help_kinds") for key, _value in rows)
    stored = db_session.scalar(sa.select(fs.Interview))
    assert {"question": "help_kinds", "reason": "not asked"} in stored.dropped


def test_calculations_are_worked_out_again(db_session, fielding, sync):
    sent = interview(fielding.version.id)
    sent["answers"]["birth_year"] = "1900"
    sync(sent)
    assert ("birth_year", "1956") in rows_of(db_session, sent["uuid"])
    stored = db_session.scalar(sa.select(fs.Interview))
    assert stored.dropped[0]["reason"] == "worked out again"


def test_a_stopped_interview_is_kept_as_partial(db_session, fielding, sync):
    sent = interview(
        fielding.version.id,
        status="stopped",
        stop_reason="upset",
        stop_note="Talked about her husband",
        finished_at=None,
        answers={"consent_read": True, "age": 80},
        repeats={},
    )
    (receipt,) = sync(sent)
    assert receipt.outcome == "accepted", receipt.message
    stored = db_session.scalar(sa.select(fs.Interview))
    assert (stored.status, stored.stop_reason) == ("stopped", "upset")
    assert rows_of(db_session, sent["uuid"]) == {
        ("consent_read", "OK"),
        ("age", "80"),
        ("birth_year", "1946"),
    }


def test_a_stopped_interview_still_needs_the_required_answers_before_the_stop(fielding, sync):
    sent = interview(
        fielding.version.id,
        status="stopped",
        stop_reason="tired",
        answers={"consent_read": True, "gets_help": "no"},  # age was skipped before the stop
        repeats={},
    )
    (receipt,) = sync(sent)
    assert receipt.outcome == "quarantined"
    assert "'age' must be answered" in receipt.message


def test_a_required_question_skipped_by_the_distress_protocol_is_not_a_mistake(fielding, sync):
    sent = interview(fielding.version.id, skipped=["age"])  # "Skip this question" was tapped
    del sent["answers"]["age"]
    (receipt,) = sync(sent)
    assert receipt.outcome == "accepted"
    not_skipped = interview(fielding.version.id)
    del not_skipped["answers"]["age"]
    (receipt,) = sync(not_skipped)
    assert receipt.outcome == "quarantined"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"age": "70"}, "should be a whole number"),
        ({"gets_help": "maybe"}, "is not one of its choices"),
        ({"help_kinds": "cooking", "help_kinds:other": None}, "should be a list"),
        ({"visit_day": "2026-02-30"}, "should be a date"),
        ({"consent_read": False}, "should be true"),
        ({"favourite_colour": "blue"}, "does not ask"),
        ({"helper_name": "Ann"}, "asked in a repeat"),
        ({"postcode": "€" * 700}, "bytes"),
        ({"age": None, "consent_read": True}, "'age' must be answered"),
        ({"priorities": ["money", "money"]}, "twice"),
        ({"help_kinds:other": "€" * 700}, "bytes"),
        ({"help_kinds": ["cooking"]}, "'Other' was not chosen"),
        ({"feeling:other": "fine"}, "does not offer"),
    ],
)
def test_wrong_answers_are_quarantined_in_plain_words(fielding, sync, change, words):
    sent = interview(fielding.version.id)
    sent["answers"].update(change)
    (receipt,) = sync(sent)
    assert receipt.outcome == "quarantined"
    assert words in receipt.message


def test_a_repeat_with_the_wrong_number_of_items_is_quarantined(fielding, sync):
    sent = interview(fielding.version.id)
    sent["repeats"]["helpers"].append({"helper_name": "Cy"})
    (receipt,) = sync(sent)
    assert receipt.outcome == "quarantined"
    assert "'helpers' should have 2 items, but 3 were sent" in receipt.message


def test_one_bad_interview_does_not_sink_the_batch(db_session, fielding, sync):
    good = interview(fielding.version.id)
    wrong_shape = interview(fielding.version.id, status="paused")
    receipts = sync(good, {"uuid": "not a uuid"}, ["not", "an", "object"], wrong_shape)
    assert [r.outcome for r in receipts] == ["accepted", "refused", "refused", "quarantined"]
    assert "status" in receipts[3].message
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 1


def test_a_version_of_another_study_is_quarantined_and_audited(
    app, db_session, fielding, sync, make_member
):
    other = make_member(roles=["facilitator"])
    with app.app_context():
        questionnaire = import_questionnaire(
            db_session,
            study=other.study,
            definition=d.FormDefinition(
                "Other", (EN,), (d.Question("x", d.QuestionType.TEXT, text("X")),)
            ),
            imported_by=other.user,
        )
        version = publish_version(db_session, questionnaire=questionnaire, published_by=other.user)
    db_session.commit()
    (receipt,) = sync(interview(version.id, answers={}, repeats={}))
    assert receipt.outcome == "quarantined"
    assert "not a published version of this study" in receipt.message
    assert db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sync_refused"))


def test_an_identifier_of_another_interviewer_is_refused_and_audited(
    db_session, fielding, sync, make_member
):
    sent = interview(fielding.version.id)
    sync(sent)
    other = make_member(study=fielding.study, roles=["peer_researcher"]).user
    (receipt,) = sync(sent, user=other)
    assert receipt.outcome == "refused"
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sync_refused"))
    assert event.actor_id == other.id


def test_a_crafted_answer_cannot_make_a_pattern_backtrack_for_seconds(
    app, db_session, fielding, sync
):
    form = d.FormDefinition(
        "Codes",
        (EN,),
        (d.Question("code", d.QuestionType.TEXT, text("Code"), constraint="regex(., '(a+)+$')"),),
    )
    with app.app_context():
        questionnaire = import_questionnaire(
            db_session, study=fielding.study, definition=form, imported_by=fielding.facilitator
        )
        version = publish_version(
            db_session, questionnaire=questionnaire, published_by=fielding.facilitator
        )
    db_session.commit()
    crafted = interview(version.id, answers={"code": "a" * 1990 + "!"}, repeats={})
    started = time.monotonic()
    (receipt,) = sync(crafted)
    assert time.monotonic() - started < 5  # a backtracking search would take far longer
    assert receipt.outcome == "quarantined"
    assert "took too long" in receipt.message
    (fine,) = sync(interview(version.id, answers={"code": "aaa"}, repeats={}))
    assert fine.outcome == "accepted"


def test_an_interview_without_a_consent_is_kept_on_the_tablet(db_session, fielding, sync):
    """No valid consent: nothing stored, nothing held, and the tablet is told why."""
    (receipt,) = sync(interview(fielding.version.id, participant_code="AAA-CCC"))
    assert receipt.outcome == "needs_consent"
    assert "no consent for participant AAA-CCC" in receipt.message
    assert receipt.received_at is None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.HeldSubmission)) == 0


def test_an_interview_keeps_its_participant_code(db_session, fielding, sync):
    (receipt,) = sync(interview(fielding.version.id))
    assert receipt.outcome == "accepted"
    stored = db_session.scalars(sa.select(fs.Interview)).one()
    assert stored.participant_code == fielding.code


def test_an_interview_without_a_participant_code_is_held(db_session, fielding, sync):
    sent = interview(fielding.version.id)
    del sent["participant_code"]
    (receipt,) = sync(sent)
    assert receipt.outcome == "quarantined"
    assert "participant_code" in receipt.message


def test_the_same_interview_twice_in_one_batch_is_stored_once(db_session, fielding, sync):
    sent = interview(fielding.version.id)
    changed = {**sent, "notes": ["Another note"]}
    receipts = sync(sent, dict(sent), changed)
    assert [r.outcome for r in receipts] == ["accepted", "already_received", "conflict"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 1


def test_a_twin_request_storing_first_turns_the_batch_into_replays(
    db_session, fielding, sync, monkeypatch
):
    """If the batch's write loses a race, each interview is synced again on its own."""
    from surveys.fielding import sync as sync_module

    sent = interview(fielding.version.id)

    def twin_stores_it_meanwhile(batch, checked_interview):
        """Write the same interview as a twin request would, after the batch looked it up."""
        batch.session.execute(
            sa.insert(fs.Interview.__table__),
            {
                "uuid": sent["uuid"],
                "study_id": fielding.study.id,
                "version_id": fielding.version.id,
                "interviewer_id": fielding.interviewer.id,
                "language": "en",
                "status": "complete",
                "started_at": batch.now,
                "received_at": batch.now,
                "content_hash": sync_module.content_hash(sent),
                "submitted": sent,
                "dropped": [],
                "notes": [],
                "notes_for_release": False,
            },
        )
        return None

    monkeypatch.setattr(sync_module, "consent_gate", twin_stores_it_meanwhile)
    (receipt,) = sync(sent)
    assert receipt.outcome == "already_received"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(fs.Interview)) == 1
