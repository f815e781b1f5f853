"""Inviting people with single-use links, and joining a study through one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.accounts.models import User
from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Invitation, Membership, Role
from peer_research.studies.services import create_invitation

from support import page_text


def invite(client, study, **data) -> str:
    """Invite someone through the form and return the link shown."""
    response = client.post(
        f"/studies/{study.slug}/people/invite",
        data={"name": "Jo Pritchard", "roles": ["peer_researcher"], **data},
    )
    assert response.status_code == 200, page_text(response)
    match = re.search(
        r'id="share-link" type="text" value="([^"]+)"', response.get_data(as_text=True)
    )
    assert match, page_text(response)
    return match.group(1)


def test_facilitator_makes_a_link_to_copy_scan_or_print(client, facilitator, db_session):
    response = client.post(
        f"/studies/{facilitator.study.slug}/people/invite",
        data={"name": "Jo Pritchard", "roles": ["peer_researcher", "co_researcher"]},
    )
    body = response.get_data(as_text=True)
    assert "Invitation ready" in page_text(response)
    assert "<svg" in body  # the QR code
    assert "Copy link" in body and "Print this page" in body
    link = re.search(r'value="(http://[^"]+/join/[^"]+)"', body).group(1)
    token = link.rsplit("/", 1)[1]
    invitation = db_session.scalar(sa.select(Invitation))
    assert invitation.roles == ["co_researcher", "peer_researcher"]
    assert token not in (invitation.token_hash, invitation.name)  # only the hash is stored
    action = db_session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()))
    assert action == "invitation_created"


def test_invitation_needs_a_name_and_a_role(client, facilitator, db_session):
    response = client.post(f"/studies/{facilitator.study.slug}/people/invite", data={"name": ""})
    page = page_text(response)
    assert "Enter a name" in page
    assert "Choose at least one role" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_invitation_refuses_made_up_roles_and_long_names(client, facilitator, db_session):
    response = client.post(
        f"/studies/{facilitator.study.slug}/people/invite",
        data={"name": "x" * 101, "roles": ["owner"]},
    )
    page = page_text(response)
    assert "100 characters or fewer" in page
    assert "Not a valid choice" in page or "not a valid choice" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_new_person_joins_with_an_account_of_their_own(app, client, facilitator, db_session):
    link = invite(client, facilitator.study)
    client.post("/sign-out")
    join_page = page_text(client.get(link))
    assert f"Join {facilitator.study.title}" in join_page
    assert "Sam Okafor has invited you to take part as: Peer researcher" in join_page
    response = client.post(
        link,
        data={
            "display_name": "Jo Pritchard",
            "username": "jo.p",
            "password": "blue kettle singing",
        },
    )
    assert response.status_code == 302
    home = page_text(client.get(response.headers["Location"]))
    assert "Welcome, Jo Pritchard" in home
    assert "Peer researcher" in home
    user = db_session.scalar(sa.select(User).where(User.username == "jo.p"))
    membership = db_session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    assert membership.roles == {Role.PEER_RESEARCHER}
    actions = db_session.scalars(sa.select(AuditEvent.action)).all()
    assert {"invitation_accepted", "member_added"} <= set(actions)


def test_link_works_only_once(client, facilitator, db_session):
    link = invite(client, facilitator.study)
    client.post("/sign-out")
    client.post(
        link, data={"display_name": "Jo", "username": "jo.p", "password": "blue kettle singing"}
    )
    client.post("/sign-out")
    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in page_text(response)
    refused = db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "invitation_refused")
    )
    assert refused.detail["reason"] == "used"
    assert refused.study_id == facilitator.study.id


def test_unknown_expired_and_cancelled_links_say_why(app, client, facilitator, db_session):
    assert "not right" in page_text(client.get("/join/not-a-real-token"))
    with app.app_context():
        _invitation, expired = create_invitation(
            db_session,
            study=facilitator.study,
            name="Old",
            email=None,
            roles=[Role.CO_RESEARCHER],
            invited_by=facilitator.user,
            lifetime=timedelta(seconds=-1),
        )
    db_session.commit()
    assert "expired" in page_text(client.get(f"/join/{expired}"))
    link = invite(client, facilitator.study, name="Cancelled Person")
    invitation = db_session.scalar(
        sa.select(Invitation).where(Invitation.name == "Cancelled Person")
    )
    client.post(f"/studies/{facilitator.study.slug}/invitations/{invitation.id}/cancel")
    assert "cancelled" in page_text(client.get(link))


def test_joining_with_a_taken_username_keeps_the_link_usable(
    client, facilitator, make_user, db_session
):
    make_user(username="taken")
    link = invite(client, facilitator.study)
    client.post("/sign-out")
    response = client.post(
        link, data={"display_name": "Jo", "username": "taken", "password": "blue kettle singing"}
    )
    assert "That username is taken" in page_text(response)
    invitation = db_session.scalar(sa.select(Invitation))
    db_session.refresh(invitation)
    assert invitation.accepted_at is None
    assert client.get(link).status_code == 200


def test_signed_in_person_adds_the_study_to_their_account(
    client, auth, facilitator, make_user, db_session
):
    link = invite(client, facilitator.study, roles=["academic_partner"])
    existing = make_user(display_name="Dr Min Lee")
    client.post("/sign-out")
    auth.sign_in(existing)
    assert "You are signed in as Dr Min Lee" in page_text(client.get(link))
    response = client.post(link)
    assert response.status_code == 302
    membership = db_session.scalar(sa.select(Membership).where(Membership.user_id == existing.id))
    assert membership.roles == {Role.ACADEMIC_PARTNER}


def test_pending_invitations_are_listed_and_can_be_cancelled(client, facilitator, db_session):
    invite(client, facilitator.study, name="Alex Morgan")
    page = page_text(client.get(f"/studies/{facilitator.study.slug}/people"))
    assert "Invitations not used yet" in page and "Alex Morgan" in page
    invitation = db_session.scalar(sa.select(Invitation))
    response = client.post(f"/studies/{facilitator.study.slug}/invitations/{invitation.id}/cancel")
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "The invitation for Alex Morgan is cancelled" in page
    assert "There are no open invitations" in page


def test_invitation_of_another_study_cannot_be_cancelled_from_here(
    app, client, facilitator, make_member, db_session
):
    other = make_member(roles=[Role.FACILITATOR])
    with app.app_context():
        invitation, _token = create_invitation(
            db_session,
            study=other.study,
            name="Theirs",
            email=None,
            roles=[Role.CO_RESEARCHER],
            invited_by=other.user,
            lifetime=timedelta(days=1),
        )
    db_session.commit()
    response = client.post(f"/studies/{facilitator.study.slug}/invitations/{invitation.id}/cancel")
    assert response.status_code == 404
    db_session.refresh(invitation)
    assert invitation.cancelled_at is None


def test_invitation_is_emailed_when_mail_is_configured(client, facilitator, outbox, db_session):
    invite(client, facilitator.study, email="jo@example.org", send_email="y")
    assert len(outbox) == 1
    assert outbox[0]["To"] == "jo@example.org"
    assert "/join/" in outbox[0].get_content()
    assert db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "invitation_emailed"))


def test_email_choice_is_offered_only_when_mail_is_configured(client, facilitator):
    page = client.get(f"/studies/{facilitator.study.slug}/people/invite").get_data(as_text=True)
    assert "Also send the link by e-mail" not in page


def test_mail_failure_keeps_the_invitation_and_shows_the_link(
    client, facilitator, broken_mail_server, db_session
):
    link = invite(client, facilitator.study, email="jo@example.org", send_email="y")
    assert "/join/" in link
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1


def test_two_people_racing_for_one_link_cannot_both_join(app, facilitator, make_user, db_session):
    from peer_research.studies.services import InvitationUnusableError, accept_invitation

    with app.app_context():
        invitation, _token = create_invitation(
            db_session,
            study=facilitator.study,
            name="Jo",
            email=None,
            roles=[Role.CO_RESEARCHER],
            invited_by=facilitator.user,
            lifetime=timedelta(days=1),
        )
    first, second = make_user(), make_user()
    accept_invitation(db_session, invitation=invitation, user=first)
    with pytest.raises(InvitationUnusableError):
        accept_invitation(db_session, invitation=invitation, user=second)
    members = db_session.scalars(
        sa.select(Membership.user_id).where(Membership.study_id == facilitator.study.id)
    ).all()
    assert second.id not in members
