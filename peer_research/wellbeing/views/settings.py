"""The study's wellbeing settings, for facilitators and support leads: when a debrief
raises an alert, when an alert goes to the facilitators, the words of the check-in and
debrief questions, and the support resources (add, change, reorder, remove)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow, members_with
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.wellbeing import services as wellbeing
from peer_research.wellbeing.forms import (
    MoveForm,
    RemoveForm,
    ResourceForm,
    SettingsForm,
    WordingForm,
)
from peer_research.wellbeing.ordering import move_resource_in
from peer_research.wellbeing.views import WELLBEING, blueprint
from peer_research.wellbeing.wording import KIND_NAMES, find_question, label_of, with_new_wording

SETTINGS_KEEPERS = members_with("facilitator", "support_lead")
SETTINGS = f"{WELLBEING}/settings"


def _saved(message: str):
    """Commit, say so, and go back to the settings page."""
    db.commit()
    flash(message, "success")
    return redirect(url_for("wellbeing.show_settings"))


@blueprint.route(SETTINGS, methods=["GET", "POST"])
@allow(SETTINGS_KEEPERS)
def show_settings():
    """Show and change when alerts are raised and escalated; list questions and resources."""
    settings = wellbeing.settings_for(db.session, g.study)
    form = SettingsForm(
        data={
            "low_score": str(settings.low_score),
            "escalate_after_hours": settings.escalate_after_hours,
        }
    )
    if form.validate_on_submit():
        try:
            wellbeing.update_settings(
                db.session,
                study=g.study,
                editor=current_user,
                low_score=int(form.low_score.data),
                escalate_after_hours=form.escalate_after_hours.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("The wellbeing settings are saved."))
    page = render_template(
        "wellbeing/settings.html",
        form=form,
        questions=settings.questions or {},
        kind_names=KIND_NAMES,
        label_of=label_of,
        resources=wellbeing.support_resources(db.session, g.study),
        move_form=MoveForm(),
    )
    return page, 400 if form.errors else 200


@blueprint.route(f"{SETTINGS}/questions/<kind>/<name>", methods=["GET", "POST"])
@allow(SETTINGS_KEEPERS)
def change_wording(kind: str, name: str):
    """Change the words of one check-in or debrief question."""
    settings = wellbeing.settings_for(db.session, g.study)
    questions = settings.questions or {}
    item = find_question(questions, kind[:20], name[:100])
    if item is None:
        abort(404, _("There is no question with that name in the check-in or debrief."))
    form = WordingForm(
        data={"label": label_of(item), "hint": (item.get("hint") or {}).get("en", "")}
    )
    if form.validate_on_submit():
        changed = with_new_wording(
            questions, kind, name, label=form.label.data, hint=form.hint.data or ""
        )
        try:
            wellbeing.update_settings(
                db.session, study=g.study, editor=current_user, questions=changed
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("The question's words are saved."))
    page = render_template(
        "wellbeing/wording.html", form=form, kind=kind, name=name, kind_name=KIND_NAMES[kind]
    )
    return page, 400 if form.errors or form.form_errors else 200


@blueprint.route(f"{SETTINGS}/resources/new", methods=["GET", "POST"])
@allow(SETTINGS_KEEPERS)
def add_resource():
    """Add a place or person interviewers can turn to for support."""
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            wellbeing.add_support_resource(
                db.session, study=g.study, editor=current_user, **_resource_fields(form)
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("The support contact is added."))
    page = render_template("wellbeing/resource.html", form=form, resource=None)
    return page, 400 if form.errors or form.form_errors else 200


def _resource_or_404(resource_id: int):
    """Return one of this study's support resources."""
    found = next(
        (r for r in wellbeing.support_resources(db.session, g.study) if r.id == resource_id), None
    )
    if found is None:
        abort(404, _("This study has no support contact with that number."))
    return found


def _resource_fields(form: ResourceForm) -> dict[str, str]:
    """Return what the resource form holds, ready for the service."""
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "contact": form.contact.data,
        "opening_hours": form.opening_hours.data or "",
    }


@blueprint.route(f"{SETTINGS}/resources/<int:resource_id>", methods=["GET", "POST"])
@allow(SETTINGS_KEEPERS)
def edit_resource(resource_id: int):
    """Change a support resource's name, description, contact or opening hours."""
    resource = _resource_or_404(resource_id)
    form = ResourceForm(obj=resource)
    if form.validate_on_submit():
        try:
            wellbeing.update_support_resource(
                db.session,
                study=g.study,
                editor=current_user,
                resource_id=resource.id,
                **_resource_fields(form),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("The support contact is saved."))
    page = render_template("wellbeing/resource.html", form=form, resource=resource)
    return page, 400 if form.errors or form.form_errors else 200


@blueprint.post(f"{SETTINGS}/resources/<int:resource_id>/move")
@allow(SETTINGS_KEEPERS)
def move_resource(resource_id: int):
    """Move a support resource one place up or down the list."""
    resource = _resource_or_404(resource_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to move it up or down."), "error")
        return redirect(url_for("wellbeing.show_settings"))
    move_resource_in(
        db.session,
        wellbeing.support_resources(db.session, g.study),
        resource,
        up=form.direction.data == "up",
    )
    return _saved(_("The support contacts are in their new order."))


@blueprint.route(f"{SETTINGS}/resources/<int:resource_id>/remove", methods=["GET", "POST"])
@allow(SETTINGS_KEEPERS)
def remove_resource(resource_id: int):
    """Ask, then remove a support resource."""
    resource = _resource_or_404(resource_id)
    form = RemoveForm()
    if form.validate_on_submit():
        wellbeing.remove_support_resource(
            db.session, study=g.study, editor=current_user, resource_id=resource.id
        )
        return _saved(_("The support contact is removed."))
    return render_template("wellbeing/resource_remove.html", form=form, resource=resource)
