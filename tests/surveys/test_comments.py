"""Comments: threads on the draft's questions and on suggestions, replies, edits, reactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign import signals
from surveys.codesign.comments import Comment, CommentReaction, Reaction
from surveys.codesign.models import ChangeKind

from builders import age_question, another_questionnaire, home_question, open_suggestion, question

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group):
    """Return a study's design group, a support lead, an outsider and a draft of two questions."""
    return make_design_group(
        age_question(), home_question(), pat_role=Role.PEER_RESEARCHER, outsider=True
    )


def _comment(db_session, group, author=None, body="Is this too personal?", **subject):
    subject = subject or {"item_name": "age"}
    return codesign.post_comment(
        db_session,
        questionnaire=group.questionnaire,
        author=author or group.ada,
        body=body,
        now=NOW,
        **subject,
    )


def _proposal(db_session, group):
    """Open Pat's wording suggestion (without a poll); return it."""
    return open_suggestion(db_session, group, author=group.pat, now=NOW, deadline_in=None)[0]


def test_a_comment_on_a_question_starts_a_thread(db_session, group):
    comment = _comment(db_session, group, body="  Is this too personal?\n ")
    assert comment.body == "Is this too personal?"
    assert comment.item_name == "age"
    assert comment.proposal_id is None
    threads = codesign.item_threads(
        db_session, questionnaire=group.questionnaire, name="age", viewer=group.pat
    )
    assert [t.first.comment for t in threads] == [comment]
    assert threads[0].replies == ()
    assert (
        codesign.item_threads(
            db_session, questionnaire=group.questionnaire, name="home", viewer=group.pat
        )
        == []
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your comment."),
        ("   \n\t ", "Write your comment."),
        (None, "Write your comment."),
        ("x" * 5001, "Use 5,000 characters or fewer."),
    ],
)
def test_empty_or_huge_comments_are_refused(db_session, group, body, message):
    with pytest.raises(DomainError, match=message) as caught:
        _comment(db_session, group, body=body)
    assert caught.value.field == "body"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_exactly_5000_characters_are_accepted(db_session, group):
    assert len(_comment(db_session, group, body="y" * 5000).body) == 5000


def test_a_question_that_is_not_in_the_draft_is_refused(db_session, group):
    with pytest.raises(DomainError, match="nothere is not in the draft"):
        _comment(db_session, group, item_name="nothere")


def test_a_comment_needs_exactly_one_subject(db_session, group):
    proposal = _proposal(db_session, group)
    with pytest.raises(DomainError, match="Choose a question or a suggestion"):
        codesign.post_comment(
            db_session, questionnaire=group.questionnaire, author=group.ada, body="Hm"
        )
    with pytest.raises(DomainError, match="Choose a question or a suggestion"):
        _comment(db_session, group, item_name="age", proposal=proposal)


def test_comments_on_a_suggestion_are_its_own_threads(db_session, group):
    proposal = _proposal(db_session, group)
    on_proposal = _comment(db_session, group, body="I like it", proposal=proposal)
    _comment(db_session, group, body="About the question")
    threads = codesign.proposal_threads(db_session, proposal=proposal, viewer=group.sam)
    assert [t.first.comment for t in threads] == [on_proposal]
    assert on_proposal.item_name is None
    assert codesign.item_comment_counts(db_session, group.questionnaire) == {"age": 1}


def test_a_suggestion_of_another_questionnaire_is_refused(
    db_session, group, questionnaire, facilitator
):
    other = another_questionnaire(db_session, group, title="Other")
    proposal = _proposal(db_session, group)
    with pytest.raises(DomainError, match="not about this questionnaire"):
        codesign.post_comment(
            db_session, questionnaire=other, author=group.ada, body="Hi", proposal=proposal
        )


@pytest.mark.parametrize("who", ["lee", "outsider"])
def test_only_the_design_group_writes_and_reacts(db_session, group, who):
    person = getattr(group, who)
    comment = _comment(db_session, group)
    message = "Only members of this study's design group"
    with pytest.raises(DomainError, match=message):
        _comment(db_session, group, author=person)
    with pytest.raises(DomainError, match=message):
        codesign.reply_to_comment(db_session, parent=comment, author=person, body="Me too")
    with pytest.raises(DomainError, match=message):
        codesign.toggle_reaction(db_session, comment=comment, user=person, reaction="like")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1


def test_every_role_in_the_design_group_may_comment(db_session, group, make_member):
    partner = make_member(study=group.study, roles=[Role.ACADEMIC_PARTNER]).user
    for person in (group.sam, group.ada, group.pat, partner):
        _comment(db_session, group, author=person, body=f"From {person.id}")
    assert codesign.item_comment_counts(db_session, group.questionnaire) == {"age": 4}


def test_replies_join_the_thread_one_level_deep_and_say_whom_they_answer(db_session, group):
    first = _comment(db_session, group)
    reply = codesign.reply_to_comment(
        db_session, parent=first, author=group.pat, body="A bit", now=NOW + timedelta(minutes=1)
    )
    answer = codesign.reply_to_comment(
        db_session, parent=reply, author=group.sam, body="Why?", now=NOW + timedelta(minutes=2)
    )
    assert (reply.item_name, reply.parent_id) == ("age", first.id)
    assert answer.parent_id == reply.id
    [thread] = codesign.item_threads(
        db_session, questionnaire=group.questionnaire, name="age", viewer=group.ada
    )
    assert thread.first.comment == first
    assert [entry.comment for entry in thread.replies] == [reply, answer]
    assert thread.replies[0].replying_to is None  # answers the first comment
    assert thread.replies[1].replying_to == reply
    assert codesign.item_comment_counts(db_session, group.questionnaire) == {"age": 3}


def test_a_reply_to_a_comment_on_a_suggestion_stays_with_the_suggestion(db_session, group):
    proposal = _proposal(db_session, group)
    first = _comment(db_session, group, proposal=proposal)
    reply = codesign.reply_to_comment(db_session, parent=first, author=group.pat, body="Yes")
    assert (reply.proposal_id, reply.item_name) == (proposal.id, None)
    [thread] = codesign.proposal_threads(db_session, proposal=proposal, viewer=group.ada)
    assert [e.comment for e in thread.replies] == [reply]


def test_no_reply_about_a_question_that_left_the_draft(db_session, group):
    first = _comment(db_session, group)
    drafts.delete_item(
        db_session, questionnaire=group.questionnaire, name="age", changed_by=group.sam
    )
    with pytest.raises(DomainError, match="age is not in the draft"):
        codesign.reply_to_comment(db_session, parent=first, author=group.pat, body="Hm")


def test_posting_sends_the_comment_posted_signal(db_session, group):
    received = []

    def receiver(sender, comment):
        received.append((sender, comment))

    signals.comment_posted.connect(receiver)
    try:
        first = _comment(db_session, group)
        reply = codesign.reply_to_comment(db_session, parent=first, author=group.pat, body="Hi")
    finally:
        signals.comment_posted.disconnect(receiver)
    assert received == [(db_session, first), (db_session, reply)]
    assert all(comment.id is not None for _s, comment in received)


def test_editing_ones_own_comment_marks_it_edited(db_session, group):
    comment = _comment(db_session, group)
    codesign.edit_comment(
        db_session, comment=comment, editor=group.ada, body=" Too personal? ", now=NOW
    )
    assert (comment.body, comment.edited_at) == ("Too personal?", NOW)
    codesign.edit_comment(
        db_session,
        comment=comment,
        editor=group.ada,
        body="Too personal?",
        now=NOW + timedelta(hours=1),
    )
    assert comment.edited_at == NOW  # nothing changed, so not edited again


def test_nobody_edits_someone_elses_comment_not_even_a_facilitator(db_session, group):
    comment = _comment(db_session, group)
    for person in (group.pat, group.sam):
        with pytest.raises(DomainError, match="Only the person who wrote this comment"):
            codesign.edit_comment(db_session, comment=comment, editor=person, body="Mine now")
    with pytest.raises(DomainError, match="Write your comment"):
        codesign.edit_comment(db_session, comment=comment, editor=group.ada, body=" ")
    assert comment.body == "Is this too personal?"
    assert comment.edited_at is None


def test_removing_ones_own_comment_hides_its_words_keeps_its_replies(db_session, group):
    first = _comment(db_session, group)
    reply = codesign.reply_to_comment(db_session, parent=first, author=group.pat, body="A bit")
    codesign.toggle_reaction(db_session, comment=first, user=group.pat, reaction="agree")
    codesign.remove_comment(db_session, comment=first, removed_by=group.ada, now=NOW)
    assert first.removed_at == NOW
    assert first.body == ""
    [thread] = codesign.item_threads(
        db_session, questionnaire=group.questionnaire, name="age", viewer=group.pat
    )
    assert thread.first.removed
    assert thread.first.body == ""
    assert all(r.count == 0 for r in thread.first.reactions)
    assert [e.comment for e in thread.replies] == [reply]
    assert codesign.item_comment_counts(db_session, group.questionnaire) == {"age": 1}
    assert (
        db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "comment_removed"))
        is None
    )
    with pytest.raises(DomainError, match="This comment was removed"):
        codesign.remove_comment(db_session, comment=first, removed_by=group.ada)
    with pytest.raises(DomainError, match="This comment was removed"):
        codesign.edit_comment(db_session, comment=first, editor=group.ada, body="Back")
    with pytest.raises(DomainError, match="This comment was removed"):
        codesign.toggle_reaction(db_session, comment=first, user=group.pat, reaction="like")


def test_a_facilitator_may_remove_anyones_comment_and_it_is_audited(db_session, group):
    comment = _comment(db_session, group)
    codesign.remove_comment(db_session, comment=comment, removed_by=group.sam)
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "comment_removed"))
    assert event.actor_id == group.sam.id
    assert event.study_id == group.study.id
    assert event.detail["comment_id"] == comment.id
    assert event.detail["author_id"] == group.ada.id
    assert "personal" not in str(event.detail)  # the removed words are not kept anywhere


@pytest.mark.parametrize("who", ["pat", "lee", "outsider"])
def test_others_cannot_remove_a_comment(db_session, group, who):
    comment = _comment(db_session, group)
    with pytest.raises(DomainError, match="or a facilitator, can remove it"):
        codesign.remove_comment(db_session, comment=comment, removed_by=getattr(group, who))
    assert comment.removed_at is None
    assert comment.body == "Is this too personal?"


def test_reactions_toggle_one_of_each_kind_per_person(db_session, group):
    comment = _comment(db_session, group)
    assert codesign.toggle_reaction(db_session, comment=comment, user=group.pat, reaction="like")
    assert codesign.toggle_reaction(db_session, comment=comment, user=group.pat, reaction="idea")
    assert codesign.toggle_reaction(db_session, comment=comment, user=group.sam, reaction="like")
    [thread] = codesign.item_threads(
        db_session, questionnaire=group.questionnaire, name="age", viewer=group.pat
    )
    shown = {r.reaction: (r.count, r.mine) for r in thread.first.reactions}
    assert shown == {
        Reaction.AGREE: (0, False),
        Reaction.LIKE: (2, True),
        Reaction.QUESTION: (0, False),
        Reaction.IDEA: (1, True),
    }
    assert not codesign.toggle_reaction(
        db_session, comment=comment, user=group.pat, reaction=Reaction.LIKE
    )
    [thread] = codesign.item_threads(
        db_session, questionnaire=group.questionnaire, name="age", viewer=group.sam
    )
    shown = {r.reaction: (r.count, r.mine) for r in thread.first.reactions}
    assert shown[Reaction.LIKE] == (1, True)
    assert shown[Reaction.IDEA] == (1, False)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 2


def test_an_unknown_reaction_is_refused(db_session, group):
    comment = _comment(db_session, group)
    with pytest.raises(DomainError, match="Choose agree, like, question or idea"):
        codesign.toggle_reaction(db_session, comment=comment, user=group.pat, reaction="love")


def test_get_comment_only_finds_comments_of_the_questionnaire(db_session, group):
    comment = _comment(db_session, group)
    other = another_questionnaire(db_session, group, title="Other")

    def find(questionnaire, comment_id):
        return codesign.get_comment(
            db_session, questionnaire=questionnaire, comment_id=comment_id, viewer=group.pat
        )

    assert find(group.questionnaire, comment.id) == comment
    assert find(other, comment.id) is None
    assert find(group.questionnaire, 10**9) is None


def test_threads_are_read_in_a_few_queries(db_session, group):
    for number in range(5):
        first = _comment(db_session, group, body=f"Thought {number}")
        for person in (group.pat, group.sam):
            reply = codesign.reply_to_comment(db_session, parent=first, author=person, body="Yes")
            codesign.toggle_reaction(db_session, comment=reply, user=group.ada, reaction="agree")
    db_session.expire_all()
    statements = []
    connection = db_session.connection()

    def count(*_args):
        statements.append(1)

    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        threads = codesign.item_threads(
            db_session, questionnaire=group.questionnaire, name="age", viewer=group.ada
        )
        names = [e.comment.author.display_name for t in threads for e in t.entries]
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    assert len(threads) == 5
    assert len(names) == 15
    assert len(statements) <= 4


def _pats_private_draft(db_session, group):
    """Return Pat's draft suggestion, not yet put to the group (only Pat can see it)."""
    return codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Your age?"}),
        reason="Not ready",
    )


def test_someone_elses_draft_suggestion_is_private(db_session, group):
    draft = _pats_private_draft(db_session, group)
    with pytest.raises(DomainError, match="Only its author can see this suggestion"):
        _comment(db_session, group, proposal=draft)
    own = _comment(db_session, group, author=group.pat, proposal=draft)
    with pytest.raises(DomainError, match="Only its author can see this suggestion"):
        codesign.reply_to_comment(db_session, parent=own, author=group.ada, body="Hm")


def test_a_private_drafts_comments_are_found_and_touched_by_nobody_else(db_session, group):
    """Reading, replying, changing, removing and reacting all refuse another person."""
    draft = _pats_private_draft(db_session, group)
    note = _comment(db_session, group, author=group.pat, body="Note to self", proposal=draft)
    for other in (group.ada, group.sam):  # a co-researcher and the facilitator
        assert (
            codesign.get_comment(
                db_session, questionnaire=group.questionnaire, comment_id=note.id, viewer=other
            )
            is None
        )
        assert codesign.proposal_threads(db_session, proposal=draft, viewer=other) == []
        attempts = [
            lambda who: codesign.reply_to_comment(db_session, parent=note, author=who, body="Hm"),
            lambda who: codesign.edit_comment(db_session, comment=note, editor=who, body="Hm"),
            lambda who: codesign.remove_comment(db_session, comment=note, removed_by=who),
            lambda who: codesign.toggle_reaction(
                db_session, comment=note, user=who, reaction=Reaction.LIKE
            ),
        ]
        for attempt in attempts:
            with pytest.raises(DomainError, match="Only"):
                attempt(other)
    assert note.body == "Note to self"
    assert note.removed_at is None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CommentReaction)) == 0
    [thread] = codesign.proposal_threads(db_session, proposal=draft, viewer=group.pat)
    assert thread.first.body == "Note to self"


def test_a_draft_withdrawn_before_it_was_opened_stays_private(db_session, group):
    draft = _pats_private_draft(db_session, group)
    note = _comment(db_session, group, author=group.pat, body="Note to self", proposal=draft)
    codesign.withdraw_proposal(db_session, proposal=draft, withdrawn_by=group.pat)
    assert draft.is_private
    assert not draft.visible_to(group.ada.id)
    assert (
        codesign.get_comment(
            db_session, questionnaire=group.questionnaire, comment_id=note.id, viewer=group.ada
        )
        is None
    )
