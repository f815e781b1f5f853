"""Check-ins from the tablet: stored once, replays and conflicts, and every bad input."""

from __future__ import annotations

import sqlalchemy as sa
from wellbeing_world import check_in

from peer_research.wellbeing import services as wellbeing


def stored(db_session) -> list:
    """Return the stored check-ins."""
    return list(db_session.scalars(sa.select(wellbeing.CheckIn).order_by(wellbeing.CheckIn.id)))


def test_a_check_in_and_a_debrief_are_stored_with_their_score(db_session, wb, receive):
    before = check_in("before", score=4, note="A bit nervous")
    after = check_in("after", score=3, interview_uuid=before["interview_uuid"])
    receipts = receive(before, after)
    assert [receipt.outcome for receipt in receipts] == ["accepted", "accepted"]
    first, second = stored(db_session)
    assert (first.kind, first.score, first.note, first.interviewer_id) == (
        "before",
        4,
        "A bit nervous",
        wb.interviewer.id,
    )
    assert (second.kind, second.score, second.interview_uuid) == (
        "after",
        3,
        before["interview_uuid"],
    )


def test_a_replay_gets_its_first_receipt_and_other_content_is_a_conflict(db_session, wb, receive):
    sent = check_in(score=4)
    (first,) = receive(sent)
    (again,) = receive(dict(reversed(list(sent.items()))))  # same content, keys in other order
    assert (again.outcome, again.received_at) == ("already_received", first.received_at)
    changed = {**sent, "answers": {**sent["answers"], "feeling": "1"}}
    (conflict,) = receive(changed)
    assert conflict.outcome == "conflict"
    assert [row.score for row in stored(db_session)] == [4]
    assert db_session.scalar(sa.select(sa.func.count(wellbeing.Alert.id))) == 0


def test_nobody_can_send_a_check_in_under_someone_elses_identifier(db_session, wb, receive):
    sent = check_in(score=4)
    receive(sent)
    (receipt,) = receive(sent, user=wb.other_interviewer)
    assert receipt.outcome == "refused"
    assert "another study or person" in receipt.message
    assert [row.interviewer_id for row in stored(db_session)] == [wb.interviewer.id]


def test_a_check_in_naming_someone_elses_interview_is_refused(db_session, wb, receive):
    sent = check_in()
    (receipt,) = receive(sent, foreign_interviews={sent["interview_uuid"]})
    assert receipt.outcome == "refused"
    assert "someone else's interview" in receipt.message
    assert stored(db_session) == []


def test_an_interview_that_has_not_arrived_yet_may_be_named(db_session, wb, receive):
    (receipt,) = receive(check_in("before"))  # the check-in comes before its interview
    assert receipt.outcome == "accepted"


def test_one_interview_has_one_debrief(db_session, wb, receive):
    first = check_in()
    second = check_in(interview_uuid=first["interview_uuid"])
    outcomes = [receipt.outcome for receipt in receive(first, second)]
    assert outcomes == ["accepted", "refused"]
    assert len(stored(db_session)) == 1


def test_scores_out_of_range_and_wrong_answers_are_refused_and_nothing_is_stored(
    db_session, wb, receive
):
    wrong = [
        check_in(score=6),
        check_in(score=0),
        check_in(answers={"feeling": 3, "upsetting": "no", "get_in_touch": "no"}),
        check_in(answers={"upsetting": "no", "get_in_touch": "no"}),
        check_in(answers={"feeling": "3", "upsetting": "maybe", "get_in_touch": "no"}),
        check_in(answers={"feeling": "3", "ready": "yes", "secret": "x"}),
        check_in(kind="during"),
        check_in(given_at="2099-01-01T00:00:00+00:00"),
        check_in(given_at="2026-11-30T09:55:00"),  # no time zone
        check_in(note="x" * 5001),
        check_in(uuid="not-a-uuid"),
        check_in(extra="field"),
        "not an object",
    ]
    receipts = receive(*wrong)
    assert [receipt.outcome for receipt in receipts] == ["refused"] * len(wrong)
    assert all(receipt.message for receipt in receipts)
    assert stored(db_session) == []
    assert db_session.scalar(sa.select(sa.func.count(wellbeing.Alert.id))) == 0


def test_one_bad_check_in_never_sinks_the_others(db_session, wb, receive):
    receipts = receive(check_in(score=9), check_in(score=5))
    assert [receipt.outcome for receipt in receipts] == ["refused", "accepted"]
    assert [row.score for row in stored(db_session)] == [5]


def test_a_studys_own_questions_are_what_answers_must_fit(app, db_session, wb, receive):
    questions = wellbeing.default_questions()
    questions["after"].append(
        {"kind": "question", "name": "slept", "type": "integer", "label": {"en": "Hours slept"}}
    )
    with app.test_request_context(method="POST"):
        wellbeing.update_settings(
            db_session, study=wb.study, editor=wb.support_lead, questions=questions
        )
    db_session.commit()
    good = check_in()
    good["answers"]["slept"] = 7
    bad = check_in()
    bad["answers"]["slept"] = "seven"
    assert [receipt.outcome for receipt in receive(good, bad)] == ["accepted", "refused"]
