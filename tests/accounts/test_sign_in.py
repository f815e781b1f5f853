"""Signing in and out, and the slowdown after repeated failures."""

from __future__ import annotations

import sqlalchemy as sa

from peer_research.accounts.models import SignInFailure
from peer_research.audit.models import AuditEvent

from support import PASSWORD, page_text


def audit_actions(db_session) -> list[str]:
    """Return the audited actions, oldest first."""
    return list(db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_with_username_lands_on_your_studies(client, make_member, db_session):
    membership = make_member(display_name="Pat Hughes")
    response = client.post(
        "/sign-in", data={"username": membership.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Your studies" in page
    assert membership.study.title in page
    assert "signed_in" in audit_actions(db_session)
    db_session.refresh(membership.user)
    assert membership.user.last_signed_in_at is not None


def test_sign_in_with_email_in_any_case(client, make_user):
    make_user(email="pat@example.org")
    response = client.post("/sign-in", data={"username": " PAT@example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_is_explained_beside_the_field_and_recorded(client, make_user, db_session):
    user = make_user()
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "not it at all"}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    assert 'id="password-error"' in body
    assert "The username or password is not right" in page_text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SignInFailure)) == 1
    assert audit_actions(db_session)[-1] == "sign_in_failed"


def test_unknown_username_gets_the_same_message(client):
    response = client.post("/sign-in", data={"username": "nobody-here", "password": "whatever123"})
    assert "The username or password is not right" in page_text(response)


def test_empty_form_asks_for_both_fields(client):
    page = page_text(client.post("/sign-in", data={"username": "", "password": ""}))
    assert "Enter your username or e-mail address" in page
    assert "Enter your password" in page


def test_huge_input_is_refused_politely(client):
    response = client.post("/sign-in", data={"username": "a" * 5000, "password": "b" * 5000})
    assert response.status_code == 200
    assert "That is too long to be a username" in page_text(response)


def test_sign_in_pauses_after_repeated_failures_even_from_a_new_session(
    app, client, make_user, db_session
):
    user = make_user()
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES"]):
        client.post("/sign-in", data={"username": user.username, "password": "wrong password"})
    fresh_client = app.test_client()  # another browser: the count lives in the database
    response = fresh_client.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": fresh_client.csrf_token(),
        },
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "too many wrong passwords for this name from here" in page
    assert "Wait 30 seconds" in page
    assert fresh_client.get("/account").status_code == 302  # not signed in
    assert audit_actions(db_session)[-1] == "sign_in_throttled"


def test_successful_sign_in_clears_earlier_failures(client, make_user, db_session):
    user = make_user()
    client.post("/sign-in", data={"username": user.username, "password": "wrong password"})
    client.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SignInFailure)) == 0


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client, make_member):
    membership = make_member()
    study_url = f"/studies/{membership.study.slug}/"
    first = client.get(study_url)
    assert first.status_code == 302
    assert "/sign-in?next=" in first.headers["Location"]
    response = client.post(
        "/sign-in",
        data={"username": membership.user.username, "password": PASSWORD, "next": study_url},
    )
    assert response.headers["Location"] == study_url
    client.post("/sign-out")
    response = client.post(
        "/sign-in",
        data={
            "username": membership.user.username,
            "password": PASSWORD,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, auth, make_user, db_session):
    auth.sign_in(make_user())
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert "You have signed out" in page_text(client.get("/"))
    assert client.get("/account").status_code == 302
    assert audit_actions(db_session)[-1] == "signed_out"


def test_sign_out_without_the_form_token_changes_nothing(client, auth, make_user):
    auth.sign_in(make_user())
    response = client.post("/sign-out", csrf=False)
    assert response.status_code == 400
    assert "Nothing was changed" in page_text(response)
    assert client.get("/account").status_code == 200
