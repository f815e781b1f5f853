"""Live updates: the activity fingerprint changes when the group acts, and says nothing else."""

from __future__ import annotations

import pytest

from peer_research.db import utcnow
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.codesign.models import ChangeKind, Position, RuleKind
from surveys.codesign.rules import Rule

from builders import question


@pytest.fixture
def study_group(make_design_group):
    """Return the study, its draft with one question, the facilitator and a co-researcher."""
    group = make_design_group()
    return group.study, group.questionnaire, group.sam, group.ada


def _token(client, study) -> str:
    response = client.get(f"/studies/{study.slug}/live-updates")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["token"]


def test_the_fingerprint_changes_when_someone_suggests_votes_or_decides(
    app, client, auth, db_session, study_group
):
    study, questionnaire, sam, ada = study_group
    auth.sign_in(sam)
    quiet = _token(client, study)
    assert _token(client, study) == quiet  # nothing happened: the same value
    with app.app_context():
        proposal = codesign.create_proposal(
            db_session,
            questionnaire=questionnaire,
            author=ada,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Kinder",
            item=question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
            target_name="age",
            open_now=True,
        )
        poll = codesign.open_proposal_poll(
            db_session,
            proposal=proposal,
            opened_by=ada,
            deadline=utcnow().replace(year=utcnow().year + 1),
        )
    db_session.commit()
    suggested = _token(client, study)
    assert suggested != quiet
    with app.app_context():
        codesign.cast_vote(db_session, poll=poll, voter=ada, position=Position.AGREE)
    db_session.commit()
    voted = _token(client, study)
    assert voted != suggested
    with app.app_context():
        codesign.cast_vote(db_session, poll=poll, voter=sam, position=Position.AGREE)
    db_session.commit()  # everyone voted: the poll closed and the change was made
    assert _token(client, study) not in (quiet, suggested, voted)


def test_changing_an_anonymous_vote_leaves_the_fingerprint_alone(
    app, client, auth, db_session, study_group
):
    """Watching the fingerprint must not reveal when someone changes an anonymous vote."""
    study, questionnaire, sam, ada = study_group
    with app.app_context():
        codesign.set_decision_rule(
            db_session,
            study=study,
            settings=codesign.DecisionSettings(rule=Rule(RuleKind.CONSENT), anonymous_polls=True),
            set_by=sam,
        )
        proposal = codesign.create_proposal(
            db_session,
            questionnaire=questionnaire,
            author=ada,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Kinder",
            item=question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
            target_name="age",
            open_now=True,
        )
        poll = codesign.open_proposal_poll(
            db_session,
            proposal=proposal,
            opened_by=ada,
            deadline=utcnow().replace(year=utcnow().year + 1),
        )
        key = codesign.derive_voter_key(app.config["SECRET_KEY"])
        codesign.cast_vote(db_session, poll=poll, voter=ada, position=Position.AGREE, voter_key=key)
    db_session.commit()
    auth.sign_in(sam)
    before = _token(client, study)
    with app.app_context():
        codesign.cast_vote(
            db_session, poll=poll, voter=ada, position=Position.DISAGREE, voter_key=key
        )
    db_session.commit()
    assert _token(client, study) == before


def test_live_pages_carry_the_fingerprint_and_other_pages_do_not(client, auth, study_group):
    study, questionnaire, sam, _ada = study_group
    auth.sign_in(sam)
    base = f"/studies/{study.slug}/questionnaires/{questionnaire.id}"
    token = _token(client, study)
    for path in (f"{base}/", f"{base}/suggestions", f"{base}/decisions"):
        body = client.get(path).get_data(as_text=True)
        assert f'data-live-token="{token}"' in body, path
        assert f'data-live-url="/studies/{study.slug}/live-updates"' in body, path
        assert "/static/js/live.js" in body, path
    preview = client.get(f"{base}/preview").get_data(as_text=True)
    assert "data-live-url" not in preview
    assert "live.js" not in preview


def test_only_members_get_the_fingerprint(client, auth, study_group, make_user):
    study, *_ = study_group
    assert client.get(f"/studies/{study.slug}/live-updates").status_code == 302
    auth.sign_in(make_user())
    response = client.get(
        f"/studies/{study.slug}/live-updates", headers={"Accept": "application/json"}
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
