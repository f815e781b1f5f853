"""Password rules, changing your password, and single-use reset links."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.accounts.passwords import password_problem
from peer_research.accounts.services import issue_password_reset
from peer_research.audit.models import AuditEvent

from support import PASSWORD, page_text


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 8 characters"),
        ("password123", "too common"),
        ("x" * 201, "200 characters or fewer"),
        ("patricia", "not be your name"),
    ],
)
def test_password_rules_explain_the_problem(app, password, problem):
    with app.test_request_context():
        assert problem in password_problem(password, personal_words=("patricia",))


@pytest.mark.parametrize(
    "password", ["four words for me", "Kettle!!", "correcthorse", "ÿ" * 8, "日本語のパスワード"]
)
def test_passphrases_and_any_characters_are_welcome(app, password):
    with app.test_request_context():
        assert password_problem(password) is None


def test_change_password_needs_the_current_one(client, auth, make_user):
    auth.sign_in(make_user())
    response = client.post(
        "/account", data={"current_password": "not my password", "password": "new long passphrase"}
    )
    assert "Your current password is not right" in page_text(response)


def test_change_password_refuses_a_common_one(client, auth, make_user):
    auth.sign_in(make_user())
    response = client.post("/account", data={"current_password": PASSWORD, "password": "password1"})
    assert "too common" in page_text(response)


def test_change_password_ends_other_sessions(app, client, auth, make_user, db_session):
    user = make_user()
    auth.sign_in(user)
    other_device = app.test_client()
    other_device.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": other_device.csrf_token(),
        },
    )
    assert other_device.get("/account").status_code == 200
    response = client.post(
        "/account", data={"current_password": PASSWORD, "password": "a brand new passphrase"}
    )
    assert response.status_code == 302
    assert "Your password has been changed" in page_text(client.get("/account"))
    assert other_device.get("/account").status_code == 302
    actions = db_session.scalars(sa.select(AuditEvent.action)).all()
    assert "password_changed" in actions


def make_reset(app, db_session, user, issuer, lifetime=timedelta(days=3)) -> str:
    """Issue a reset link and return its token."""
    with app.app_context():
        token = issue_password_reset(db_session, user=user, issued_by=issuer, lifetime=lifetime)
    db_session.commit()
    return token


def test_reset_link_sets_a_new_password_and_signs_in(app, client, make_user, db_session):
    user, admin = make_user(display_name="Pat Hughes"), make_user(is_site_admin=True)
    token = make_reset(app, db_session, user, admin)
    page = page_text(client.get(f"/password/{token}"))
    assert "Choose a new password" in page
    assert "Pat Hughes" in page
    response = client.post(f"/password/{token}", data={"password": "sunny garden morning"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert (
        client.post(
            "/sign-in", data={"username": user.username, "password": "sunny garden morning"}
        ).status_code
        == 302
    )


def test_reset_link_works_once(app, client, make_user, db_session):
    user, admin = make_user(), make_user(is_site_admin=True)
    token = make_reset(app, db_session, user, admin)
    client.post(f"/password/{token}", data={"password": "sunny garden morning"})
    client.post("/sign-out")
    response = client.get(f"/password/{token}")
    assert response.status_code == 410
    assert "already been used" in page_text(response)
    actions = db_session.scalars(sa.select(AuditEvent.action)).all()
    assert "password_reset_refused" in actions


def test_expired_and_unknown_reset_links_are_refused(app, client, make_user, db_session):
    user, admin = make_user(), make_user(is_site_admin=True)
    expired = make_reset(app, db_session, user, admin, lifetime=timedelta(seconds=-1))
    assert "expired" in page_text(client.get(f"/password/{expired}"))
    assert "not right" in page_text(client.get("/password/made-up-token"))


def test_a_new_reset_link_replaces_the_old_one(app, client, make_user, db_session):
    user, admin = make_user(), make_user(is_site_admin=True)
    first = make_reset(app, db_session, user, admin)
    make_reset(app, db_session, user, admin)
    assert client.get(f"/password/{first}").status_code == 410


def test_reset_with_a_weak_password_keeps_the_link_usable(app, client, make_user, db_session):
    user, admin = make_user(), make_user(is_site_admin=True)
    token = make_reset(app, db_session, user, admin)
    response = client.post(f"/password/{token}", data={"password": "short"})
    assert "at least 8 characters" in page_text(response)
    assert client.get(f"/password/{token}").status_code == 200
