"""The pages of a suggestion of several changes: start it, add and change its changes, put it
to the group, vote once, and read every change in the decision log."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Proposal, ProposalState

from builders import deadline_boxes as _day
from builders import home_question, page_html, question, section

QUESTION = {"privacy": "none", "appearance": "", "hint": "", "name": ""}
SAVE = {"add_part": "Save this change in the suggestion"}


@pytest.fixture
def group(make_design_group):
    """Return a design group of three and a draft with "age" and "home"."""
    from builders import age_question

    return make_design_group(age_question(), home_question())


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_html(response)).split())


def _start(client, group, db_session) -> Proposal:
    response = client.post(
        f"{group.base}/suggestions/several/new",
        data={"reason": "Questions about help at home"},
    )
    assert response.status_code == 302
    return _newest(db_session)


def _newest(db_session) -> Proposal:
    db_session.expire_all()
    return db_session.scalars(sa.select(Proposal).order_by(Proposal.id.desc())).first()


def _add_question(client, group, proposal, **fields):
    data = {**QUESTION, "type": "text", "place": "end:", **SAVE, **fields}
    return client.post(
        f"{group.base}/suggestions/{proposal.id}/changes/new/question",
        data=data,
        follow_redirects=True,
    )


def test_a_member_builds_a_suggestion_step_by_step_and_sends_it(client, auth, group, db_session):
    auth.sign_in(group.ada)
    start = _text(client.get(f"{group.base}/suggestions/several/new"))
    assert "Suggest several changes at once" in start
    proposal = _start(client, group, db_session)
    page = _text(client.get(f"{group.base}/suggestions/{proposal.id}"))
    assert "No changes yet." in page and "Add a question" in page

    page = _text(
        _add_question(
            client,
            group,
            proposal,
            type="select_one",
            label="Do you get help at home?",
            choices="Yes\nNo",
            name="gets_help",
        )
    )
    assert "Saved in your suggestion" in page
    page = _text(
        _add_question(
            client,
            group,
            proposal,
            label="Who helps you?",
            name="who_helps",
            relevance="${gets_help} = 'yes'",
            place="after:gets_help",
        )
    )
    assert "Change 2: Add the question “Who helps you?”" in page
    assert "just after “Do you get help at home?”" in page

    # Take "home" out, within the same suggestion.
    pick = _text(client.get(f"{group.base}/suggestions/{proposal.id}/changes/items"))
    assert "Where do you live?" in pick
    client.post(
        f"{group.base}/suggestions/{proposal.id}/changes/items/home/remove",
        data={"csrf_token": client.csrf_token()},
    )
    db_session.expire_all()
    assert [part.kind for part in codesign.parts_of(proposal)] == [
        ChangeKind.ADD_ITEM,
        ChangeKind.ADD_ITEM,
        ChangeKind.REMOVE_ITEM,
    ]

    response = client.post(
        f"{group.base}/suggestions/{proposal.id}/open", data=_day(7), follow_redirects=True
    )
    assert "Your suggestion is open" in _text(response)
    db_session.expire_all()
    assert proposal.state == ProposalState.OPEN


def test_a_bad_change_is_shown_beside_its_field_and_nothing_is_saved(
    client, auth, group, db_session
):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    response = _add_question(
        client, group, proposal, label="Who helps?", relevance="${nobody} = 'yes'"
    )
    assert response.status_code == 200
    text = _text(response)
    assert "There is a problem" in text and "nobody" in text
    assert codesign.parts_of(_newest(db_session)) == []
    response = _add_question(client, group, proposal, label="Age again", name="age")
    assert "already has the name age in the data" in _text(response)


def test_an_empty_suggestion_cannot_be_put_to_the_group(client, auth, group, db_session):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    response = client.post(f"{group.base}/suggestions/{proposal.id}/open", data=_day(7))
    assert response.status_code == 200
    assert "Add at least one change" in _text(response)


def test_a_change_can_be_edited_and_taken_out(client, auth, group, db_session):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    _add_question(client, group, proposal, label="Do you cook?", name="cooks")
    form = _text(client.get(f"{group.base}/suggestions/{proposal.id}/changes/1/edit"))
    assert "Change the question in your suggestion" in form and "Do you cook?" in form
    client.post(
        f"{group.base}/suggestions/{proposal.id}/changes/1/edit",
        data={
            **QUESTION,
            "type": "text",
            "place": "end:",
            "label": "Do you cook at home?",
            "name": "cooks",
            **SAVE,
        },
    )
    db_session.expire_all()
    assert codesign.parts_of(proposal)[0].item["label"] == {"en": "Do you cook at home?"}
    client.post(
        f"{group.base}/suggestions/{proposal.id}/changes/1/remove",
        data={"csrf_token": client.csrf_token()},
    )
    db_session.expire_all()
    assert codesign.parts_of(proposal) == []


def test_others_cannot_see_or_change_someone_elses_draft(client, auth, group, db_session):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    auth.sign_in(group.pat)
    assert client.get(f"{group.base}/suggestions/{proposal.id}").status_code == 404
    response = client.get(f"{group.base}/suggestions/{proposal.id}/changes/new/question")
    assert response.status_code == 404


def test_the_decision_log_lists_every_change(client, auth, group, db_session, app):
    with app.app_context():
        proposal = codesign.start_several(
            db_session, questionnaire=group.questionnaire, author=group.ada, reason="Home help"
        )
        codesign.put_part(
            db_session,
            proposal=proposal,
            editor=group.ada,
            kind=ChangeKind.ADD_ITEM,
            item=section("home_help", label={"en": "Help at home"}),
        )
        codesign.put_part(
            db_session,
            proposal=proposal,
            editor=group.ada,
            kind=ChangeKind.ADD_ITEM,
            item=question("cooks", label={"en": "Do you cook?"}),
            section="home_help",
        )
        codesign.put_part(
            db_session,
            proposal=proposal,
            editor=group.ada,
            kind=ChangeKind.REMOVE_ITEM,
            target_name="home",
        )
    db_session.commit()
    auth.sign_in(group.ada)
    client.post(f"{group.base}/suggestions/{proposal.id}/open", data=_day(7))
    for person in group.everyone:
        auth.sign_in(person)
        client.post(
            f"{group.base}/suggestions/{proposal.id}/vote",
            data={"position": "agree", "reason": ""},
        )
    db_session.expire_all()
    assert proposal.state == ProposalState.ACCEPTED
    names = [i.name for i, _p in drafts.draft_definition(db_session, group.questionnaire).walk()]
    assert names == ["age", "home_help", "cooks"]
    log = _text(client.get(f"{group.base}/decisions"))
    assert "(3 changes)" in log
    assert "Add the section “Help at home”" in log
    assert "Add the question “Do you cook?”" in log
    assert "in the section “Help at home”" in log
    assert "Take out the question “Where do you live?”" in log


def test_the_live_check_knows_the_questions_of_ones_own_suggestion(client, auth, group, db_session):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    _add_question(client, group, proposal, label="Do you cook?", name="cooks")
    token = client.csrf_token()
    payload = {"field": "relevance", "expression": "${cooks} = 'yes'"}
    check = f"{group.base}/check"
    within = client.post(
        f"{check}?suggestion={proposal.id}", json=payload, headers={"X-CSRFToken": token}
    )
    assert within.json["problems"] == []
    alone = client.post(check, json=payload, headers={"X-CSRFToken": token})
    assert "cooks" in alone.json["problems"][0]
    auth.sign_in(group.pat)  # someone else's draft suggestion tells them nothing
    token = client.csrf_token()
    other = client.post(
        f"{check}?suggestion={proposal.id}", json=payload, headers={"X-CSRFToken": token}
    )
    assert "cooks" in other.json["problems"][0]


def test_a_button_from_an_older_page_takes_nothing_out(client, auth, group, db_session):
    auth.sign_in(group.ada)
    proposal = _start(client, group, db_session)
    _add_question(client, group, proposal, label="Do you cook?", name="cooks")
    old_step = codesign.step_of(_newest(db_session))
    _add_question(client, group, proposal, label="Do you garden?", name="gardens")
    response = client.post(
        f"{group.base}/suggestions/{proposal.id}/changes/1/remove",
        data={"csrf_token": client.csrf_token(), "step": str(old_step)},
        follow_redirects=True,
    )
    assert "changed in another window" in _text(response)
    assert [part.name for part in codesign.parts_of(_newest(db_session))] == ["cooks", "gardens"]
