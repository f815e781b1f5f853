"""How the group decides: the rule in force in plain words, its history, the first set-up
by a facilitator, and suggesting a new rule (which the group decides by a poll)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import ANY_MEMBER, FACILITATORS, allow
from peer_research.db import db, utcnow
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from surveys.codesign import services as codesign
from surveys.views import blueprint
from surveys.views.common import CO_DESIGN_GROUP, is_facilitator, may_suggest
from surveys.views.decision_forms import RuleForm, SuggestRuleForm
from surveys.views.suggesting import DECIDE_WITHIN, decide_by
from surveys.views.voting import close_due_polls

RULES = "/studies/<study_slug>/how-we-decide"


def describe_settings(settings: codesign.DecisionSettings) -> dict:
    """Return what pages say about a way of deciding: the rule in words and the two choices."""
    return {
        "rule": settings.rule.describe(),
        "anonymous": settings.anonymous_polls,
        "direct_edits": settings.allow_direct_edits,
    }


# How the group decides -----------------------------------------------------------------


@blueprint.get(RULES)
@allow(ANY_MEMBER)
def show_decision_rules():
    """Show how the group decides, in plain words, with its history."""
    close_due_polls()
    settings = codesign.decision_settings(db.session, g.study)
    return render_template(
        "surveys/decisions/how_we_decide.html",
        settings=settings,
        described=describe_settings(settings),
        history=[
            _history_line(entry)
            for entry in reversed(codesign.rule_history_entries(db.session, study=g.study))
        ],
        open_rule_poll=codesign.open_rule_change_poll(db.session, study=g.study),
        may_set_up=settings.setting is None and is_facilitator(),
        may_suggest=may_suggest(),
    )


def _history_line(entry: codesign.RuleHistoryEntry) -> dict:
    """Return one past setting of the rule: what it said, who set it, by which decision."""
    return {
        "row": entry.row,
        "set_by": entry.set_by,
        "poll_id": entry.poll_id,
        **describe_settings(entry.settings),
    }


@blueprint.route(f"{RULES}/set-up", methods=["GET", "POST"])
@allow(FACILITATORS)
def set_up_decision_rule():
    """Let a facilitator set how the group decides, the first time only."""
    settings = codesign.decision_settings(db.session, g.study)
    if settings.setting is not None:
        flash(_("The group decides how it decides: suggest a new rule and the group votes."))
        return redirect(url_for("surveys.suggest_decision_rule"))
    form = RuleForm()
    if request.method == "GET":
        form.fill(settings)
    if form.validate_on_submit():
        try:
            codesign.set_decision_rule(
                db.session, study=g.study, settings=form.settings(), set_by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Saved. From now on, the group changes this by a vote."), "success")
            return redirect(url_for("surveys.show_decision_rules"))
    return render_template(
        "surveys/decisions/rule_form.html", form=form, setting_up=True
    ), 400 if form.errors or form.form_errors else 200


@blueprint.route(f"{RULES}/suggest", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def suggest_decision_rule():
    """Suggest a new way of deciding; the group decides it under the rule in force."""
    settings = codesign.decision_settings(db.session, g.study)
    form = SuggestRuleForm()
    if request.method == "GET":
        form.fill(settings)
        form.deadline.data = (utcnow() + DECIDE_WITHIN).date()
    if form.validate_on_submit():
        now = utcnow()
        try:
            poll = codesign.suggest_rule(
                db.session,
                study=g.study,
                settings=form.settings(),
                asked_by=current_user,
                reason=form.reason.data,
                deadline=decide_by(form.deadline.data, now),
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            flash(_("Your suggestion is open. The group can now say what they think."), "success")
            return redirect(url_for("surveys.show_poll", poll_id=poll.id))
    return render_template(
        "surveys/decisions/rule_form.html",
        form=form,
        setting_up=False,
        in_force=describe_settings(settings),
    ), 400 if form.errors or form.form_errors else 200
