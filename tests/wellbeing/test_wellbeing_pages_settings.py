"""The facilitators' summary (5 check-ins or no figure, no names) and the wellbeing
settings with support contacts."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from wellbeing_pages_world import (  # noqa: F401
    OWN_NOTE,
    check_in_item,
    give_check_ins,
    make_wellbeing_world,
)

from peer_research.db import utcnow
from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.figures import month_rows

from support import page_text

NOT_SETTINGS_KEEPERS = ("co_researcher", "peer_researcher", "academic_partner", "outsider")


def test_summary_holds_back_a_month_with_fewer_than_5(client, auth, wellbeing_world):
    """Two debriefs this month: the page says "fewer than 5" and shows no share, no names."""
    auth.sign_in(wellbeing_world.people["facilitator"])
    response = client.get(f"{wellbeing_world.base}/summary")
    assert response.status_code == 200
    text = page_text(response)
    assert "fewer than 5" in text and "not shown" in text and "%" not in text
    assert "peer_researcher" not in text and "Other interviewer" not in text
    assert OWN_NOTE not in text


def test_summary_shows_the_share_once_5_debriefs(client, auth, app, db_session, wellbeing_world):
    """With 5 debriefs this month, the share that raised an alert is shown (no names)."""
    world = wellbeing_world
    # The world's two hard debriefs (72 and 2 hours old) each raised an alert; early in a
    # month the older one belongs to the month before. Calm debriefs make this month 5.
    hard_this_month = sum(_month(hours_ago=h) == _month(hours_ago=0) for h in (72, 2))
    items = [check_in_item("after", "4", hours_ago=n / 1000) for n in range(5 - hard_this_month)]
    with app.test_request_context(method="POST"):
        give_check_ins(db_session, world.study, world.people["other_interviewer"], *items)
    db_session.commit()
    auth.sign_in(world.people["facilitator"])
    text = page_text(client.get(f"{world.base}/summary"))
    assert f"{hard_this_month * 20}%" in text and "5 " in text
    assert "Other interviewer" not in text


def _month(*, hours_ago: float) -> str:
    """Return the month (YYYY-MM) it was some hours ago."""
    return (utcnow() - timedelta(hours=hours_ago)).strftime("%Y-%m")


def test_the_page_holds_back_small_months_whatever_it_is_given():
    """Even figures marked as shown are held back when they rest on fewer than 5."""
    given = [
        SimpleNamespace(month="2026-10", shown=True, debriefs=4, alert_share=0.5, average_score=3),
        SimpleNamespace(month="2026-11", shown=True, debriefs=5, alert_share=0.2, average_score=4),
    ]
    newest, oldest = month_rows(given)
    assert (newest.month, newest.share, newest.debriefs) == ("2026-11", 20, 5)
    assert oldest.held_back and oldest.share is None and oldest.average_score is None


@pytest.mark.parametrize("identity", ["support_lead", *NOT_SETTINGS_KEEPERS])
def test_only_facilitators_see_the_summary(client, auth, wellbeing_world, identity):
    """Everyone else is refused the summary."""
    auth.sign_in(wellbeing_world.people[identity])
    assert client.get(f"{wellbeing_world.base}/summary").status_code == 403


@pytest.mark.parametrize("identity", ["facilitator", "support_lead"])
def test_settings_change_low_score_and_escalation(
    client, auth, db_session, wellbeing_world, identity
):
    """Facilitators and support leads change when alerts are raised and escalated."""
    world = wellbeing_world
    auth.sign_in(world.people[identity])
    page = page_text(client.get(f"{world.base}/settings"))
    assert "How are you feeling right now?" in page and "Samaritans" in page
    response = client.post(
        f"{world.base}/settings", data={"low_score": "1", "escalate_after_hours": "48"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    settings = wellbeing.settings_for(db_session, world.study)
    assert (settings.low_score, settings.escalate_after_hours) == (1, 48)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"low_score": "5", "escalate_after_hours": "24"}, "Not a valid choice"),
        ({"low_score": "2", "escalate_after_hours": "0"}, "Enter a number from 1 to 336"),
        ({"low_score": "2", "escalate_after_hours": "lots"}, "Not a valid integer value"),
        ({"escalate_after_hours": "24"}, "Choose when a debrief should raise an alert"),
    ],
)
def test_wrong_settings_are_refused_beside_the_field(
    client, auth, db_session, wellbeing_world, data, message
):
    """Out-of-range and missing settings are errors beside the field; nothing changes."""
    world = wellbeing_world
    auth.sign_in(world.people["facilitator"])
    response = client.post(f"{world.base}/settings", data=data)
    assert response.status_code == 400
    assert message in page_text(response)
    db_session.expire_all()
    assert wellbeing.settings_for(db_session, world.study).escalate_after_hours == 24


def test_changing_a_questions_words(client, auth, db_session, wellbeing_world):
    """The check-in question's words and help change; the debrief keeps its own."""
    world = wellbeing_world
    auth.sign_in(world.people["support_lead"])
    url = f"{world.base}/settings/questions/before/feeling"
    assert 'value="How are you feeling right now?"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"label": "How do you feel?", "hint": "Pick a face."})
    assert response.status_code == 302
    db_session.expire_all()
    before, after = (
        wellbeing.settings_for(db_session, world.study).questions[k] for k in ("before", "after")
    )
    assert before[0]["label"]["en"] == "How do you feel?"
    assert before[0]["hint"]["en"] == "Pick a face."
    assert after[0]["label"]["en"] == "How are you feeling now the interview is over?"


def test_wording_errors_and_unknown_questions(client, auth, wellbeing_world):
    """Empty words are an error beside the field; an unknown question is not found."""
    world = wellbeing_world
    auth.sign_in(world.people["facilitator"])
    url = f"{world.base}/settings/questions/before/feeling"
    response = client.post(url, data={"label": " ", "hint": ""})
    assert response.status_code == 400 and "Write the question" in page_text(response)
    assert client.get(f"{world.base}/settings/questions/before/nothing").status_code == 404
    assert client.get(f"{world.base}/settings/questions/during/feeling").status_code == 404


def test_support_contacts_add_edit_reorder_remove(client, auth, db_session, wellbeing_world):
    """A contact is added at the end, changed, moved up, then removed."""
    world = wellbeing_world
    auth.sign_in(world.people["facilitator"])
    response = client.post(
        f"{world.base}/settings/resources/new",
        data={"title": "Jo, support lead", "contact": "07700 900123", "description": ""},
    )
    assert response.status_code == 302

    def titles():
        db_session.expire_all()
        return [r.title for r in wellbeing.support_resources(db_session, world.study)]

    assert titles() == ["Samaritans", "Jo, support lead"]
    jo = wellbeing.support_resources(db_session, world.study)[1]
    client.post(
        f"{world.base}/settings/resources/{jo.id}",
        data={"title": "Jo Bloggs", "contact": "07700 900123", "opening_hours": "9 to 5"},
    )
    client.post(f"{world.base}/settings/resources/{jo.id}/move", data={"direction": "up"})
    assert titles() == ["Jo Bloggs", "Samaritans"]
    assert "Remove Jo Bloggs?" in page_text(
        client.get(f"{world.base}/settings/resources/{jo.id}/remove")
    )
    client.post(f"{world.base}/settings/resources/{jo.id}/remove")
    assert titles() == ["Samaritans"]


def test_support_contact_errors(client, auth, db_session, wellbeing_world):
    """A contact with no name or a huge description is refused beside the field."""
    world = wellbeing_world
    auth.sign_in(world.people["support_lead"])
    response = client.post(
        f"{world.base}/settings/resources/new",
        data={"title": "", "contact": "x", "description": "d" * 1001},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter a name" in text and "1000 characters or fewer" in text
    assert len(wellbeing.support_resources(db_session, world.study)) == 1
    assert client.get(f"{world.base}/settings/resources/999999").status_code == 404
    response = client.post(f"{world.base}/settings/resources/999999/move", data={"direction": "up"})
    assert response.status_code == 404


@pytest.mark.parametrize("identity", NOT_SETTINGS_KEEPERS)
def test_others_cannot_change_settings(client, auth, db_session, wellbeing_world, identity):
    """Co-researchers, interviewers, academic partners and outsiders are refused."""
    world = wellbeing_world
    auth.sign_in(world.people[identity])
    assert client.get(f"{world.base}/settings").status_code == 403
    response = client.post(
        f"{world.base}/settings", data={"low_score": "1", "escalate_after_hours": "1"}
    )
    assert response.status_code == 403
    assert wellbeing.settings_for(db_session, world.study).low_score == 2
