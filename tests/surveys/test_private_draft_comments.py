"""A private draft suggestion's discussion: every comment route refuses everyone but its author.

The routes are found from the app's URL map (every rule about a comment or a suggestion's
comments), so a comment route added later is walked too.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.notifications.models import Notification
from peer_research.studies.models import Role
from surveys import definition as d
from surveys.codesign import services as codesign
from surveys.codesign.comments import Comment, CommentReaction
from surveys.codesign.models import ChangeKind

from builders import age_question, question


@pytest.fixture
def private_note(app, db_session, make_design_group):
    """Return the group and a comment Pat wrote on Pat's own draft suggestion."""
    group = make_design_group(age_question(), pat_role=Role.PEER_RESEARCHER)
    with app.app_context():
        draft = codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.pat,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Not ready yet",
            item=question("age", d.QuestionType.INTEGER, label={"en": "Your age?"}),
            target_name="age",
        )
        note = codesign.post_comment(
            db_session,
            questionnaire=group.questionnaire,
            author=group.pat,
            body="My private worry about ages",
            proposal=draft,
        )
    db_session.commit()
    return group, draft, note


def comment_routes(app) -> list[tuple[str, str]]:
    """Return (endpoint, method) of every route reaching a comment or a suggestion's comments."""
    found = []
    for rule in app.url_map.iter_rules():
        about_a_comment = "comment_id" in rule.arguments
        about_suggestion_comments = "proposal_id" in rule.arguments and rule.rule.endswith(
            "/comments"
        )
        if about_a_comment or about_suggestion_comments:
            found += [
                (rule.endpoint, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
            ]
    return sorted(found)


def _state(db_session) -> tuple:
    """Return everything a comment route could change."""
    db_session.expire_all()
    comments = db_session.execute(
        sa.select(Comment.id, Comment.body, Comment.edited_at, Comment.removed_at).order_by(
            Comment.id
        )
    ).all()
    count = sa.func.count()
    return (
        comments,
        db_session.scalar(sa.select(count).select_from(CommentReaction)),
        db_session.scalar(sa.select(count).select_from(AuditEvent)),
        db_session.scalar(sa.select(count).select_from(Notification)),
    )


def test_the_walk_covers_every_kind_of_comment_route(app):
    endpoints = {endpoint for endpoint, _method in comment_routes(app)}
    assert {
        "surveys.comment_on_proposal",
        "surveys.reply_to_comment",
        "surveys.edit_comment",
        "surveys.remove_comment",
        "surveys.react_to_comment",
    } <= endpoints


@pytest.mark.parametrize("who", ["ada", "sam"])  # another co-designer, and the facilitator
def test_every_comment_route_answers_not_found_to_anyone_but_the_author(
    app, client, auth, db_session, private_note, who
):
    group, draft, note = private_note
    auth.sign_in(getattr(group, who))
    before = _state(db_session)
    form = {"body": "I can see this", "reaction": "agree", "confirm": "y"}
    for endpoint, method in comment_routes(app):
        with app.test_request_context():
            from flask import url_for

            url = url_for(
                endpoint,
                study_slug=group.study.slug,
                questionnaire_id=group.questionnaire.id,
                comment_id=note.id,
                proposal_id=draft.id,
            )
        response = client.get(url) if method == "GET" else client.post(url, data=form)
        assert response.status_code == 404, (who, method, url, response.status_code)
        assert "My private worry" not in response.get_data(as_text=True), (method, url)
    assert _state(db_session) == before


def test_the_author_still_reaches_their_own_notes(app, client, auth, db_session, private_note):
    group, _draft, note = private_note
    auth.sign_in(group.pat)
    response = client.get(f"{group.base}/comments/{note.id}/reply")
    assert response.status_code == 200
    assert "My private worry about ages" in response.get_data(as_text=True)
    response = client.post(f"{group.base}/comments/{note.id}/react", data={"reaction": "idea"})
    assert response.status_code == 302
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 1
