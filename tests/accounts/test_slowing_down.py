"""Slowing down guessing: each promise of accounts/throttle.py, as a person would notice it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from peer_research.accounts import services
from peer_research.accounts.services import issue_password_reset
from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Role

from support import PASSWORD, page_text

STRANGER = "203.0.113.66"
HOME = "198.51.100.7"
DAY_CENTRE = "192.0.2.10"
NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def attempt(client, username, password, address):
    """Post the sign-in form from an address; return the response."""
    return client.post(
        "/sign-in",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def signed_in(response) -> bool:
    """Tell whether a sign-in attempt let the person in."""
    return response.status_code == 302


def events(db_session, action: str) -> list[AuditEvent]:
    """Return the audit entries of one kind, oldest first."""
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db_session.scalars(query))


def test_a_stranger_cannot_lock_the_real_person_out(app, make_user, client, db_session):
    pat = make_user()
    guesses = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"] + 5
    answers = [attempt(client, pat.username, f"guess {n} wrong", STRANGER) for n in range(guesses)]
    assert "Wait" in page_text(answers[-1])  # the stranger is slowed down
    home = app.test_client()
    assert signed_in(attempt(home, pat.username, PASSWORD, HOME))
    assert home.get("/account").status_code == 200


def test_even_the_right_password_waits_when_this_address_has_been_guessing(app, make_user, client):
    pat = make_user()
    for _n in range(app.config["SIGN_IN_MAX_FAILURES"]):
        attempt(client, pat.username, "wrong password", STRANGER)
    response = attempt(client, pat.username, PASSWORD, STRANGER)
    assert not signed_in(response)
    assert "Wait 30 seconds and try again" in page_text(response)


def test_a_made_up_name_is_slowed_exactly_like_a_real_one(app, make_user, client):
    """The pause says nothing about whether an account exists."""
    pat = make_user()
    pages = []
    for name in (pat.username, "nobody-at-all"):
        for _n in range(app.config["SIGN_IN_MAX_FAILURES"]):
            attempt(client, name, "wrong password", STRANGER)
        pages.append(page_text(attempt(client, name, "wrong password", STRANGER)))
    assert "Wait 30 seconds" in pages[0]
    assert pages[0] == pages[1]


def test_the_wait_grows_with_each_failure_from_the_same_address(app, db_session, make_user):
    pat = make_user()
    limits = services.SignInLimits.from_config(app.config)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]

    def sign_in(password, at):
        return services.sign_in(
            db_session,
            identifier=pat.username,
            password=password,
            address=STRANGER,
            limits=limits,
            session_lifetime=lifetime,
            now=at,
        )

    with app.app_context():
        for n in range(limits.per_name_and_address):
            with pytest.raises(services.SignInRefusedError):
                sign_in("wrong password", NOW + timedelta(seconds=n))
        last = NOW + timedelta(seconds=limits.per_name_and_address - 1)
        expected_waits = [30, 60, 120, 240, 480, 900, 900]  # doubling, then the longest pause
        for wait in expected_waits:
            with pytest.raises(services.SignInPausedError):
                sign_in(PASSWORD, last + timedelta(seconds=wait - 1))  # too soon, even if right
            last += timedelta(seconds=wait)
            with pytest.raises(services.SignInRefusedError):
                sign_in("wrong password", last)  # allowed again, but wrong: the wait doubles
        with pytest.raises(services.SignInPausedError, match="Wait 15 minutes"):
            sign_in(PASSWORD, last + timedelta(seconds=1))
        assert sign_in(PASSWORD, last + timedelta(minutes=15)) == pat


def test_a_day_centre_behind_one_address_is_not_locked_out(app, make_user, client, monkeypatch):
    """Many made-up names from one address (a whole NAT) stop nobody with the right password."""
    monkeypatch.setitem(app.config, "SIGN_IN_MAX_FAILURES_PER_ADDRESS", 30)
    pat, lee = make_user(), make_user()
    for n in range(40):  # past the per-address bar
        attempt(client, f"made-up-{n}", "whatever it is", DAY_CENTRE)
    for person in (pat, lee):
        response = attempt(app.test_client(), person.username, PASSWORD, DAY_CENTRE)
        assert signed_in(response), page_text(response)


def test_an_address_guessing_many_names_gets_one_free_failure_per_name(
    app, make_user, client, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGN_IN_MAX_FAILURES_PER_ADDRESS", 30)
    pat = make_user()
    for n in range(30):
        attempt(client, f"made-up-{n}", "whatever it is", STRANGER)
    attempt(client, pat.username, "one wrong guess", STRANGER)
    response = attempt(client, pat.username, "another guess", STRANGER)
    assert "Wait 30 seconds" in page_text(response)


@pytest.fixture
def paused_member(app, client, make_member):
    """Return a facilitator and a member whose sign-in from STRANGER is paused."""
    facilitator = make_member(roles=[Role.FACILITATOR], display_name="Sam Okafor")
    member = make_member(study=facilitator.study, display_name="Pat Hughes")
    for _n in range(app.config["SIGN_IN_MAX_FAILURES"]):
        attempt(client, member.user.username, "wrong password", STRANGER)
    assert "Wait" in page_text(attempt(client, member.user.username, PASSWORD, STRANGER))
    return facilitator, member


def test_a_facilitator_lets_a_paused_member_sign_in_now(
    app, client, auth, db_session, paused_member
):
    facilitator, member = paused_member
    auth.sign_in(facilitator.user)
    people = f"/studies/{facilitator.study.slug}/people"
    page = page_text(client.get(people))
    assert "Pat Hughes Signing in paused" in page
    assert "Let them sign in now (Pat Hughes)" in page
    response = client.post(f"{people}/{member.id}/sign-in-pause")
    assert response.status_code == 302
    page = page_text(client.get(people))
    assert "Pat Hughes can sign in again now." in page
    assert "Signing in paused" not in page
    [event] = events(db_session, "sign_in_pause_lifted")
    assert (event.actor_id, event.subject_user_id, event.study_id) == (
        facilitator.user.id,
        member.user.id,
        facilitator.study.id,
    )
    assert signed_in(attempt(app.test_client(), member.user.username, PASSWORD, STRANGER))


def test_lifting_needs_the_form_token_and_changes_nothing_without_it(
    client, auth, db_session, paused_member
):
    facilitator, member = paused_member
    auth.sign_in(facilitator.user)
    url = f"/studies/{facilitator.study.slug}/people/{member.id}/sign-in-pause"
    assert client.post(url, csrf=False).status_code == 400
    assert events(db_session, "sign_in_pause_lifted") == []


def test_a_facilitator_cannot_lift_a_site_administrators_pause(
    app, client, auth, db_session, make_member
):
    facilitator = make_member(roles=[Role.FACILITATOR])
    admin = make_member(study=facilitator.study, is_site_admin=True)
    for _n in range(app.config["SIGN_IN_MAX_FAILURES"]):
        attempt(client, admin.user.username, "wrong password", STRANGER)
    auth.sign_in(facilitator.user)
    url = f"/studies/{facilitator.study.slug}/people/{admin.id}/sign-in-pause"
    response = client.post(url)
    assert response.status_code == 403
    assert "Only a site administrator" in page_text(response)
    assert events(db_session, "sign_in_pause_lifted") == []


def test_a_password_link_lifts_the_pause(app, client, db_session, make_user, paused_member):
    _facilitator, member = paused_member
    admin = make_user(is_site_admin=True)
    with app.app_context():
        token = issue_password_reset(
            db_session,
            user=member.user,
            issued_by=admin,
            lifetime=app.config["PASSWORD_RESET_LIFETIME"],
        )
    db_session.commit()
    phone = app.test_client()
    response = phone.post(
        f"/password/{token}",
        data={"password": "a brand new long password"},
    )
    assert response.status_code == 302
    [event] = events(db_session, "sign_in_pause_lifted")
    assert event.detail["how"] == "password link"
    assert event.subject_user_id == member.user.id
    response = attempt(client, member.user.username, "a brand new long password", STRANGER)
    assert signed_in(response)


def test_signing_in_forgets_only_this_addresss_failures(app, make_user, client, db_session):
    """The real person signing in does not give a stranger a fresh allowance."""
    pat = make_user()
    limits = services.SignInLimits.from_config(app.config)
    for _n in range(limits.per_name_and_address):
        attempt(client, pat.username, "wrong password", STRANGER)
    attempt(client, pat.username, "one typo", HOME)
    assert signed_in(attempt(app.test_client(), pat.username, PASSWORD, HOME))
    response = attempt(app.test_client(), pat.username, "another guess", STRANGER)
    assert "Wait" in page_text(response)


def test_durations_from_the_environment_are_read_as_seconds(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LONGEST_PAUSE", 600)
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURE_WINDOW", 3600)
    limits = services.SignInLimits.from_config(app.config)
    assert limits.longest_pause == timedelta(minutes=10)
    assert limits.window == timedelta(hours=1)
