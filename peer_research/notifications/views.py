"""Notification pages: your notifications, your choices per study; e-mail after each request."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from peer_research.access import ANY_MEMBER, SIGNED_IN, allow
from peer_research.db import db
from peer_research.forms import ConfirmForm
from peer_research.mail import mail_enabled, try_send_mail
from peer_research.notifications import services
from peer_research.notifications.models import Topic
from peer_research.studies.services import studies_of

log = logging.getLogger(__name__)

blueprint = Blueprint("notifications", __name__)


def mailer(base_url: str | None) -> services.Mailer:
    """Return the app's way of sending notification e-mails."""
    return services.Mailer(enabled=mail_enabled(), send=try_send_mail, base_url=base_url)


@blueprint.after_app_request
def send_committed_emails(response):
    """E-mail the notifications this request committed, for those who chose e-mail.

    Runs after the view's commit, so nothing is e-mailed about work that was rolled back.
    A failure is logged and never changes the response.
    """
    session = g.get("db_session")
    if session is None:
        return response
    ids = services.committed_email_ids(session)
    if not ids:
        return response
    # Nothing the view left uncommitted is committed here, and its transaction ends before
    # the sending one begins (on SQLite two writers in one request would wait on each other).
    session.rollback()
    try:
        with db.writing() as sending:
            services.send_pending_emails(
                sending, mailer=mailer(request.url_root), notification_ids=ids
            )
    except Exception:  # e-mail is a courtesy: it must never break the page
        log.exception("could not send notification e-mails")
    return response


@blueprint.app_context_processor
def unread_notifications() -> dict:
    """Offer the header the number of unread notifications, counted only when it is shown."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return services.unread_count(db.session, user=current_user)
        except Exception:  # the header must render even when the database does not answer
            log.exception("could not count notifications")
            return 0

    return {"unread_notification_count": count}


@blueprint.get("/notifications")
@allow(SIGNED_IN)
def list_notifications():
    """List your notifications, newest first, unread ones marked."""
    notifications = services.notifications_for(db.session, user=current_user)
    return render_template(
        "notifications/list.html",
        notifications=notifications,
        unread=sum(1 for n in notifications if n.read_at is None),
        form=ConfirmForm(),
        topic_names=services.TOPIC_NAMES,
        memberships=studies_of(db.session, current_user),
    )


@blueprint.get("/notifications/<int:notification_id>")
@allow(SIGNED_IN)
def open_notification(notification_id: int):
    """Mark one of your notifications read and go to what it is about."""
    notification = services.get_notification(
        db.session, user=current_user, notification_id=notification_id
    )
    if notification is None:
        abort(404, _("That notification is not yours, or it no longer exists."))
    with db.writing() as session:
        services.mark_read(session, notification=notification)
    return redirect(request.script_root + notification.link)


@blueprint.post("/notifications/read")
@allow(SIGNED_IN)
def mark_all_read():
    """Mark all your notifications as read."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_all_read(db.session, user=current_user)
    db.commit()
    flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))


def choices_form(choices: dict[Topic, services.Choice]):
    """Return a form with two boxes per topic: in the app, by e-mail."""

    class ChoicesForm(FlaskForm):
        pass

    for topic in Topic:
        name = services.TOPIC_NAMES[topic]
        setattr(
            ChoicesForm,
            f"in_app_{topic.value}",
            BooleanField(_("%(topic)s in the app", topic=name), default=choices[topic].in_app),
        )
        setattr(
            ChoicesForm,
            f"by_email_{topic.value}",
            BooleanField(_("%(topic)s by e-mail", topic=name), default=choices[topic].by_email),
        )
    return ChoicesForm()


@blueprint.route("/studies/<study_slug>/notifications/choices", methods=["GET", "POST"])
@allow(ANY_MEMBER)
def edit_choices():
    """Choose which notifications you get from this study, in the app and by e-mail."""
    form = choices_form(services.choices_for(db.session, user=current_user, study=g.study))
    if form.validate_on_submit():
        services.save_choices(
            db.session,
            user=current_user,
            study=g.study,
            choices={
                topic: services.Choice(
                    in_app=form[f"in_app_{topic.value}"].data,
                    by_email=form[f"by_email_{topic.value}"].data,
                )
                for topic in Topic
            },
        )
        db.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.edit_choices"))
    return render_template(
        "notifications/choices.html",
        form=form,
        topics=list(Topic),
        topic_names=services.TOPIC_NAMES,
        topic_descriptions=services.TOPIC_DESCRIPTIONS,
        has_address=bool(current_user.email),
        mail_enabled=mail_enabled(),
    )
