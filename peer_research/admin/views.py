"""Site administration: create studies, invite their first facilitators, help people back in."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import SITE_ADMIN, allow
from peer_research.accounts import services as accounts
from peer_research.admin.forms import StudyForm
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from peer_research.studies import InviteForm
from peer_research.studies import services as studies
from peer_research.templating import show_link

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def study_or_404(study_slug: str):
    """Return the study with this address, or answer 404."""
    study = studies.get_study(db.session, study_slug)
    if study is None:
        abort(404)
    return study


@blueprint.get("/studies")
@allow(SITE_ADMIN)
def list_studies():
    """List every study on the site."""
    return render_template("admin/studies.html", studies=studies.all_studies(db.session))


@blueprint.route("/studies/new", methods=["GET", "POST"])
@allow(SITE_ADMIN)
def create_study():
    """Create a study, optionally with yourself as its first facilitator."""
    form = StudyForm()
    if form.validate_on_submit():
        try:
            study = studies.create_study(
                db.session,
                slug=form.slug.data,
                title=form.title.data,
                description=form.description.data or "",
                created_by=current_user,
            )
            if form.facilitate.data:
                studies.add_member(
                    db.session,
                    study=study,
                    user=current_user,
                    roles=[studies.Role.FACILITATOR],
                    added_by=current_user,
                )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("The study %(title)s is ready.", title=study.title), "success")
            return redirect(url_for("admin.invite_facilitator", study_slug=study.slug))
    return render_template("admin/create_study.html", form=form)


@blueprint.route("/studies/<study_slug>/invite", methods=["GET", "POST"])
@allow(SITE_ADMIN)
def invite_facilitator(study_slug: str):
    """Invite someone to a study (usually its facilitator) as a site administrator."""
    study = study_or_404(study_slug)
    form = InviteForm(
        data={"roles": [studies.Role.FACILITATOR.value]} if request.method == "GET" else None
    )
    del form.send_email
    if form.validate_on_submit():
        invitation, token = studies.create_invitation(
            db.session,
            study=study,
            name=form.name.data,
            email=form.email.data or None,
            roles=form.roles.data,
            invited_by=current_user,
            lifetime=current_app.config["INVITATION_LIFETIME"],
        )
        db.commit()
        return show_link(
            "studies/invitation_ready.html",
            url=url_for("studies.join_study", token=token, _external=True),
            title=_("Invitation to %(study)s", study=study.title),
            invitation=invitation,
            emailed=False,
        )
    return render_template("admin/invite.html", form=form, study=study)


@blueprint.get("/people")
@allow(SITE_ADMIN)
def list_people():
    """List every account on the site."""
    people = accounts.all_people(db.session)
    return render_template("admin/people.html", people=people, confirm_form=ConfirmForm())


@blueprint.post("/people/<int:user_id>/password-link")
@allow(SITE_ADMIN)
def issue_password_link(user_id: int):
    """Make a single-use link for any person to choose a new password."""
    user = accounts.get_user(db.session, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = accounts.issue_password_reset(
        db.session,
        user=user,
        issued_by=current_user,
        lifetime=current_app.config["PASSWORD_RESET_LIFETIME"],
    )
    link = url_for("accounts.reset_password", token=token, _external=True)
    emailed = accounts.email_password_link(user, link=link, issuer=current_user)
    db.commit()
    return show_link(
        "accounts/password_link.html",
        url=link,
        title=_("New password link for %(name)s", name=user.display_name),
        user=user,
        emailed=emailed,
        back_url=url_for("admin.list_people"),
    )
