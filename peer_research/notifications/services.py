"""Notify people inside the app (and by e-mail when they chose it), honouring their choices.

Generic: callers say who, which study, which topic, the words and the link; this module
knows nothing about questionnaires.

Defaults, when a member has not chosen: every topic shows in the app; e-mail only for
reminders to vote and for the group's decisions (the two things someone away from the app
would want to hear about), so nobody's inbox fills with every comment unless they ask.

E-mail is never sent inside the transaction that makes a notification: `notify` notes the
new rows in the session, and once that transaction commits the app (after the request) or
the `peer-research notifications send` command calls `send_pending_emails`, which claims
each row by setting `emailed_at`, sends it, and gives the claim back if sending failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.notifications.models import Notification, NotificationChoice, Topic
from peer_research.studies.models import Membership, Study

log = logging.getLogger(__name__)

# Notifications made in the current transaction that may need an e-mail (session.info keys).
_NEW = "notifications.new_email_ids"
_COMMITTED = "notifications.committed_email_ids"
# An e-mail older than this is not worth sending any more (the cron job may have been off).
EMAIL_WITHIN = timedelta(days=2)
MAX_DEDUPE_KEY = 200


@dataclass(frozen=True)
class Choice:
    """How one topic reaches a member: in the app, by e-mail, both or neither."""

    in_app: bool
    by_email: bool


DEFAULT_CHOICES: Mapping[Topic, Choice] = {
    Topic.NEW_SUGGESTION: Choice(in_app=True, by_email=False),
    Topic.REPLY: Choice(in_app=True, by_email=False),
    Topic.POLL_CLOSING: Choice(in_app=True, by_email=False),
    Topic.OUTCOME: Choice(in_app=True, by_email=True),
    Topic.REMINDER: Choice(in_app=True, by_email=True),
    Topic.WELLBEING_ALERT: Choice(in_app=True, by_email=True),
}

TOPIC_NAMES = {
    Topic.NEW_SUGGESTION: _l("New suggestions"),
    Topic.REPLY: _l("Replies"),
    Topic.POLL_CLOSING: _l("Votes closing soon"),
    Topic.OUTCOME: _l("Decisions"),
    Topic.REMINDER: _l("Reminders to vote"),
    Topic.WELLBEING_ALERT: _l("Wellbeing alerts"),
}
TOPIC_DESCRIPTIONS = {
    Topic.NEW_SUGGESTION: _l("Someone suggests a change to a questionnaire."),
    Topic.REPLY: _l("Someone replies to your comment or comments on your suggestion."),
    Topic.POLL_CLOSING: _l("A vote you have not taken part in closes within a day."),
    Topic.OUTCOME: _l("The group has decided something."),
    Topic.REMINDER: _l("Someone in the group asks everyone who has not voted yet to vote."),
    Topic.WELLBEING_ALERT: _l("A peer researcher may need support (for support leads)."),
}


# Choices ---------------------------------------------------------------------------------


def choices_for(session: Session, *, user: User, study: Study) -> dict[Topic, Choice]:
    """Return a member's choice for every topic in a study (the default where none is saved)."""
    rows = session.scalars(
        sa.select(NotificationChoice).where(
            NotificationChoice.user_id == user.id, NotificationChoice.study_id == study.id
        )
    )
    saved = {row.topic: Choice(in_app=row.in_app, by_email=row.by_email) for row in rows}
    return {topic: saved.get(topic, DEFAULT_CHOICES[topic]) for topic in Topic}


def save_choices(
    session: Session, *, user: User, study: Study, choices: Mapping[Topic, Choice]
) -> None:
    """Save a member's choices for the topics given (the others keep theirs)."""
    for topic, choice in choices.items():
        row = session.get(NotificationChoice, (user.id, study.id, Topic(topic)))
        if row is None:
            session.add(
                NotificationChoice(
                    user_id=user.id,
                    study_id=study.id,
                    topic=Topic(topic),
                    in_app=choice.in_app,
                    by_email=choice.by_email,
                )
            )
        else:
            row.in_app, row.by_email = choice.in_app, choice.by_email
    session.flush()


def _default_for(column: str):
    """Return SQL giving a topic's default (`in_app` or `by_email`) for a notification row."""
    return sa.case(
        {topic.value: getattr(DEFAULT_CHOICES[topic], column) for topic in Topic},
        value=Notification.topic,
        else_=False,
    )


def _choice_join(query: sa.Select) -> sa.Select:
    """Join each notification to its owner's saved choice for its study and topic, if any."""
    return query.outerjoin(
        NotificationChoice,
        sa.and_(
            NotificationChoice.user_id == Notification.user_id,
            NotificationChoice.study_id == Notification.study_id,
            NotificationChoice.topic == Notification.topic,
        ),
    )


def _shown_in_app(query: sa.Select, user_id: int | sa.BindParameter) -> sa.Select:
    """Keep a person's notifications from studies they are in, for topics shown in the app.

    Choices apply to what is shown now: turning a topic off hides its notifications, and
    turning it on again shows them. Leaving a study hides its notifications.
    """
    query = _choice_join(query).join(
        Membership,
        sa.and_(Membership.study_id == Notification.study_id, Membership.user_id == user_id),
    )
    return query.where(
        Notification.user_id == user_id,
        sa.func.coalesce(NotificationChoice.in_app, _default_for("in_app")),
    )


# Shown in the header of every page: built once, with the person bound per call.
_UNREAD_COUNT = _shown_in_app(
    sa.select(sa.func.count(Notification.id)), sa.bindparam("user_id")
).where(Notification.read_at.is_(None))


# Notifying -------------------------------------------------------------------------------


def notify(
    session: Session,
    *,
    users: Iterable[User | int],
    study: Study,
    topic: Topic,
    message: str,
    link: str,
    dedupe_key: str,
) -> list[Notification]:
    """Notify people about one event, as each chose; never twice for the same `dedupe_key`.

    `link` is a path inside the app. Nobody is notified about a topic they turned off both in
    the app and by e-mail. Returns the notifications made.
    """
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("a notification links to a path inside the app")
    if len(dedupe_key) > MAX_DEDUPE_KEY:
        raise ValueError("dedupe_key is too long")
    topic = Topic(topic)
    user_ids = sorted({user if isinstance(user, int) else user.id for user in users})
    if not user_ids:
        return []
    already = set(
        session.scalars(
            sa.select(Notification.user_id).where(
                Notification.dedupe_key == dedupe_key, Notification.user_id.in_(user_ids)
            )
        )
    )
    saved = {
        row.user_id: Choice(in_app=row.in_app, by_email=row.by_email)
        for row in session.scalars(
            sa.select(NotificationChoice).where(
                NotificationChoice.study_id == study.id,
                NotificationChoice.topic == topic,
                NotificationChoice.user_id.in_(user_ids),
            )
        )
    }
    made: list[Notification] = []
    for user_id in user_ids:
        choice = saved.get(user_id, DEFAULT_CHOICES[topic])
        if user_id in already or not (choice.in_app or choice.by_email):
            continue
        notification = Notification(
            user_id=user_id,
            study_id=study.id,
            topic=topic,
            message=message,
            link=link,
            dedupe_key=dedupe_key,
        )
        try:
            # Another request may notify the same person for the same event at the same
            # moment: the unique key stops the second one, and only its row is dropped.
            with session.begin_nested():
                session.add(notification)
        except IntegrityError:
            continue
        made.append(notification)
        if choice.by_email:
            session.info.setdefault(_NEW, set()).add(notification.id)
    return made


@event.listens_for(Session, "after_commit")
def _keep_committed_email_ids(session: Session) -> None:
    """Once notifications are committed, their e-mails may be sent."""
    new = session.info.pop(_NEW, None)
    if new:
        session.info.setdefault(_COMMITTED, set()).update(new)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_email_ids(session: Session) -> None:
    """Forget e-mails for notifications that were rolled back (they no longer exist)."""
    session.info.pop(_NEW, None)


def committed_email_ids(session: Session) -> set[int]:
    """Return (and forget) the ids of committed notifications that may need an e-mail."""
    return session.info.pop(_COMMITTED, set())


# Reading ---------------------------------------------------------------------------------


def notifications_for(session: Session, *, user: User, limit: int = 100) -> list[Notification]:
    """Return a person's notifications shown in the app, newest first."""
    query = _shown_in_app(sa.select(Notification), user.id)
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list(session.scalars(query))


def unread_count(session: Session, *, user: User) -> int:
    """Return how many notifications a person has not read (one COUNT query)."""
    return session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


def get_notification(session: Session, *, user: User, notification_id: int) -> Notification | None:
    """Return one of a person's own notifications (None for anyone else's)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    return notification


def mark_read(session: Session, *, notification: Notification, now: datetime | None = None) -> None:
    """Mark a notification read (it stays read)."""
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        session.flush()


def mark_all_read(session: Session, *, user: User, now: datetime | None = None) -> int:
    """Mark all of a person's notifications read; return how many were unread."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


# E-mail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailer:
    """How to send: whether mail is set up, the function that sends, and the site's address."""

    enabled: bool
    send: Callable[..., bool]  # (to=, subject=, body=) -> sent?, like mail.try_send_mail
    base_url: str | None  # e.g. "https://research.example.org" (None: no link in the e-mail)


def send_pending_emails(
    session: Session,
    *,
    mailer: Mailer,
    now: datetime | None = None,
    notification_ids: Iterable[int] | None = None,
    limit: int = 500,
) -> int:
    """E-mail committed notifications their owners chose to get by e-mail; return how many.

    Only unread, not yet e-mailed, recent notifications of people with an address who are
    still in the study. Each row is claimed (`emailed_at`) before sending; a failure gives
    the claim back, is logged, and stops this run (the next run tries again).
    """
    if not mailer.enabled:
        return 0
    now = now or utcnow()
    query = (
        _choice_join(sa.select(Notification, User.email, Study.title))
        .join(User, User.id == Notification.user_id)
        .join(Study, Study.id == Notification.study_id)
        .join(
            Membership,
            sa.and_(
                Membership.study_id == Notification.study_id,
                Membership.user_id == Notification.user_id,
            ),
        )
        .where(
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= now - EMAIL_WITHIN,
            User.email.is_not(None),
            User.email != "",
            sa.func.coalesce(NotificationChoice.by_email, _default_for("by_email")),
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if notification_ids is not None:
        ids = sorted(set(notification_ids))
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    sent = 0
    for notification, address, study_title in session.execute(query).all():
        claimed = session.execute(
            sa.update(Notification)
            .where(Notification.id == notification.id, Notification.emailed_at.is_(None))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another run sent it
        subject, body = _email_text(notification, study_title, mailer.base_url)
        if not mailer.send(to=address, subject=subject, body=body):
            session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id)
                .values(emailed_at=None)
                .execution_options(synchronize_session=False)
            )
            log.warning("stopped sending notification e-mails after a failure")
            break
        sent += 1
    session.flush()
    return sent


def _email_text(notification: Notification, study_title: str, base_url: str | None):
    """Return the subject and body of a notification's e-mail (only what the app shows)."""
    subject = _("%(study)s: %(topic)s", study=study_title, topic=TOPIC_NAMES[notification.topic])
    if base_url:
        where = _("Open it here:\n%(url)s", url=base_url.rstrip("/") + notification.link)
    else:
        where = _("Sign in to peer-research to see it.")
    body = _(
        "Hello,\n\n%(message)s\n\n%(where)s\n\n"
        "You get this e-mail because of your notification choices for %(study)s. You can "
        "change them on the study's Notification choices page.\n",
        message=notification.message,
        where=where,
        study=study_title,
    )
    return subject, body
