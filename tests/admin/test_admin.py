"""Site administration: creating studies, inviting facilitators, password links, site activity."""

from __future__ import annotations

import sqlalchemy as sa

from peer_research.studies.models import Membership, Role, Study

from support import page_text


def test_admin_creates_a_study_and_becomes_its_facilitator(client, auth, make_user, db_session):
    admin = make_user(is_site_admin=True)
    auth.sign_in(admin)
    response = client.post(
        "/admin/studies/new",
        data={"title": "Carers' voices", "slug": "carers-voices", "facilitate": "y"},
    )
    assert response.status_code == 302
    assert "The study Carers' voices is ready" in page_text(
        client.get(response.headers["Location"])
    )
    study = db_session.scalar(sa.select(Study).where(Study.slug == "carers-voices"))
    membership = db_session.scalar(sa.select(Membership).where(Membership.study_id == study.id))
    assert membership.user_id == admin.id and membership.roles == {Role.FACILITATOR}
    assert "Carers' voices" in page_text(client.get("/admin/studies"))


def test_study_address_must_be_well_formed_and_free(
    client, auth, make_user, make_study, db_session
):
    make_study(slug="taken-slug")
    auth.sign_in(make_user(is_site_admin=True))
    assert "lower-case letters" in page_text(
        client.post("/admin/studies/new", data={"title": "T", "slug": "Not A Slug!"})
    )
    assert "Another study already uses" in page_text(
        client.post("/admin/studies/new", data={"title": "T", "slug": "taken-slug"})
    )
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Study)) == 1


def test_admin_invites_a_first_facilitator(client, auth, make_user, make_study):
    study = make_study()
    auth.sign_in(make_user(is_site_admin=True))
    form = client.get(f"/admin/studies/{study.slug}/invite").get_data(as_text=True)
    assert 'value="facilitator" checked' in form
    response = client.post(
        f"/admin/studies/{study.slug}/invite", data={"name": "Sam Okafor", "roles": ["facilitator"]}
    )
    assert "Invitation ready" in page_text(response)
    assert client.get("/admin/studies/no-such-study/invite").status_code == 404


def test_admin_lists_people_and_makes_password_links(client, auth, make_user):
    person = make_user(display_name="Pat Hughes")
    auth.sign_in(make_user(is_site_admin=True))
    assert "Pat Hughes" in page_text(client.get("/admin/people"))
    response = client.post(f"/admin/people/{person.id}/password-link")
    assert "New password link for Pat Hughes" in page_text(response)
    assert client.post("/admin/people/999999/password-link").status_code == 404


def test_site_activity_shows_sign_ins(client, auth, make_user):
    auth.sign_in(make_user(is_site_admin=True))
    assert "Signed in" in page_text(client.get("/admin/activity"))
