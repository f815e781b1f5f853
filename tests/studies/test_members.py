"""Members: changing roles, removing people, password links, and the study's activity log."""

from __future__ import annotations

import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Membership, Role

from support import page_text


def test_everyone_in_the_study_sees_who_is_in_it(client, auth, make_member, facilitator):
    member = make_member(study=facilitator.study, display_name="Jo Pritchard")
    client.post("/sign-out")
    auth.sign_in(member.user)
    page = page_text(client.get(f"/studies/{facilitator.study.slug}/people"))
    assert "Sam Okafor" in page and "Jo Pritchard (you)" in page
    assert "Change roles" not in page  # only facilitators manage people


def test_facilitator_changes_roles(client, facilitator, make_member, db_session):
    member = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    url = f"/studies/{facilitator.study.slug}/people/{member.id}/roles"
    assert 'value="peer_researcher" checked' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"roles": ["peer_researcher", "co_researcher"]})
    assert response.status_code == 302
    assert "roles are saved" in page_text(client.get(response.headers["Location"]))
    db_session.refresh(member)
    assert member.roles == {Role.PEER_RESEARCHER, Role.CO_RESEARCHER}
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roles_changed"))
    assert event.detail == {
        "before": ["peer_researcher"],
        "after": ["co_researcher", "peer_researcher"],
    }
    assert event.subject_user_id == member.user_id


def test_roles_cannot_be_emptied(client, facilitator, make_member, db_session):
    member = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    response = client.post(f"/studies/{facilitator.study.slug}/people/{member.id}/roles", data={})
    assert "Choose at least one role" in page_text(response)
    db_session.refresh(member)
    assert member.roles == {Role.PEER_RESEARCHER}


def test_the_last_facilitator_keeps_the_role(client, facilitator, db_session):
    response = client.post(
        f"/studies/{facilitator.study.slug}/people/{facilitator.id}/roles",
        data={"roles": ["co_researcher"]},
    )
    assert "A study needs at least one facilitator" in page_text(response)
    assert 'id="roles-error"' in response.get_data(as_text=True)
    db_session.refresh(facilitator)
    assert facilitator.roles == {Role.FACILITATOR}


def test_a_second_facilitator_lets_the_first_step_down(
    client, facilitator, make_member, db_session
):
    make_member(study=facilitator.study, roles=[Role.FACILITATOR])
    response = client.post(
        f"/studies/{facilitator.study.slug}/people/{facilitator.id}/roles",
        data={"roles": ["co_researcher"]},
    )
    assert response.status_code == 302
    assert client.get(f"/studies/{facilitator.study.slug}/people/invite").status_code == 403


def test_facilitator_removes_a_member_whose_old_session_then_stops_working(
    app, client, facilitator, make_member, db_session
):
    member = make_member(study=facilitator.study, display_name="Jo Pritchard")
    their_device = app.test_client()
    their_device.post(
        "/sign-in",
        data={
            "username": member.user.username,
            "password": "correct horse battery staple",
            "csrf_token": their_device.csrf_token(),
        },
    )
    study_url = f"/studies/{facilitator.study.slug}/"
    assert their_device.get(study_url).status_code == 200
    confirm = client.get(f"/studies/{facilitator.study.slug}/people/{member.id}/remove")
    assert "Remove Jo Pritchard from this study?" in page_text(confirm)
    response = client.post(f"/studies/{facilitator.study.slug}/people/{member.id}/remove")
    assert response.status_code == 302
    assert "Jo Pritchard is no longer a member" in page_text(
        client.get(response.headers["Location"])
    )
    refused = their_device.get(study_url)
    assert refused.status_code == 403
    assert "You are not a member of this study" in page_text(refused)
    assert db_session.scalar(sa.select(Membership).where(Membership.id == member.id)) is None
    assert db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "member_removed"))


def test_the_last_facilitator_cannot_be_removed(client, facilitator, db_session):
    response = client.post(f"/studies/{facilitator.study.slug}/people/{facilitator.id}/remove")
    assert response.status_code == 200
    assert "only facilitator" in page_text(response)
    assert db_session.get(Membership, facilitator.id) is not None


def test_members_of_another_study_are_out_of_reach(client, facilitator, make_member, db_session):
    elsewhere = make_member(roles=[Role.CO_RESEARCHER])
    slug = facilitator.study.slug
    for url in (
        f"/studies/{slug}/people/{elsewhere.id}/roles",
        f"/studies/{slug}/people/{elsewhere.id}/remove",
    ):
        assert client.post(url, data={"roles": ["facilitator"]}).status_code == 404
    assert client.post(f"/studies/{slug}/people/{elsewhere.id}/password-link").status_code == 404
    db_session.refresh(elsewhere)
    assert elsewhere.roles == {Role.CO_RESEARCHER}
    assert client.get(f"/studies/{elsewhere.study.slug}/").status_code == 403


def test_facilitator_makes_a_password_link_for_their_member(client, facilitator, make_member):
    member = make_member(study=facilitator.study, display_name="Pat Hughes")
    response = client.post(f"/studies/{facilitator.study.slug}/people/{member.id}/password-link")
    assert response.status_code == 200
    page = page_text(response)
    assert "New password link for Pat Hughes" in page
    assert "/password/" in response.get_data(as_text=True)


def test_no_password_link_for_someone_in_studies_the_facilitator_does_not_run(
    client, facilitator, make_member, make_study, db_session
):
    member = make_member(study=facilitator.study)
    from peer_research.studies.services import add_member

    add_member(
        db_session, study=make_study(), user=member.user, roles=[Role.FACILITATOR], added_by=None
    )
    db_session.commit()
    response = client.post(f"/studies/{facilitator.study.slug}/people/{member.id}/password-link")
    assert response.status_code == 403
    assert "only a site administrator" in page_text(response)


def test_activity_log_shows_this_study_only(client, facilitator, make_member):
    make_member(study=facilitator.study, display_name="Jo Pritchard")
    make_member(display_name="Somebody Elsewhere")
    page = page_text(client.get(f"/studies/{facilitator.study.slug}/activity"))
    assert "Member added" in page and "Jo Pritchard" in page
    assert "Somebody Elsewhere" not in page


def test_password_link_is_emailed_when_mail_is_configured(client, facilitator, make_member, outbox):
    member = make_member(study=facilitator.study, email="pat@example.org")
    response = client.post(f"/studies/{facilitator.study.slug}/people/{member.id}/password-link")
    assert "We also e-mailed the link to pat@example.org" in page_text(response)
    assert outbox[0]["To"] == "pat@example.org"
    assert "/password/" in outbox[0].get_content()
