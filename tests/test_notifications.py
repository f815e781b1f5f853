"""Notifications: each member's choices, no repeats, read and unread, e-mail only after commit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from peer_research import mail
from peer_research.mail import try_send_mail
from peer_research.notifications import services
from peer_research.notifications.models import Notification, NotificationChoice, Topic
from peer_research.studies.models import Role
from peer_research.studies.services import remove_member

from support import page_text

LINK = "/studies/somewhere/"


@pytest.fixture
def app_context(app):
    """Run inside an app context (e-mail reads the configuration); not with the test client."""
    with app.app_context():
        yield


@pytest.fixture
def people(make_study, make_member):
    """Return a study with two members, one with an e-mail address."""
    study = make_study(title="Carers' voices")
    ada = make_member(study=study, display_name="Ada Brook", email="ada@example.org").user
    ben = make_member(study=study, roles=[Role.PEER_RESEARCHER], display_name="Ben Ode").user
    return study, ada, ben


def _notify(db_session, study, users, topic=Topic.NEW_SUGGESTION, key="event:1", message="Hi"):
    made = services.notify(
        db_session,
        users=users,
        study=study,
        topic=topic,
        message=message,
        link=LINK,
        dedupe_key=key,
    )
    db_session.commit()
    return made


def _mailer(enabled=True):
    return services.Mailer(enabled=enabled, send=try_send_mail, base_url="https://pr.example.org")


# Choices ---------------------------------------------------------------------------------


def test_defaults_show_everything_in_the_app_and_email_only_reminders_and_decisions(
    db_session, people
):
    """Without a saved choice, all topics show in the app; e-mail is for reminders, outcomes
    and wellbeing alerts (someone may need support, and the support lead may be away)."""
    study, ada, _ben = people
    choices = services.choices_for(db_session, user=ada, study=study)
    assert all(choice.in_app for choice in choices.values())
    assert {topic for topic, choice in choices.items() if choice.by_email} == {
        Topic.REMINDER,
        Topic.OUTCOME,
        Topic.WELLBEING_ALERT,
    }


def test_saved_choices_are_read_back_and_changed(db_session, people):
    """A saved choice replaces the default for that topic only, and can be changed again."""
    study, ada, _ben = people
    services.save_choices(
        db_session,
        user=ada,
        study=study,
        choices={Topic.REPLY: services.Choice(in_app=False, by_email=True)},
    )
    services.save_choices(
        db_session,
        user=ada,
        study=study,
        choices={Topic.REPLY: services.Choice(in_app=False, by_email=False)},
    )
    db_session.commit()
    choices = services.choices_for(db_session, user=ada, study=study)
    assert choices[Topic.REPLY] == services.Choice(in_app=False, by_email=False)
    assert choices[Topic.OUTCOME] == services.DEFAULT_CHOICES[Topic.OUTCOME]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(NotificationChoice)) == 1


def test_nobody_is_notified_about_a_topic_they_turned_off(db_session, people):
    """Turned off in the app and by e-mail: no notification at all."""
    study, ada, ben = people
    services.save_choices(
        db_session,
        user=ben,
        study=study,
        choices={Topic.NEW_SUGGESTION: services.Choice(in_app=False, by_email=False)},
    )
    made = _notify(db_session, study, [ada, ben])
    assert [n.user_id for n in made] == [ada.id]
    assert services.unread_count(db_session, user=ben) == 0
    assert services.unread_count(db_session, user=ada) == 1


def test_e_mail_only_topics_do_not_show_in_the_app(db_session, people):
    """A topic chosen by e-mail only is not listed or counted in the app."""
    study, ada, _ben = people
    services.save_choices(
        db_session,
        user=ada,
        study=study,
        choices={Topic.OUTCOME: services.Choice(in_app=False, by_email=True)},
    )
    made = _notify(db_session, study, [ada], topic=Topic.OUTCOME)
    assert len(made) == 1
    assert services.notifications_for(db_session, user=ada) == []
    assert services.unread_count(db_session, user=ada) == 0


# Notifying, reading ----------------------------------------------------------------------


def test_the_same_event_never_notifies_anyone_twice(db_session, people):
    """A second notify with the same key adds nothing, even with new words."""
    study, ada, ben = people
    _notify(db_session, study, [ada, ben], key="poll:7:closing")
    again = _notify(db_session, study, [ada, ada.id, ben], key="poll:7:closing", message="Again")
    assert again == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2
    assert [n.message for n in services.notifications_for(db_session, user=ada)] == ["Hi"]


def test_links_must_stay_inside_the_app(db_session, people):
    """A link to another site is refused (notification links are app paths)."""
    study, ada, _ben = people
    for link in ("https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="inside the app"):
            services.notify(
                db_session,
                users=[ada],
                study=study,
                topic=Topic.REPLY,
                message="x",
                link=link,
                dedupe_key="k",
            )


def test_newest_first_mark_one_read_then_all(db_session, people):
    """The list is newest first; marking one and then all read empties the unread count."""
    study, ada, _ben = people
    for number in range(3):
        _notify(db_session, study, [ada], key=f"event:{number}", message=f"Message {number}")
    listed = services.notifications_for(db_session, user=ada)
    assert [n.message for n in listed] == ["Message 2", "Message 1", "Message 0"]
    services.mark_read(db_session, notification=listed[0])
    db_session.commit()
    assert services.unread_count(db_session, user=ada) == 2
    assert services.mark_all_read(db_session, user=ada) == 2
    db_session.commit()
    assert services.unread_count(db_session, user=ada) == 0


def test_nobody_reads_someone_elses_notification(db_session, people):
    """Another person's notification is not found for you."""
    study, ada, ben = people
    (made,) = _notify(db_session, study, [ada])
    assert services.get_notification(db_session, user=ben, notification_id=made.id) is None
    assert services.get_notification(db_session, user=ada, notification_id=made.id) is made


def test_leaving_a_study_hides_its_notifications(db_session, people, make_member):
    """Notifications from a study you left are not shown or counted."""
    study, ada, _ben = people
    facilitator = make_member(study=study, roles=[Role.FACILITATOR]).user
    _notify(db_session, study, [ada])
    remove_member(
        db_session,
        membership=next(m for m in study.memberships if m.user_id == ada.id),
        removed_by=facilitator,
    )
    db_session.commit()
    assert services.notifications_for(db_session, user=ada) == []
    assert services.unread_count(db_session, user=ada) == 0


# E-mail ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("app_context")
def test_email_goes_only_after_commit_and_only_once(db_session, people, outbox):
    """Nothing is e-mailed before the commit; afterwards once, with the words and the link."""
    study, ada, _ben = people
    services.notify(
        db_session,
        users=[ada],
        study=study,
        topic=Topic.REMINDER,
        message="The group would like to know what you think.",
        link=LINK,
        dedupe_key="poll:1:reminder",
    )
    assert services.committed_email_ids(db_session) == set()  # not committed yet
    assert outbox == []
    db_session.commit()
    ids = services.committed_email_ids(db_session)
    assert len(ids) == 1
    assert services.send_pending_emails(db_session, mailer=_mailer(), notification_ids=ids) == 1
    db_session.commit()
    (message,) = outbox
    assert message["To"] == "ada@example.org"
    assert "Carers' voices" in message["Subject"]
    body = message.get_content()
    assert "The group would like to know what you think." in body
    assert "https://pr.example.org/studies/somewhere/" in body
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    assert len(outbox) == 1
    assert db_session.scalar(sa.select(Notification.emailed_at)) is not None


@pytest.mark.usefixtures("app_context")
def test_rolled_back_notifications_are_never_emailed(db_session, people, outbox):
    """Work that is rolled back leaves nothing to e-mail."""
    study, ada, _ben = people
    services.notify(
        db_session,
        users=[ada],
        study=study,
        topic=Topic.REMINDER,
        message="x",
        link=LINK,
        dedupe_key="k",
    )
    db_session.rollback()
    assert services.committed_email_ids(db_session) == set()
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    assert outbox == []


@pytest.mark.usefixtures("app_context")
def test_email_only_when_chosen_configured_and_addressed(db_session, people, outbox):
    """No e-mail for topics not chosen by e-mail, for people without an address, or without SMTP."""
    study, ada, ben = people
    _notify(db_session, study, [ada, ben], topic=Topic.NEW_SUGGESTION, key="a")  # not chosen
    _notify(db_session, study, [ben], topic=Topic.REMINDER, key="b")  # Ben has no address
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    _notify(db_session, study, [ada], topic=Topic.OUTCOME, key="c")
    assert services.send_pending_emails(db_session, mailer=_mailer(enabled=False)) == 0
    assert outbox == []
    services.save_choices(
        db_session,
        user=ada,
        study=study,
        choices={Topic.OUTCOME: services.Choice(in_app=True, by_email=False)},
    )
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    assert outbox == []


@pytest.mark.usefixtures("app_context")
def test_read_notifications_are_not_emailed(db_session, people, outbox):
    """Someone who already read it in the app gets no e-mail about it."""
    study, ada, _ben = people
    _notify(db_session, study, [ada], topic=Topic.OUTCOME)
    services.mark_all_read(db_session, user=ada)
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    assert outbox == []


@pytest.mark.usefixtures("app_context")
def test_a_broken_mail_server_is_logged_and_tried_again_later(
    db_session, people, broken_mail_server, outbox, caplog, monkeypatch
):
    """A refused connection sends nothing, raises nothing, and leaves the e-mail pending."""
    study, ada, _ben = people
    _notify(db_session, study, [ada], topic=Topic.OUTCOME)
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 0
    db_session.commit()
    assert "could not send e-mail" in caplog.text
    assert db_session.scalar(sa.select(Notification.emailed_at)) is None
    monkeypatch.setattr(mail.smtplib.SMTP, "refuse", False)  # the server is back
    assert services.send_pending_emails(db_session, mailer=_mailer()) == 1
    assert len(outbox) == 1


# Pages -----------------------------------------------------------------------------------


def test_header_counts_unread_and_the_list_marks_them_in_words(client, auth, db_session, people):
    """The header says how many are new; the list marks new ones with a word and opens them."""
    study, ada, _ben = people
    _notify(db_session, study, [ada], key="one", message="Ben suggests changing “Age”.")
    _notify(db_session, study, [ada], key="two", message="Not agreed: removing “Home”.")
    auth.sign_in(ada)
    home = client.get("/").get_data(as_text=True)
    assert "Notifications (2 new)" in home
    listing = page_text(client.get("/notifications"))
    assert "You have 2 new notifications." in listing
    assert listing.count("New Ben suggests") + listing.count("New Not agreed") == 2
    assert listing.index("Not agreed") < listing.index("Ben suggests")  # newest first

    (first, _second) = services.notifications_for(db_session, user=ada)
    response = client.get(f"/notifications/{first.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == LINK
    assert "Notifications (1 new)" in client.get("/notifications").get_data(as_text=True)

    page = page_text(client.post("/notifications/read", follow_redirects=True))
    assert "All your notifications are marked as read." in page
    assert "You have read all your notifications." in page
    assert "Notifications (" not in client.get("/").get_data(as_text=True)


def test_opening_someone_elses_notification_is_not_found(client, auth, db_session, people):
    """Another person's notification answers 404 and stays unread."""
    study, ada, ben = people
    (made,) = _notify(db_session, study, [ada])
    auth.sign_in(ben)
    assert client.get(f"/notifications/{made.id}").status_code == 404
    assert client.get("/notifications/999999").status_code == 404
    db_session.refresh(made)
    assert made.read_at is None


def test_mark_all_read_needs_the_form(client, auth, db_session, people):
    """Without a CSRF token nothing is marked read."""
    study, ada, _ben = people
    _notify(db_session, study, [ada])
    auth.sign_in(ada)
    assert client.post("/notifications/read", csrf=False).status_code == 400
    assert services.unread_count(db_session, user=ada) == 1


def test_choose_what_you_get_on_the_choices_page(client, auth, db_session, people):
    """The table has a labelled box per topic and way; unticking saves the choice."""
    study, ada, _ben = people
    auth.sign_in(ada)
    url = f"/studies/{study.slug}/notifications/choices"
    page = client.get(url).get_data(as_text=True)
    assert "New suggestions in the app" in page
    assert "Reminders to vote by e-mail" in page
    assert "not set up to send e-mail" in page  # no SMTP in tests
    data = {f"in_app_{topic.value}": "y" for topic in Topic}
    data["by_email_reminder"] = "y"
    del data["in_app_reply"]
    saved = page_text(client.post(url, data=data, follow_redirects=True))
    assert "Your choices are saved." in saved
    choices = services.choices_for(db_session, user=ada, study=study)
    assert choices[Topic.REPLY] == services.Choice(in_app=False, by_email=False)
    assert choices[Topic.REMINDER] == services.Choice(in_app=True, by_email=True)
    assert choices[Topic.OUTCOME] == services.Choice(in_app=True, by_email=False)


def test_choices_page_explains_a_missing_address(client, auth, people, outbox):
    """Someone without an e-mail address is told why nothing can be e-mailed."""
    study, _ada, ben = people
    auth.sign_in(ben)
    page = page_text(client.get(f"/studies/{study.slug}/notifications/choices"))
    assert "Your account has no e-mail address" in page


def test_choices_of_another_study_are_refused(client, auth, people, make_study):
    """A study you are not in has no choices page for you."""
    _study, ada, _ben = people
    other = make_study()
    auth.sign_in(ada)
    assert client.get(f"/studies/{other.slug}/notifications/choices").status_code == 403


def test_the_cron_command_sends_what_is_due(tmp_path, monkeypatch):
    """`peer-research notifications send` runs against a database and says what it did."""
    from click.testing import CliRunner

    from peer_research.cli import main

    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PEER_RESEARCH_SECRET_KEY", "c" * 64)
    monkeypatch.setenv("PEER_RESEARCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cron.sqlite'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    result = runner.invoke(
        main,
        ["notifications", "send", "--site-url", "https://pr.example.org"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "Polls closed: 0. Closing-soon notices: 0." in result.output
    assert "Wellbeing alerts escalated: 0. E-mails sent: 0." in result.output
