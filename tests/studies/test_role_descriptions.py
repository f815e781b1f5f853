"""What the study's home page says each role does: only what the app does today."""

from __future__ import annotations

import pytest

from peer_research.studies.models import Role

from support import page_text

NOT_BUILT_YET = ("result", "release", "download", "wellbeing")


@pytest.mark.parametrize(
    ("role", "says"),
    [
        (Role.FACILITATOR, "Invites people, chooses what each person does here"),
        (Role.CO_RESEARCHER, "Starts questionnaires and shapes them, and the consent form"),
        (Role.PEER_RESEARCHER, "Takes consent and interviews people on a tablet"),
        (Role.ACADEMIC_PARTNER, "Shapes the questionnaire with the group"),
        (Role.SUPPORT_LEAD, "Reads the questionnaire, the suggestions and what the group decided"),
    ],
)
def test_each_role_is_described_by_what_it_can_do_now(client, auth, make_member, role, says):
    """A member reads their role's description, which promises nothing not yet built."""
    member = make_member(roles=[role])
    auth.sign_in(member.user)
    text = page_text(client.get(f"/studies/{member.study.slug}/"))
    part = text.split("Your part in this study")[1].split("Questionnaires")[0]
    assert says in part
    for word in NOT_BUILT_YET:
        assert word not in part.lower()


@pytest.mark.parametrize(
    ("role", "may_vote"),
    [(Role.PEER_RESEARCHER, True), (Role.ACADEMIC_PARTNER, True), (Role.SUPPORT_LEAD, False)],
)
def test_who_is_said_to_suggest_can_reach_the_suggestion_pages(
    client, auth, make_member, role, may_vote
):
    """Peer researchers and academic partners may suggest (as said); support leads only read."""
    member = make_member(roles=[role])
    auth.sign_in(member.user)
    response = client.get(f"/studies/{member.study.slug}/how-we-decide/suggest")
    assert (response.status_code != 403) is may_vote


def test_choosing_roles_shows_what_each_does(client, facilitator):
    """The invitation form says under each role what it can do today."""
    text = page_text(client.get(f"/studies/{facilitator.study.slug}/people/invite"))
    assert "Peer researcher Takes consent and interviews people on a tablet" in text
    assert (
        "Support lead Reads the questionnaire, the suggestions and what the group decided" in text
    )


@pytest.mark.parametrize("role", list(Role))
def test_only_peer_researchers_are_shown_the_way_into_the_interview_app(
    client, auth, make_member, role
):
    """The study home offers "Open the interview app" to peer researchers, who interview."""
    member = make_member(roles=[role])
    auth.sign_in(member.user)
    text = page_text(client.get(f"/studies/{member.study.slug}/"))
    assert ("Open the interview app" in text) is (role == Role.PEER_RESEARCHER)
