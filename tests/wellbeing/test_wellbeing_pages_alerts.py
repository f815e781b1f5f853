"""The alert pages: support leads see and act on alerts; facilitators see only escalated
ones without any notes; nobody else reads a check-in."""

from __future__ import annotations

import pytest
from wellbeing_pages_world import OTHER_NOTE, OWN_NOTE, make_wellbeing_world  # noqa: F401

from peer_research.wellbeing import services as wellbeing

from support import page_text

NOT_READERS = ("co_researcher", "peer_researcher", "academic_partner", "outsider")


def _alert(db_session, world, alert_id):
    """Return an alert as a support lead sees it (fresh from the database)."""
    db_session.expire_all()
    return wellbeing.alert_for(
        db_session, study=world.study, viewer=world.people["support_lead"], alert_id=alert_id
    ).alert


def test_support_lead_sees_alerts_by_state(client, auth, wellbeing_world):
    """The list shows new alerts with who and why, and counts each state."""
    auth.sign_in(wellbeing_world.people["support_lead"])
    text = page_text(client.get(f"{wellbeing_world.base}/alerts"))
    assert "Felt bad after an interview" in text
    assert "peer_researcher" in text and "Other interviewer" in text
    assert "New (2)" in text and "Followed up (0)" in text
    followed = page_text(client.get(f"{wellbeing_world.base}/alerts?state=followed_up"))
    assert "There are no alerts here." in followed


def test_support_lead_sees_the_check_in_and_its_note(client, auth, wellbeing_world):
    """An alert shows its debrief's answers in words and the interviewer's note."""
    auth.sign_in(wellbeing_world.people["support_lead"])
    response = client.get(f"{wellbeing_world.base}/alerts/{wellbeing_world.alert.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Their debrief" in text
    assert "How are you feeling now the interview is over?" in text
    assert "Very bad" in text
    assert OWN_NOTE in text


def test_acknowledge_then_follow_up_with_a_note(client, auth, db_session, wellbeing_world):
    """A support lead moves an alert from new to acknowledged to followed up, with a note."""
    world = wellbeing_world
    auth.sign_in(world.people["support_lead"])
    url = f"{world.base}/alerts/{world.alert.id}"
    response = client.post(f"{url}/acknowledge", follow_redirects=True)
    assert "You have said you will get in touch." in page_text(response)
    assert _alert(db_session, world, world.alert.id).state == "acknowledged"
    response = client.post(f"{url}/notes", data={"text": "Rang them, they are OK."})
    assert response.status_code == 302
    response = client.post(f"{url}/followed-up", follow_redirects=True)
    text = page_text(response)
    assert "marked as followed up" in text and "Rang them, they are OK." in text
    assert _alert(db_session, world, world.alert.id).state == "followed_up"


def test_acknowledging_twice_says_so_and_changes_nothing(client, auth, db_session, wellbeing_world):
    """A second acknowledgement is a clear message, not an error page."""
    world = wellbeing_world
    auth.sign_in(world.people["support_lead"])
    url = f"{world.base}/alerts/{world.alert.id}/acknowledge"
    client.post(url)
    response = client.post(url, follow_redirects=True)
    assert "already been acknowledged" in page_text(response)


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_huge_notes_are_refused_beside_the_field(
    client, auth, db_session, wellbeing_world, text
):
    """An empty or overlong note shows an error beside the field and adds nothing."""
    world = wellbeing_world
    auth.sign_in(world.people["support_lead"])
    response = client.post(f"{world.base}/alerts/{world.alert.id}/notes", data={"text": text})
    assert response.status_code == 400
    page = page_text(response)
    assert "There is a problem" in page
    assert "Write the note" in page or "2000 characters or fewer" in page
    assert _alert(db_session, world, world.alert.id).notes == []


def test_an_unknown_alert_is_a_404_for_every_action(client, auth, wellbeing_world):
    """An alert that does not exist (or is another study's) is not found, whatever the action."""
    auth.sign_in(wellbeing_world.people["support_lead"])
    base = f"{wellbeing_world.base}/alerts/999999"
    assert client.get(base).status_code == 404
    for action in ("acknowledge", "followed-up", "notes"):
        assert client.post(f"{base}/{action}", data={"text": "x"}).status_code == 404


def test_support_lead_of_another_study_cannot_open_the_alert(client, auth, wellbeing_world):
    """A support lead elsewhere is not a member here: refused."""
    auth.sign_in(wellbeing_world.people["other_support_lead"])
    response = client.get(f"{wellbeing_world.base}/alerts/{wellbeing_world.alert.id}")
    assert response.status_code == 403


def test_facilitator_sees_only_escalated_alerts_without_notes(client, auth, wellbeing_world):
    """A facilitator who is not a support lead sees the escalated alert, no words, no check-in."""
    world = wellbeing_world
    auth.sign_in(world.people["facilitator"])
    listed = page_text(client.get(f"{world.base}/alerts"))
    assert "Other interviewer" in listed and "peer_researcher" not in listed
    response = client.get(f"{world.base}/alerts/{world.escalated.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Felt bad after an interview" in text and "Sent to facilitators" in text
    assert OTHER_NOTE not in text and "Their debrief" not in text and "Very bad" not in text
    assert "Add a note" not in text
    assert client.get(f"{world.base}/alerts/{world.alert.id}").status_code == 404


@pytest.mark.parametrize("action", ["acknowledge", "followed-up", "notes"])
def test_facilitator_cannot_act_on_an_alert(client, auth, db_session, wellbeing_world, action):
    """Acknowledging without being a support lead is refused and changes nothing."""
    world = wellbeing_world
    auth.sign_in(world.people["facilitator"])
    response = client.post(
        f"{world.base}/alerts/{world.escalated.id}/{action}", data={"text": "Hello"}
    )
    assert response.status_code == 403
    alert = _alert(db_session, world, world.escalated.id)
    assert alert.state == "new" and alert.notes == []


def test_facilitator_who_is_also_support_lead_sees_everything(client, auth, wellbeing_world):
    """Holding both roles, a person reads the check-in like any support lead."""
    auth.sign_in(wellbeing_world.people["lead_and_facilitator"])
    text = page_text(client.get(f"{wellbeing_world.base}/alerts/{wellbeing_world.alert.id}"))
    assert OWN_NOTE in text


@pytest.mark.parametrize("identity", NOT_READERS)
def test_others_cannot_read_alerts_or_check_ins(client, auth, wellbeing_world, identity):
    """Co-researchers, interviewers, academic partners and outsiders are refused."""
    world = wellbeing_world
    auth.sign_in(world.people[identity])
    for url in (f"{world.base}/alerts", f"{world.base}/alerts/{world.alert.id}"):
        response = client.get(url)
        assert response.status_code == 403
        assert OWN_NOTE not in response.get_data(as_text=True)


def test_site_admin_cannot_read_check_ins(client, auth, make_user, wellbeing_world):
    """A site administrator who is not a member of the study is refused."""
    auth.sign_in(make_user(is_site_admin=True))
    response = client.get(f"{wellbeing_world.base}/alerts/{wellbeing_world.alert.id}")
    assert response.status_code == 403


def test_a_hidden_note_is_not_shown_to_support_leads(client, auth, db_session, wellbeing_world):
    """When the interviewer hides their note, the alert page says it is private."""
    world = wellbeing_world
    auth.sign_in(world.people["peer_researcher"])
    client.post(f"{world.base}/mine/check-ins/{world.after.id}/privacy", data={"hide": "yes"})
    auth.sign_in(world.people["support_lead"])
    text = page_text(client.get(f"{world.base}/alerts/{world.alert.id}"))
    assert OWN_NOTE not in text
    assert "They chose to keep their note private." in text


def test_navigation_names_each_page_for_who_may_use_it(client, auth, wellbeing_world):
    """Support leads get "Wellbeing", interviewers "My wellbeing", facilitators the summary."""
    home = f"/studies/{wellbeing_world.study.slug}/"
    expected = {
        "support_lead": ("Wellbeing", ("My wellbeing", "Wellbeing summary")),
        "peer_researcher": ("My wellbeing", ("Wellbeing summary",)),
        "facilitator": ("Wellbeing summary", ("My wellbeing",)),
        "co_researcher": (None, ("Wellbeing", "My wellbeing")),
    }
    for identity, (shown, absent) in expected.items():
        auth.sign_in(wellbeing_world.people[identity])
        text = page_text(client.get(home))
        if shown:
            assert shown in text, identity
        for label in absent:
            assert label not in text, (identity, label)
