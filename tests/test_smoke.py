"""The first pages answer."""

from support import page_text


def test_welcome_page_invites_signing_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.get_data(as_text=True)


def test_member_sees_study_home(client, auth, make_member):
    membership = make_member()
    auth.sign_in(membership.user)
    response = client.get(f"/studies/{membership.study.slug}/")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert membership.study.title in page_text(response)
