"""Co-design notifications: new suggestions, decisions, replies, closing soon and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from peer_research.audit.models import AuditEvent
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.notifications import services as notifications
from peer_research.notifications.models import Notification, Topic
from peer_research.studies.models import Role
from surveys import definition as d
from surveys.codesign import notices, signals
from surveys.codesign import services as codesign
from surveys.codesign.comments import Comment
from surveys.codesign.models import ChangeKind, Position
from surveys.codesign.rules import DEFAULT_RULE

from builders import KEY, open_suggestion, question, set_group_rule
from support import page_text

POSITION_WORDS = ("Agree", "Stand aside", "Disagree", "Block", "agree:", "block:", "abstain")


@pytest.fixture
def group(make_design_group, db_session):
    """Return a design group of three (Sam has an e-mail address), a support lead, a draft."""
    group = make_design_group()
    group.sam.email = "sam@example.org"
    db_session.commit()
    return group


def _open(db_session, group, *, author=None, deadline_in=timedelta(days=3), now=None):
    """Open a wording suggestion with a poll, as `author` (Ada by default)."""
    return open_suggestion(db_session, group, author=author, deadline_in=deadline_in, now=now)


def _vote(db_session, group, poll, person, position=Position.AGREE, reason=""):
    with group.app.app_context():
        codesign.cast_vote(
            db_session, poll=poll, voter=person, position=position, reason=reason, voter_key=KEY
        )
    db_session.commit()


def _messages(db_session, person, topic=None) -> list[str]:
    """Return the messages a person was sent (newest first), of one topic if given."""
    return [
        n.message
        for n in notifications.notifications_for(db_session, user=person)
        if topic is None or n.topic == topic
    ]


def _anonymous(db_session, group):
    set_group_rule(db_session, group, rule=DEFAULT_RULE, anonymous_polls=True)


# Signals -----------------------------------------------------------------------------------


def test_a_new_suggestion_reaches_the_group_but_not_its_author(db_session, group):
    """Sam and Pat hear that Ada suggests a change; Ada and the support lead do not."""
    proposal, _poll = _open(db_session, group)
    expected = "Ada Brook suggests changing “How old are you?”. What do you think?"
    assert _messages(db_session, group.sam) == [expected]
    assert _messages(db_session, group.pat) == [expected]
    assert _messages(db_session, group.ada) == []
    assert _messages(db_session, group.lee) == []
    (note,) = notifications.notifications_for(db_session, user=group.sam)
    assert note.link == f"{group.base}/suggestions/{proposal.id}"


def test_the_outcome_reaches_everyone_in_plain_words(db_session, group):
    """When everyone agrees, the whole design group hears "The group agreed: …"."""
    _proposal, poll = _open(db_session, group)
    for person in (group.sam, group.ada, group.pat):
        _vote(db_session, group, poll, person)
    agreed = "The group agreed: changing “How old are you?”."
    for person in (group.sam, group.ada, group.pat):
        assert _messages(db_session, person, Topic.OUTCOME) == [agreed]
    assert _messages(db_session, group.lee) == []


def test_a_withdrawn_suggestion_says_its_poll_closed_without_a_decision(db_session, group):
    """Withdrawing closes the poll; the group hears why nothing was decided."""
    proposal, _poll = _open(db_session, group)
    with group.app.app_context():
        codesign.withdraw_proposal(db_session, proposal=proposal, withdrawn_by=group.ada)
    db_session.commit()
    (message,) = _messages(db_session, group.sam, Topic.OUTCOME)
    assert message == (
        "Closed without a decision: changing “How old are you?”. The suggestion was withdrawn "
        "before the poll closed, so nothing was decided."
    )


def test_a_turned_down_suggestion_says_not_agreed(db_session, group):
    """A rejected suggestion is "Not agreed: …", without saying who voted how."""
    _proposal, poll = _open(db_session, group)
    for person in (group.sam, group.ada, group.pat):
        _vote(db_session, group, poll, person, Position.DISAGREE)
    (message,) = _messages(db_session, group.ada, Topic.OUTCOME)
    assert message == "Not agreed: changing “How old are you?”."


def test_a_reply_reaches_the_parent_author_and_the_suggestion_author_not_the_writer(
    db_session, group
):
    """Pat replies to Sam's comment on Ada's suggestion: Sam and Ada hear, Pat does not."""
    proposal, _poll = _open(db_session, group)
    first = Comment(
        questionnaire_id=group.questionnaire.id,
        proposal_id=proposal.id,
        author_id=group.sam.id,
        body="Nice",
    )
    db_session.add(first)
    db_session.flush()
    reply = Comment(
        questionnaire_id=group.questionnaire.id,
        proposal_id=proposal.id,
        parent_id=first.id,
        author_id=group.pat.id,
        body="Agreed",
    )
    db_session.add(reply)
    db_session.flush()
    with group.app.app_context():
        signals.comment_posted.send(db_session, comment=first)
        signals.comment_posted.send(db_session, comment=reply)
    db_session.commit()
    assert _messages(db_session, group.sam, Topic.REPLY) == ["Pat Lin replied to your comment."]
    assert _messages(db_session, group.ada, Topic.REPLY) == [
        "Pat Lin commented on your suggestion: changing “How old are you?”.",
        "Sam Okafor commented on your suggestion: changing “How old are you?”.",
    ]
    assert _messages(db_session, group.pat, Topic.REPLY) == []
    (note, _older) = notifications.notifications_for(db_session, user=group.ada)[:2]
    assert note.link.endswith(f"/suggestions/{proposal.id}#comment-{reply.id}")


def test_a_failing_notification_never_undoes_the_vote(db_session, group, monkeypatch, caplog):
    """If notifying breaks, the decision is still recorded and the failure is logged."""
    _proposal, poll = _open(db_session, group)

    def broken(*_args, **_kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(notices, "notify", broken)
    for person in (group.sam, group.ada, group.pat):
        _vote(db_session, group, poll, person)
    assert poll.closed_at is not None
    assert codesign.decision_of(db_session, poll) is not None
    assert "could not notify" in caplog.text
    assert _messages(db_session, group.ada, Topic.OUTCOME) == []


# Closing soon ------------------------------------------------------------------------------


def test_closing_soon_tells_those_who_have_not_voted_once(db_session, group, make_study):
    """Within a day of closing, those who have not voted hear once; voters do not."""
    now = utcnow()
    _proposal, poll = _open(db_session, group, deadline_in=timedelta(hours=30), now=now)
    _vote(db_session, group, poll, group.sam)
    with group.app.app_context():
        assert codesign.notify_polls_closing_soon(db_session, now) == 0  # 30 hours away
        other = make_study()
        later = now + timedelta(hours=8)
        assert codesign.notify_polls_closing_soon(db_session, later, study=other) == 0
        assert codesign.notify_polls_closing_soon(db_session, later, study=group.study) == 2
        assert codesign.notify_polls_closing_soon(db_session, now + timedelta(hours=9)) == 0
    db_session.commit()
    (message,) = _messages(db_session, group.ada, Topic.POLL_CLOSING)
    assert message.startswith("Voting on changing “How old are you?” closes ")
    assert "we have not heard what you think yet" in message
    assert _messages(db_session, group.pat, Topic.POLL_CLOSING) == [message]
    assert _messages(db_session, group.sam, Topic.POLL_CLOSING) == []


def test_pages_send_closing_soon_notices(client, auth, db_session, group):
    """Opening the suggestions list is enough to send the closing-soon notices."""
    _open(db_session, group, deadline_in=timedelta(hours=5))
    auth.sign_in(group.sam)
    page = client.get(f"{group.base}/suggestions").get_data(as_text=True)
    assert "Notifications (2 new)" in page  # the new suggestion, and closing soon
    assert len(_messages(db_session, group.pat, Topic.POLL_CLOSING)) == 1


# Reminders ---------------------------------------------------------------------------------


def test_remind_those_who_have_not_voted_once_a_day(client, auth, db_session, group, outbox):
    """Pat reminds the group: Sam and Ada hear (Sam by e-mail too); a second click waits."""
    proposal, poll = _open(db_session, group)
    auth.sign_in(group.pat)
    url = f"{group.base}/suggestions/{proposal.id}"
    page = page_text(client.get(url))
    assert "Remind those who have not voted" in page
    done = page_text(client.post(f"{group.base}/polls/{poll.id}/remind", follow_redirects=True))
    assert "A reminder went to the 2 people who have not voted yet." in done
    assert "A reminder went " in done and "Another can be sent after" in done
    (reminder,) = _messages(db_session, group.ada, Topic.REMINDER)
    assert reminder.startswith(
        "The group would like to know what you think about changing “How old are you?”. "
        "Voting closes "
    )
    assert len(_messages(db_session, group.sam, Topic.REMINDER)) == 1
    assert _messages(db_session, group.pat, Topic.REMINDER) == []  # not the sender
    (mail,) = outbox  # after the request committed; only Sam has an address
    assert mail["To"] == "sam@example.org"
    assert "The group would like to know what you think" in mail.get_content()
    assert f"/suggestions/{proposal.id}" in mail.get_content()

    again = page_text(client.post(f"{group.base}/polls/{poll.id}/remind", follow_redirects=True))
    assert "A reminder went " in again and "Another can be sent after" in again
    assert len(_messages(db_session, group.ada, Topic.REMINDER)) == 1
    assert len(outbox) == 1
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "vote_reminder_sent")
    ).all()
    assert [(e.actor_id, e.detail["poll_id"], e.detail["reminded"]) for e in events] == [
        (group.pat.id, poll.id, 2)
    ]


def test_a_day_later_another_reminder_may_go(db_session, group):
    """The once-a-day limit lifts after 24 hours; voters are never reminded."""
    now = utcnow()
    _proposal, poll = _open(db_session, group, now=now)
    _vote(db_session, group, poll, group.ada)
    with group.app.app_context():
        assert codesign.remind_voters(db_session, poll=poll, reminded_by=group.sam, now=now) == 1
        with pytest.raises(DomainError, match="A reminder went"):
            codesign.remind_voters(
                db_session, poll=poll, reminded_by=group.ada, now=now + timedelta(hours=23)
            )
        later = now + timedelta(hours=25)
        assert codesign.reminder_state(db_session, poll=poll, now=later).may_send
        assert codesign.remind_voters(db_session, poll=poll, reminded_by=group.ada, now=later) == 2
    db_session.commit()
    assert len(_messages(db_session, group.pat, Topic.REMINDER)) == 2
    assert _messages(db_session, group.ada, Topic.REMINDER) == []


def test_nobody_to_remind_and_closed_polls_are_refused(client, auth, db_session, group):
    """When everyone else has voted, or the poll closed, a reminder is refused plainly."""
    proposal, poll = _open(db_session, group)
    _vote(db_session, group, poll, group.ada)
    _vote(db_session, group, poll, group.pat)
    auth.sign_in(group.sam)
    url = f"{group.base}/polls/{poll.id}/remind"
    page = page_text(client.post(url, follow_redirects=True))
    assert "Everyone else has voted, so there is nobody to remind." in page
    _vote(db_session, group, poll, group.sam)  # closes the poll
    page = page_text(client.post(url, follow_redirects=True))
    assert "This poll has closed" in page
    assert "Remind those who have not voted" not in page_text(
        client.get(f"{group.base}/suggestions/{proposal.id}")
    )
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.topic == Topic.REMINDER)
        )
        == 0
    )


def test_reminders_are_for_the_design_group_and_this_questionnaire(
    client, auth, db_session, group, make_member
):
    """A support lead cannot remind; a poll of another study or a made-up one is not found."""
    _proposal, poll = _open(db_session, group)
    auth.sign_in(group.lee)
    assert client.post(f"{group.base}/polls/{poll.id}/remind").status_code == 403
    auth.sign_out()
    auth.sign_in(group.ada)
    assert client.post(f"{group.base}/polls/999999/remind").status_code == 404
    other = make_member(roles=[Role.FACILITATOR])
    assert (
        client.post(
            f"/studies/{other.study.slug}/questionnaires/{group.questionnaire.id}"
            f"/polls/{poll.id}/remind"
        ).status_code
        == 403
    )
    assert client.post(f"{group.base}/polls/{poll.id}/remind", csrf=False).status_code == 400
    assert _messages(db_session, group.sam, Topic.REMINDER) == []


# Anonymity ---------------------------------------------------------------------------------


def test_nothing_in_reminders_or_notices_reveals_positions(client, auth, db_session, group):
    """In an anonymous poll, reminders, notices and the reminder box never say who voted how."""
    _anonymous(db_session, group)
    now = utcnow()
    proposal, poll = _open(db_session, group, deadline_in=timedelta(hours=5), now=now)
    _vote(db_session, group, poll, group.ada, Position.BLOCK, reason="Too blunt")
    with group.app.app_context():
        codesign.notify_polls_closing_soon(db_session, now)
        codesign.remind_voters(db_session, poll=poll, reminded_by=group.ada, now=now)
    db_session.commit()
    texts = [n.message for n in db_session.scalars(sa.select(Notification))]
    assert texts
    for text in texts:
        assert not any(word in text for word in POSITION_WORDS)
        assert "Too blunt" not in text
    auth.sign_in(group.sam)
    page = page_text(client.get(f"{group.base}/suggestions/{proposal.id}"))
    reminder_box = page.split("Not voted yet")[1]
    assert "Block" not in reminder_box.split("What do you think?")[0]


def test_a_broken_mail_server_never_breaks_the_reminder(
    client, auth, db_session, group, broken_mail_server, outbox
):
    """The reminder is saved and shown even when e-mail fails; the e-mail stays pending."""
    _proposal, poll = _open(db_session, group)
    auth.sign_in(group.pat)
    response = client.post(f"{group.base}/polls/{poll.id}/remind", follow_redirects=True)
    assert response.status_code == 200
    assert "A reminder went to the 2 people who have not voted yet." in page_text(response)
    assert outbox == []
    pending = db_session.scalars(
        sa.select(Notification).where(
            Notification.topic == Topic.REMINDER, Notification.user_id == group.sam.id
        )
    ).one()
    assert pending.emailed_at is None


def test_a_direct_edit_is_told_to_everyone_but_its_maker(db_session, group):
    """A facilitator's direct edit reaches the rest of the group, naming who made it."""
    set_group_rule(db_session, group, rule=DEFAULT_RULE, allow_direct_edits=True)
    with group.app.app_context():
        proposal = codesign.create_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.sam,
            kind=ChangeKind.CHANGE_ITEM,
            reason="Typo",
            item=question("age", d.QuestionType.INTEGER, label={"en": "How old are you now?"}),
            target_name="age",
        )
        codesign.apply_directly(db_session, proposal=proposal, editor=group.sam)
    db_session.commit()
    expected = "Sam Okafor changed the draft directly: changing “How old are you?”."
    assert _messages(db_session, group.ada, Topic.OUTCOME) == [expected]
    assert _messages(db_session, group.sam, Topic.OUTCOME) == []


def test_publishing_decisions_are_told_in_plain_words(db_session, group):
    """A poll on publishing ends with "The group agreed: publishing …" or "Not agreed: …"."""
    now = utcnow()
    with group.app.app_context():
        poll = codesign.open_publish_poll(
            db_session,
            questionnaire=group.questionnaire,
            opened_by=group.sam,
            deadline=now + timedelta(days=2),
            now=now,
        )
    db_session.commit()
    for person in (group.sam, group.ada, group.pat):
        _vote(db_session, group, poll, person, Position.DISAGREE)
    (message,) = _messages(db_session, group.pat, Topic.OUTCOME)
    assert message == "Not agreed: publishing “What helps at home”."
    (note,) = notifications.notifications_for(db_session, user=group.pat)
    assert note.link == f"/studies/{group.study.slug}/polls/{poll.id}"
