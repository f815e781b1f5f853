"""Study home, people, invitations, roles and removals."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from peer_research.access import ANY_MEMBER, FACILITATORS, PUBLIC, allow
from peer_research.accounts import services as accounts
from peer_research.audit.services import Action, record
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from peer_research.mail import mail_enabled, try_send_mail
from peer_research.studies import services
from peer_research.studies.forms import InviteForm, JoinWithNewAccountForm, RolesForm
from peer_research.templating import show_link

blueprint = Blueprint("studies", __name__, url_prefix="")


def membership_or_404(membership_id: int):
    """Return a membership of the current study, or answer 404."""
    membership = services.get_study_membership(
        db.session, study=g.study, membership_id=membership_id
    )
    if membership is None:
        abort(404, _("That person is not a member of this study."))
    return membership


@blueprint.get("/studies/<study_slug>/")
@allow(ANY_MEMBER)
def show_study():
    """Show the study's home page."""
    return render_template(
        "studies/home.html", member_count=services.member_count(db.session, g.study)
    )


@blueprint.get("/studies/<study_slug>/people")
@allow(ANY_MEMBER)
def list_members():
    """List the study's members and, for facilitators, the open invitations."""
    is_facilitator = g.membership.has_any_role(FACILITATORS.study_roles)
    memberships = services.members_of(db.session, g.study)
    paused = (
        accounts.paused_people(
            db.session,
            users=[membership.user for membership in memberships],
            limits=accounts.SignInLimits.from_config(current_app.config),
        )
        if is_facilitator
        else set()
    )
    return render_template(
        "studies/members.html",
        memberships=memberships,
        invitations=services.pending_invitations(db.session, g.study) if is_facilitator else [],
        is_facilitator=is_facilitator,
        paused=paused,
        confirm_form=ConfirmForm(),
    )


@blueprint.route("/studies/<study_slug>/people/invite", methods=["GET", "POST"])
@allow(FACILITATORS)
def invite_member():
    """Make a single-use invitation link for a new member."""
    form = InviteForm()
    if not mail_enabled():
        del form.send_email
    if not form.validate_on_submit():
        return render_template("studies/invite.html", form=form)
    try:
        invitation, token = services.create_invitation(
            db.session,
            study=g.study,
            name=form.name.data,
            email=form.email.data or None,
            roles=form.roles.data,
            invited_by=current_user,
            lifetime=current_app.config["INVITATION_LIFETIME"],
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return render_template("studies/invite.html", form=form)
    link = url_for("studies.join_study", token=token, _external=True)
    emailed = "send_email" in form and form.send_email.data and invitation.email
    if emailed:
        emailed = _email_invitation(invitation, link)
    db.commit()
    return show_link(
        "studies/invitation_ready.html",
        url=link,
        title=_("Invitation to %(study)s", study=g.study.title),
        invitation=invitation,
        emailed=emailed,
    )


def _email_invitation(invitation, link: str) -> bool:
    """Send the invitation link by e-mail; report failure without losing the invitation."""
    body = _(
        'Hello %(name)s,\n\n%(inviter)s has invited you to join the study "%(study)s".\n\n'
        "Open this link to join (it works once, until %(expires)s):\n%(link)s\n",
        name=invitation.name,
        inviter=current_user.display_name,
        study=g.study.title,
        expires=invitation.expires_at.strftime("%d %B %Y"),
        link=link,
    )
    subject = _("Invitation to %(study)s", study=g.study.title)
    if not try_send_mail(to=invitation.email, subject=subject, body=body):
        return False
    record(
        db.session,
        Action.INVITATION_EMAILED,
        actor=current_user,
        study=g.study,
        detail={"invitation_id": invitation.id},
    )
    return True


@blueprint.post("/studies/<study_slug>/invitations/<int:invitation_id>/cancel")
@allow(FACILITATORS)
def cancel_invitation(invitation_id: int):
    """Stop an invitation link from working."""
    form = ConfirmForm()
    invitation = services.get_study_invitation(
        db.session, study=g.study, invitation_id=invitation_id
    )
    if invitation is None:
        abort(404, _("That invitation is not part of this study."))
    if form.validate_on_submit():
        try:
            services.cancel_invitation(db.session, invitation=invitation, cancelled_by=current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash(_("The invitation for %(name)s is cancelled.", name=invitation.name), "success")
    return redirect(url_for("studies.list_members"))


@blueprint.route("/studies/<study_slug>/people/<int:membership_id>/roles", methods=["GET", "POST"])
@allow(FACILITATORS)
def change_roles(membership_id: int):
    """Change the roles a member holds."""
    membership = membership_or_404(membership_id)
    form = RolesForm(data=None if request.method == "POST" else {"roles": sorted(membership.roles)})
    if form.validate_on_submit():
        try:
            services.change_roles(
                db.session, membership=membership, roles=form.roles.data, changed_by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("%(name)s's roles are saved.", name=membership.user.display_name), "success")
            return redirect(url_for("studies.list_members"))
    return render_template("studies/roles.html", form=form, membership=membership)


@blueprint.route("/studies/<study_slug>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@allow(FACILITATORS)
def remove_member(membership_id: int):
    """Ask to confirm, then take a person out of the study."""
    membership = membership_or_404(membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.user.display_name
        try:
            services.remove_member(db.session, membership=membership, removed_by=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("%(name)s is no longer a member of this study.", name=name), "success")
            if membership.user_id == current_user.id:
                return redirect(url_for("accounts.show_home"))
            return redirect(url_for("studies.list_members"))
    return render_template("studies/remove.html", form=form, membership=membership)


@blueprint.post("/studies/<study_slug>/people/<int:membership_id>/password-link")
@allow(FACILITATORS)
def issue_password_link(membership_id: int):
    """Make a single-use link a member can use to choose a new password."""
    membership = membership_or_404(membership_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not services.can_reset_password_of(
        db.session, facilitator=current_user, user=membership.user
    ):
        abort(
            403,
            _(
                "%(name)s is also in studies you do not run, so only a site administrator can "
                "make a password link for them.",
                name=membership.user.display_name,
            ),
        )
    token = accounts.issue_password_reset(
        db.session,
        user=membership.user,
        issued_by=current_user,
        lifetime=current_app.config["PASSWORD_RESET_LIFETIME"],
        study=g.study,
    )
    link = url_for("accounts.reset_password", token=token, _external=True)
    emailed = accounts.email_password_link(membership.user, link=link, issuer=current_user)
    db.commit()
    return show_link(
        "accounts/password_link.html",
        url=link,
        title=_("New password link for %(name)s", name=membership.user.display_name),
        user=membership.user,
        emailed=emailed,
        back_url=url_for("studies.list_members"),
    )


@blueprint.post("/studies/<study_slug>/people/<int:membership_id>/sign-in-pause")
@allow(FACILITATORS)
def lift_sign_in_pause(membership_id: int):
    """Let a member sign in again now, after wrong passwords paused it (audited)."""
    membership = membership_or_404(membership_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if membership.user.is_site_admin:
        abort(403, _("Only a site administrator can help a site administrator sign in."))
    accounts.lift_sign_in_pause(
        db.session, user=membership.user, lifted_by=current_user, study=g.study
    )
    db.commit()
    flash(
        _("%(name)s can sign in again now.", name=membership.user.display_name),
        "success",
    )
    return redirect(url_for("studies.list_members"))


@blueprint.route("/join/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def join_study(token: str):
    """Show an invitation and accept it, with a new account or the signed-in one."""
    try:
        invitation = services.find_invitation(db.session, token)
    except services.InvitationUnusableError as error:
        with db.writing() as session:
            services.refuse_invitation(session, error)
        abort(410, error.message)
    if current_user.is_authenticated:
        return _join_as_signed_in_user(invitation)
    form = JoinWithNewAccountForm(
        data=None
        if request.method == "POST"
        else {"display_name": invitation.name, "email": invitation.email}
    )
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                username=form.username.data,
                display_name=form.display_name.data,
                email=form.email.data or None,
                password=form.password.data,
            )
            services.accept_invitation(db.session, invitation=invitation, user=user)
            accounts.start_session(
                db.session, user=user, lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"]
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            login_user(user)
            flash(
                _("Welcome, %(name)s. You have joined the study.", name=user.display_name),
                "success",
            )
            return redirect(url_for("studies.show_study", study_slug=invitation.study.slug))
    return render_template("studies/join.html", form=form, invitation=invitation, token=token)


def _join_as_signed_in_user(invitation):
    """Let a signed-in person accept the invitation for their own account."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(db.session, invitation=invitation, user=current_user)
        except DomainError as error:
            db.session.rollback()
            abort(410, error.message)
        db.commit()
        flash(_("You have joined %(study)s.", study=invitation.study.title), "success")
        return redirect(url_for("studies.show_study", study_slug=invitation.study.slug))
    return render_template("studies/join_signed_in.html", form=form, invitation=invitation)
