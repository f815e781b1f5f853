"""The discussion pages: comments on a question or a suggestion, replies, reactions, removal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.comments import Comment, CommentReaction
from surveys.codesign.models import ChangeKind

from builders import age_question, another_questionnaire, home_question, open_suggestion, question
from builders import page_html as _page


@pytest.fixture
def group(make_design_group):
    """Return a design group of three, a support lead, and a draft with two questions."""
    group = make_design_group(age_question(), home_question(), pat_role=Role.PEER_RESEARCHER)
    group.age_url = f"{group.base}/items/age/comments"
    return group


def _comments(db_session) -> list[Comment]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(Comment).order_by(Comment.id)))


def _post_comment(app, db_session, group, author, body="Is this too personal?", **subject):
    """Write a comment through the services; return it."""
    with app.app_context():
        comment = codesign.post_comment(
            db_session,
            questionnaire=group.questionnaire,
            author=author,
            body=body,
            **(subject or {"item_name": "age"}),
        )
    db_session.commit()
    return comment


def _url(group, comment, action):
    return f"{group.base}/comments/{comment.id}/{action}"


def test_a_member_comments_on_a_question(client, auth, group, db_session):
    """The page shows the question's wording; the comment appears in its thread."""
    auth.sign_in(group.ada)
    page = _page(client.get(group.age_url))
    assert "How old are you?" in page
    assert "What do you think about this question?" in page
    assert "No comments yet." in page

    response = client.post(group.age_url, data={"body": "  Is this too personal?  "})
    [comment] = _comments(db_session)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/items/age/comments#comment-{comment.id}")
    page = _page(client.get(response.headers["Location"]))
    assert "Your comment is added." in page
    assert "Is this too personal?" in page
    assert "Ada Brook" in page
    assert comment.body == "Is this too personal?"


def test_the_draft_shows_how_many_comments_each_question_has(app, client, auth, group, db_session):
    _post_comment(app, db_session, group, group.ada)
    _post_comment(app, db_session, group, group.pat, body="Ask a range instead")
    auth.sign_in(group.lee)  # a support lead reads the draft too
    page = _page(client.get(f"{group.base}/"))
    assert re.search(r'href="[^"]*/items/age/comments">Comments \(2\)', page)
    assert re.search(r'href="[^"]*/items/home/comments">Comments \(0\)', page)


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write your comment"), ("   ", "Write your comment"), ("x" * 5001, "5,000 characters")],
)
def test_an_empty_or_huge_comment_is_refused(client, auth, group, db_session, body, message):
    auth.sign_in(group.ada)
    response = client.post(group.age_url, data={"body": body})
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert message in page
    assert _comments(db_session) == []


def test_a_question_not_in_the_draft_has_no_discussion(client, auth, group, db_session):
    auth.sign_in(group.ada)
    assert client.get(f"{group.base}/items/nothere/comments").status_code == 404
    response = client.post(f"{group.base}/items/nothere/comments", data={"body": "Hello"})
    assert response.status_code == 404
    assert _comments(db_session) == []


def test_comments_about_a_removed_question_can_still_be_read(app, client, auth, group, db_session):
    _post_comment(app, db_session, group, group.ada)
    with app.app_context():
        drafts.delete_item(
            db_session, questionnaire=group.questionnaire, name="age", changed_by=group.sam
        )
    db_session.commit()
    auth.sign_in(group.pat)
    page = _page(client.get(group.age_url))
    assert "age is no longer in the draft" in page
    assert "Is this too personal?" in page
    assert "What do you think about this question?" not in page
    response = client.post(group.age_url, data={"body": "Still here?"})
    assert "age is not in the draft" in _page(response)
    assert len(_comments(db_session)) == 1


def test_reply_in_a_thread(app, client, auth, group, db_session):
    """A reply page shows what is answered; the reply appears under the first comment."""
    first = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    page = _page(client.get(group.age_url))
    assert f'href="{_url(group, first, "reply")}"' in page
    form = _page(client.get(_url(group, first, "reply")))
    assert "Is this too personal?" in form
    assert "Your reply" in form

    response = client.post(_url(group, first, "reply"), data={"body": "A little, yes"})
    reply = _comments(db_session)[-1]
    assert response.headers["Location"].endswith(f"#comment-{reply.id}")
    assert (reply.parent_id, reply.item_name) == (first.id, "age")
    page = _page(client.get(group.age_url))
    replies = page.split('class="app-discussion__replies"', 1)[1]
    assert "A little, yes" in replies
    assert "Pat Lin" in replies


def test_an_empty_reply_is_refused(app, client, auth, group, db_session):
    first = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    page = _page(client.post(_url(group, first, "reply"), data={"body": " "}))
    assert "Write your comment" in page
    assert len(_comments(db_session)) == 1


def test_a_reaction_toggles_and_shows_its_count(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    response = client.post(_url(group, comment, "react"), data={"reaction": "idea"})
    assert response.headers["Location"].endswith(f"/items/age/comments#comment-{comment.id}")
    page = _page(client.get(group.age_url))
    pressed = re.search(
        r'<button[^>]*value="idea"[^>]*aria-pressed="(\w+)"[^>]*>(.*?)</button>', page, re.S
    )
    assert pressed.group(1) == "true"
    assert "Idea" in pressed.group(2)
    assert '<span class="app-reaction__count">1</span>' in pressed.group(2)

    client.post(_url(group, comment, "react"), data={"reaction": "idea"})
    page = _page(client.get(group.age_url))
    pressed = re.search(
        r'<button[^>]*value="idea"[^>]*aria-pressed="(\w+)"[^>]*>(.*?)</button>', page, re.S
    )
    assert pressed.group(1) == "false"
    assert '<span class="app-reaction__count">0</span>' in pressed.group(2)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 0


def test_an_unknown_reaction_is_refused_plainly(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    page = _page(
        client.post(_url(group, comment, "react"), data={"reaction": "love"}, follow_redirects=True)
    )
    assert "Choose agree, like, question or idea." in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 0


def test_edit_ones_own_comment(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.ada)
    form = _page(client.get(_url(group, comment, "edit")))
    assert "Is this too personal?" in form  # the words to change
    response = client.post(_url(group, comment, "edit"), data={"body": "Is this too private?"})
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    page = _page(client.get(group.age_url))
    assert "Is this too private?" in page
    assert "edited" in page
    [changed] = _comments(db_session)
    assert changed.edited_at is not None


def test_nobody_edits_or_removes_someone_elses_comment(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    page = _page(client.get(group.age_url))
    assert f'href="{_url(group, comment, "edit")}"' not in page
    assert f'href="{_url(group, comment, "remove")}"' not in page
    page = _page(client.get(_url(group, comment, "edit"), follow_redirects=True))
    assert "You can only change your own comments" in page
    client.post(_url(group, comment, "edit"), data={"body": "Pat's words now"})
    page = _page(client.post(_url(group, comment, "remove"), follow_redirects=True))
    assert "Only the person who wrote this comment, or a facilitator, can remove it." in page
    [kept] = _comments(db_session)
    assert (kept.body, kept.edited_at, kept.removed_at) == ("Is this too personal?", None, None)


def test_a_facilitator_edits_nothing_but_may_remove_with_an_audit_entry(
    app, client, auth, group, db_session
):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.sam)
    page = _page(client.get(group.age_url))
    assert f'href="{_url(group, comment, "edit")}"' not in page
    assert f'href="{_url(group, comment, "remove")}"' in page
    confirm = _page(client.get(_url(group, comment, "remove")))
    assert "Remove this comment?" in confirm
    assert "audit log" in confirm
    response = client.post(_url(group, comment, "remove"))
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "comment_removed"))
    assert event.actor_id == group.sam.id
    assert event.detail["comment_id"] == comment.id


def test_a_removed_comment_hides_its_words_but_keeps_its_replies(
    app, client, auth, group, db_session
):
    first = _post_comment(app, db_session, group, group.ada, body="Secret thought")
    with app.app_context():
        codesign.reply_to_comment(db_session, parent=first, author=group.pat, body="Good point")
    db_session.commit()
    auth.sign_in(group.ada)
    page = _page(client.post(_url(group, first, "remove"), follow_redirects=True))
    assert "The comment was removed. Replies to it stay." in page
    assert "This comment was removed" in page
    assert "Secret thought" not in page
    assert "Good point" in page
    assert "replying to" not in page  # it answers the thread's first comment
    for who in (group.pat, group.sam, group.lee):
        auth.sign_in(who)
        page = _page(client.get(group.age_url))
        assert "Secret thought" not in page
        assert "This comment was removed" in page
        assert "Good point" in page
    auth.sign_in(group.ada)
    assert "Secret thought" not in _page(
        client.get(_url(group, first, "edit"), follow_redirects=True)
    )
    assert "Secret thought" not in _page(client.get(_url(group, first, "reply")))
    auth.sign_in(group.lee)
    assert "Comments (1)" in _page(client.get(f"{group.base}/"))


def test_a_support_lead_reads_but_does_not_write(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.lee)
    page = _page(client.get(group.age_url))
    assert "Is this too personal?" in page
    assert "What do you think about this question?" not in page
    assert "Only members of the design group can comment" in page
    assert 'name="reaction"' not in page
    response = client.post(group.age_url, data={"body": "Can I?"})
    assert "Only members of this study's design group can do this." in _page(response)
    for action, data in (("reply", {"body": "Me?"}), ("react", {"reaction": "like"})):
        assert client.post(_url(group, comment, action), data=data).status_code == 403
    assert client.get(_url(group, comment, "reply")).status_code == 403
    assert len(_comments(db_session)) == 1


def test_an_academic_partner_of_another_study_is_refused(
    app, client, auth, group, db_session, make_member
):
    comment = _post_comment(app, db_session, group, group.ada)
    stranger = make_member(roles=[Role.ACADEMIC_PARTNER]).user
    auth.sign_in(stranger)
    assert client.get(group.age_url).status_code == 403
    assert client.post(group.age_url, data={"body": "Hi"}).status_code == 403
    assert client.post(_url(group, comment, "reply"), data={"body": "Hi"}).status_code == 403
    assert client.post(_url(group, comment, "react"), data={"reaction": "like"}).status_code == 403
    assert client.post(_url(group, comment, "remove")).status_code == 403
    assert len(_comments(db_session)) == 1


def test_a_comment_of_another_questionnaire_or_study_is_not_found(
    app, client, auth, group, db_session, make_member, facilitator
):
    comment = _post_comment(app, db_session, group, group.ada)
    other = another_questionnaire(db_session, group, title="Other")
    elsewhere = make_member(roles=[Role.FACILITATOR])
    foreign_questionnaire = another_questionnaire(
        db_session, group, title="Foreign", study=elsewhere.study, created_by=elsewhere.user
    )
    auth.sign_in(group.ada)
    other_base = f"/studies/{group.study.slug}/questionnaires/{other.id}"
    for action in ("reply", "edit", "remove", "react"):
        assert client.post(f"{other_base}/comments/{comment.id}/{action}").status_code == 404
    auth.sign_in(elsewhere.user)
    foreign = f"/studies/{elsewhere.study.slug}/questionnaires/{foreign_questionnaire.id}"
    for action in ("reply", "edit", "remove"):
        assert client.get(f"{foreign}/comments/{comment.id}/{action}").status_code == 404
    assert client.post(f"{foreign}/comments/{comment.id}/remove").status_code == 404
    [kept] = _comments(db_session)
    assert kept.removed_at is None


def _proposal(app, db_session, group):
    """Open Pat's wording suggestion with a poll closing a day later; return it."""
    return open_suggestion(db_session, group, author=group.pat, deadline_in=timedelta(days=1))[0]


def test_comment_and_reply_on_a_suggestion(app, client, auth, group, db_session):
    proposal = _proposal(app, db_session, group)
    proposal_url = f"{group.base}/suggestions/{proposal.id}"
    auth.sign_in(group.ada)
    page = _page(client.get(proposal_url))
    assert "Comments" in page
    assert "What do you think about this suggestion?" in page
    response = client.post(f"{proposal_url}/comments", data={"body": "Much kinder"})
    comment = _comments(db_session)[-1]
    assert response.headers["Location"].endswith(f"/suggestions/{proposal.id}#comment-{comment.id}")
    assert comment.proposal_id == proposal.id
    page = _page(client.get(proposal_url))
    assert "Much kinder" in page
    assert "Your comment is added." in page

    auth.sign_in(group.sam)
    response = client.post(_url(group, comment, "reply"), data={"body": "Agreed"})
    assert f"/suggestions/{proposal.id}#comment-" in response.headers["Location"]
    client.post(_url(group, comment, "react"), data={"reaction": "agree"})
    page = _page(client.get(proposal_url))
    assert "Agreed" in page
    assert 'aria-pressed="true"' in page
    # The question's own discussion is separate.
    assert "Much kinder" not in _page(client.get(group.age_url))


def test_an_empty_comment_on_a_suggestion_is_refused_on_its_own_page(
    app, client, auth, group, db_session
):
    proposal = _proposal(app, db_session, group)
    auth.sign_in(group.ada)
    response = client.post(f"{group.base}/suggestions/{proposal.id}/comments", data={"body": ""})
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert "Write your comment" in page
    assert "Comment on a suggestion" in page
    assert _comments(db_session) == []


def test_a_suggestion_of_another_questionnaire_is_not_found(app, client, auth, group, db_session):
    proposal = _proposal(app, db_session, group)
    other = another_questionnaire(db_session, group, title="Other")
    auth.sign_in(group.ada)
    url = (
        f"/studies/{group.study.slug}/questionnaires/{other.id}/suggestions/{proposal.id}/comments"
    )
    assert client.post(url, data={"body": "Hi"}).status_code == 404
    assert _comments(db_session) == []


def test_a_post_without_its_form_token_changes_nothing(app, client, auth, group, db_session):
    comment = _post_comment(app, db_session, group, group.ada)
    auth.sign_in(group.pat)
    response = client.post(_url(group, comment, "react"), data={"reaction": "like"}, csrf=False)
    assert response.status_code == 400
    response = client.post(group.age_url, data={"body": "Sneaky"}, csrf=False)
    assert response.status_code in (200, 400)
    assert len(_comments(db_session)) == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 0


def test_someone_elses_draft_suggestion_cannot_be_commented(app, client, auth, group, db_session):
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
    db_session.commit()
    auth.sign_in(group.ada)
    url = f"{group.base}/suggestions/{draft.id}/comments"
    assert client.post(url, data={"body": "Peek"}).status_code == 404
    auth.sign_in(group.pat)
    assert client.post(url, data={"body": "Note to self"}).status_code == 302
    assert [c.body for c in _comments(db_session)] == ["Note to self"]
