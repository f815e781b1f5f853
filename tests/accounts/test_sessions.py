"""Sign-in sessions live on the server: signing out ends them, whoever holds a cookie copy."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from peer_research.accounts.models import SignInSession
from peer_research.accounts.services import issue_password_reset
from peer_research.audit.models import AuditEvent

from support import PASSWORD, page_text

COOKIE = "peer_research_session"


def copy_of(app, client: FlaskClient) -> FlaskClient:
    """Return another browser holding a copy of the client's session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def another_browser(app) -> FlaskClient:
    """Return a second browser (its own cookies), signed in by the caller."""
    return app.test_client()


def sign_in(client: FlaskClient, user) -> None:
    """Sign the browser in through the real form."""
    response = client.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, page_text(response)


def audit_actions(db_session) -> list[str]:
    """Return the audited actions, oldest first."""
    return list(db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_cookie_copied_before_sign_out_stops_working_after_it(app, client, auth, make_user):
    user = make_user(display_name="Pat Hughes")
    auth.sign_in(user)
    stolen = copy_of(app, client)
    assert "Pat Hughes" in page_text(stolen.get("/account"))  # the copy works while signed in
    client.post("/sign-out")
    response = stolen.get("/account")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_only_a_hash_of_the_session_token_is_stored(app, client, auth, make_user, db_session):
    user = make_user()
    auth.sign_in(user)
    [row] = db_session.scalars(sa.select(SignInSession).where(SignInSession.user_id == user.id))
    with client.session_transaction() as session:
        identity = session["_user_id"]
    token = identity.split(":", 1)[1]
    assert len(token) >= 40
    assert token not in row.token_hash
    assert row.expires_at > row.created_at


def test_signing_out_in_one_browser_leaves_the_others_signed_in(app, client, auth, make_user):
    user = make_user()
    auth.sign_in(user)
    tablet = another_browser(app)
    sign_in(tablet, user)
    client.post("/sign-out")
    assert tablet.get("/account").status_code == 200


def test_sign_out_everywhere_ends_another_browsers_session(
    app, client, auth, make_user, db_session
):
    user = make_user()
    auth.sign_in(user)
    tablet = another_browser(app)
    sign_in(tablet, user)
    assert "You are signed in on 2 devices or browsers" in page_text(client.get("/account"))
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert "You have signed out on every device and browser" in page_text(client.get("/"))
    assert client.get("/account").status_code == 302
    assert tablet.get("/account").status_code == 302
    assert audit_actions(db_session)[-1] == "signed_out_everywhere"
    sign_in(tablet, user)  # signing in again works as usual
    assert tablet.get("/account").status_code == 200


def test_sign_out_everywhere_needs_the_form_token(app, client, auth, make_user):
    auth.sign_in(make_user())
    assert client.post("/account/sign-out-everywhere", csrf=False).status_code == 400
    assert client.get("/account").status_code == 200


def test_the_account_page_explains_sign_out_everywhere(client, auth, make_user):
    auth.sign_in(make_user())
    response = client.get("/account")
    body = response.get_data(as_text=True)
    page = page_text(response)
    assert 'action="/account/sign-out-everywhere"' in body
    assert "Sign out everywhere" in page
    assert "You are signed in here only." in page
    assert "signs you out on every computer, tablet and phone, this one too" in page
    assert "Your password stays the same" in page


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(
    app, client, auth, make_user
):
    user = make_user()
    auth.sign_in(user)
    tablet = another_browser(app)
    sign_in(tablet, user)
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "password": "a brand new long password"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert tablet.get("/account").status_code == 302


def test_a_password_link_ends_every_session_and_signs_in_afresh(
    app, client, auth, make_user, db_session
):
    user = make_user()
    admin = make_user(is_site_admin=True)
    auth.sign_in(user)
    stolen = copy_of(app, client)
    with app.app_context():
        token = issue_password_reset(
            db_session, user=user, issued_by=admin, lifetime=app.config["PASSWORD_RESET_LIFETIME"]
        )
    db_session.commit()
    phone = another_browser(app)
    response = phone.post(
        f"/password/{token}",
        data={"password": "a brand new long password"},
    )
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200
    assert stolen.get("/account").status_code == 302
    assert client.get("/account").status_code == 302


def test_a_mangled_or_forged_session_identity_is_refused(app, client, auth, make_user):
    user = make_user()
    for identity in (f"{user.id}:1", f"{user.id}:" + "A" * 43, "x:y", "", f"{user.id}"):
        with client.session_transaction() as session:
            session["_user_id"] = identity
            session["_fresh"] = True
        assert client.get("/account").status_code == 302, identity


def test_a_form_token_from_before_sign_in_no_longer_works_after_it(app, client, make_user):
    """The CSRF token is rotated at sign-in: one seen on the sign-in page is dead afterwards."""
    user = make_user()
    client.get("/sign-in")
    old_token = client.csrf_token()
    response = client.post(
        "/sign-in",
        data={"username": user.username, "password": PASSWORD, "csrf_token": old_token},
        csrf=False,
    )
    assert response.status_code == 302
    response = client.post(
        "/account/sign-out-everywhere", data={"csrf_token": old_token}, csrf=False
    )
    assert response.status_code == 400
    assert client.get("/account").status_code == 200  # nothing happened
    assert client.post("/account/sign-out-everywhere").status_code == 302  # a fresh token works
