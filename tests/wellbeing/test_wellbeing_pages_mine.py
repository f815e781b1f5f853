"""The interviewer's own wellbeing pages: history, chart and its table, notes, limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from wellbeing_pages_world import OTHER_NOTE, OWN_NOTE, make_wellbeing_world  # noqa: F401

from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.chart import MOST_POINTS, build_chart, score_y

from support import page_text


def _fresh(db_session, check_in):
    """Return a check-in as stored now."""
    db_session.expire_all()
    return db_session.get(type(check_in), check_in.id)


def test_interviewer_sees_their_history_chart_and_table(client, auth, wellbeing_world):
    """The page draws an SVG chart with a title and description, and the same points in a
    table, newest first."""
    auth.sign_in(wellbeing_world.people["peer_researcher"])
    response = client.get(f"{wellbeing_world.base}/mine")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'role="img"' in body and '<title id="chart-title">' in body
    assert '<desc id="chart-description">' in body and "stroke-dasharray" in body
    text = page_text(response)
    assert "2 check-ins from" in text
    table = text[text.index("Your check-ins, newest first") :]
    assert table.index("After the interview") < table.index("Before the interview")
    assert "1 (Very bad)" in table and "4 (Good)" in table
    assert OTHER_NOTE not in body  # someone else's check-in never shows


def test_interviewer_with_no_check_ins_is_told_plainly(client, auth, make_member, wellbeing_world):
    """Someone who has not checked in yet sees a plain sentence, not an empty chart."""
    newcomer = make_member(study=wellbeing_world.study, roles=["peer_researcher"]).user
    auth.sign_in(newcomer)
    text = page_text(client.get(f"{wellbeing_world.base}/mine"))
    assert "You have not given a check-in yet." in text
    assert "Samaritans" in text and "116 123" in text


def test_interviewer_adds_to_and_hides_their_note(client, auth, db_session, wellbeing_world):
    """Adding keeps the old words; hiding keeps it from the support leads; showing returns it."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    url = f"{world.base}/mine/check-ins/{world.after.id}"
    assert OWN_NOTE in page_text(client.get(url))
    response = client.post(f"{url}/note", data={"text": "I feel better today."})
    assert response.status_code == 302
    note = _fresh(db_session, world.after).note
    assert note.startswith(OWN_NOTE) and note.endswith("I feel better today.")
    client.post(f"{url}/privacy", data={"hide": "yes"})
    assert _fresh(db_session, world.after).note_hidden
    assert "This note is hidden." in page_text(client.get(url))
    client.post(f"{url}/privacy", data={"hide": "no"})
    assert not _fresh(db_session, world.after).note_hidden


@pytest.mark.parametrize("text", ["", "  ", "x" * 2001])
def test_empty_or_huge_additions_are_refused_beside_the_field(
    client, auth, db_session, wellbeing_world, text
):
    """An empty or overlong addition is an error beside the field; the note is unchanged."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    response = client.post(
        f"{world.base}/mine/check-ins/{world.after.id}/note", data={"text": text}
    )
    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert _fresh(db_session, world.after).note == OWN_NOTE


def test_someone_elses_check_in_is_not_found(client, auth, db_session, wellbeing_world):
    """Another interviewer's check-in is a 404 to read, add to or hide; nothing changes."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    url = f"{world.base}/mine/check-ins/{world.other_after.id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/note", data={"text": "Mine now"}).status_code == 404
    assert client.post(f"{url}/privacy", data={"hide": "yes"}).status_code == 404
    stored = _fresh(db_session, world.other_after)
    assert stored.note == OTHER_NOTE and not stored.note_hidden


@pytest.mark.parametrize(
    "identity", ["support_lead", "facilitator", "co_researcher", "academic_partner", "outsider"]
)
def test_only_interviewers_have_a_my_wellbeing_page(client, auth, wellbeing_world, identity):
    """Other roles are refused the interviewer's pages (and see no one's notes)."""
    auth.sign_in(wellbeing_world.people[identity])
    url = f"{wellbeing_world.base}/mine/check-ins/{wellbeing_world.after.id}"
    for address in (f"{wellbeing_world.base}/mine", url):
        response = client.get(address)
        assert response.status_code == 403
        assert OWN_NOTE not in response.get_data(as_text=True)


def test_interviewer_sets_and_clears_their_limit(client, auth, db_session, wellbeing_world):
    """A limit of 2 is saved; an empty box means no limit."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    response = client.post(f"{world.base}/mine/limit", data={"max_interviews_per_day": "2"})
    assert response.status_code == 302
    limit = wellbeing.limit_for(db_session, study=world.study, user=world.people["peer_researcher"])
    assert limit.max_interviews_per_day == 2
    client.post(f"{world.base}/mine/limit", data={"max_interviews_per_day": ""})
    db_session.expire_all()
    limit = wellbeing.limit_for(db_session, study=world.study, user=world.people["peer_researcher"])
    assert limit.max_interviews_per_day is None


@pytest.mark.parametrize("value", ["0", "21", "-1", "two", "9" * 30])
def test_a_wrong_limit_is_refused_beside_the_field(
    client, auth, db_session, wellbeing_world, value
):
    """Numbers out of range and words are an error beside the box; nothing is saved."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    response = client.post(f"{world.base}/mine/limit", data={"max_interviews_per_day": value})
    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert (
        wellbeing.limit_for(db_session, study=world.study, user=world.people["peer_researcher"])
        is None
    )


def _point(hours: int, score: int, kind: str = "before"):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return SimpleNamespace(given_at=start + timedelta(hours=hours), score=score, kind=kind)


def test_chart_puts_better_feelings_higher_and_keeps_time_order():
    """Points run left to right in time; a score of 5 is drawn above a score of 1."""
    chart = build_chart([_point(2, 5, "after"), _point(1, 1)])
    before, after = chart.series
    assert before.points[0].x < after.points[0].x
    assert after.points[0].y < before.points[0].y == score_y(1)
    assert before.path.startswith("M") and chart.shown == chart.total == 2


def test_chart_shows_the_latest_points_and_skips_impossible_scores():
    """Only the latest points are drawn; a score outside 1 to 5 is never drawn."""
    points = [_point(hour, 1 + hour % 5) for hour in range(MOST_POINTS + 5)]
    chart = build_chart([*points, _point(999, 9)])
    assert chart.shown == MOST_POINTS and chart.total == MOST_POINTS + 5
    assert chart.first == points[5].given_at and chart.last == points[-1].given_at
    assert build_chart([]).is_empty
