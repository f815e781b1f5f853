"""Live updates: the activity fingerprint changes when the group acts, and says nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from surveys.codesign import services as codesign
from surveys.codesign.models import Position, RuleKind
from surveys.codesign.rules import Rule

from builders import open_suggestion, set_group_rule

A_YEAR = timedelta(days=365)


@pytest.fixture
def group(make_design_group):
    """Return the facilitator, a co-researcher and a draft with one question."""
    return make_design_group(people=("ada",))


@pytest.fixture
def study_group(group):
    """Return the study, its draft, the facilitator and the co-researcher."""
    return group.study, group.questionnaire, group.sam, group.ada


def _token(client, study) -> str:
    response = client.get(f"/studies/{study.slug}/live-updates")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["token"]


def test_the_fingerprint_changes_when_someone_suggests_votes_or_decides(
    app, client, auth, db_session, group
):
    study, sam, ada = group.study, group.sam, group.ada
    auth.sign_in(sam)
    quiet = _token(client, study)
    assert _token(client, study) == quiet  # nothing happened: the same value
    _proposal, poll = open_suggestion(db_session, group, deadline_in=A_YEAR)
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
    app, client, auth, db_session, group
):
    """Watching the fingerprint must not reveal when someone changes an anonymous vote."""
    study, sam, ada = group.study, group.sam, group.ada
    set_group_rule(db_session, group, rule=Rule(RuleKind.CONSENT), anonymous_polls=True)
    _proposal, poll = open_suggestion(db_session, group, deadline_in=A_YEAR)
    with app.app_context():
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
