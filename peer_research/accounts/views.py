"""Sign in and out, your account, and password links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from peer_research.access import PUBLIC, SIGNED_IN, allow
from peer_research.accounts import LIST_STUDIES, services
from peer_research.accounts.forms import (
    ChangePasswordForm,
    NewPasswordForm,
    SignInForm,
    SignOutEverywhereForm,
)
from peer_research.audit.services import Action, record
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import safe_next_url, show_domain_error

blueprint = Blueprint("accounts", __name__)


def sign_in_limits() -> services.SignInLimits:
    """Return the configured limits on failed sign-ins."""
    return services.SignInLimits.from_config(current_app.config)


def session_lifetime():
    """Return how long a sign-in session lasts (as long as the session cookie)."""
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


@blueprint.get("/")
@allow(PUBLIC)
def show_home():
    """Show your studies, or a welcome page when signed out."""
    if not current_user.is_authenticated:
        return render_template("accounts/welcome.html")
    list_studies = current_app.extensions[LIST_STUDIES]
    return render_template("accounts/home.html", memberships=list_studies(db.session, current_user))


@blueprint.route("/sign-in", methods=["GET", "POST"])
@allow(PUBLIC)
def sign_in():
    """Sign in with a username or e-mail address and a password."""
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        # The password check reads and takes a moment: it holds no write lock (SQLite).
        db.only_reading()
        try:
            user = services.sign_in(
                db.session,
                identifier=form.username.data,
                password=form.password.data,
                address=request.remote_addr or "",
                limits=sign_in_limits(),
                session_lifetime=session_lifetime(),
                before_writing=db.start_writing,
            )
        except DomainError as error:
            db.commit()  # keep the record of the failure: it is what slows down guessing
            show_domain_error(form, error)
            return render_template("accounts/sign_in.html", form=form), 200
        db.commit()
        login_user(user)
        return redirect(safe_next_url(form.next.data) or url_for("accounts.show_home"))
    return render_template("accounts/sign_in.html", form=form)


@blueprint.post("/sign-out")
@allow(SIGNED_IN)
def sign_out():
    """Sign out, ending this sign-in session on the server too, and go back to the welcome page."""
    services.end_session(db.session, user=current_user)
    db.commit()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.show_home"))


@blueprint.post("/account/sign-out-everywhere")
@allow(SIGNED_IN)
def sign_out_everywhere():
    """Sign out on every device and browser at once, this one included."""
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out_everywhere(db.session, user=current_user)
    db.commit()
    logout_user()
    flash(_("You have signed out on every device and browser."), "success")
    return redirect(url_for("accounts.show_home"))


@blueprint.route("/account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def show_account():
    """Show your account details and let you change your password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session,
                user=current_user,
                current_password=form.current_password.data,
                new_password=form.password.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()  # this sign-in session stays; every other one has ended
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.show_account"))
    return render_template(
        "accounts/account.html",
        form=form,
        everywhere_form=SignOutEverywhereForm(formdata=None),
        sessions=services.count_sessions(db.session, user=current_user),
    )


@blueprint.route("/password/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset_password(token: str):
    """Choose a new password from a single-use link."""
    try:
        reset = services.find_password_reset(db.session, token)
    except DomainError as error:
        with db.writing() as session:
            record(session, Action.PASSWORD_RESET_REFUSED, detail={"reason": error.message})
        abort(410, error.message)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.complete_password_reset(
                db.session,
                reset=reset,
                password=form.password.data,
                session_lifetime=session_lifetime(),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            logout_user()
            login_user(user)
            flash(_("Your new password is saved. You are signed in."), "success")
            return redirect(url_for("accounts.show_home"))
    return render_template("accounts/reset_password.html", form=form, user=reset.user)
