"""Reading the consent form: the version in use, the draft, each version with what changed,
and the decision log."""

from __future__ import annotations

from flask import abort, g, render_template
from flask_babel import gettext as _

from consent.wording import services as wording
from consent.wording.views import blueprint
from consent.wording.views.common import (
    CONSENT_GROUP,
    checked,
    chosen_language,
    prepare_page,
    template_names,
)
from peer_research.access import allow
from peer_research.db import db
from peer_research.paging import page_of, requested_page

LOG_PAGE = 20


@blueprint.get("/")
@allow(CONSENT_GROUP)
def show_form():
    """Show the consent form in use, whether the draft differs, and what the group decides."""
    prepare_page()
    state = wording.form_state(db.session, g.study)
    shown = state.current or state.draft
    content = checked(shown.content)
    return render_template(
        "consent/wording/form.html",
        state=state,
        content=content,
        language=chosen_language(content),
        rule=wording.group_decisions().rule_in_force(db.session, g.study),
        publishing_poll=wording.group_decisions().open_publishing_poll(db.session, study=g.study),
        **template_names(),
    )


@blueprint.get("/draft")
@allow(CONSENT_GROUP)
def show_draft():
    """Show the draft in one language, and what it changes from the version in use."""
    prepare_page()
    state = wording.form_state(db.session, g.study)
    content = checked(state.draft.content)
    return render_template(
        "consent/wording/draft.html",
        state=state,
        content=content,
        language=chosen_language(content),
        problem=wording.publishing_problem(db.session, g.study),
        **template_names(),
    )


@blueprint.get("/versions/<int:number>")
@allow(CONSENT_GROUP)
def show_version(number: int):
    """Show a published version, frozen, and what changed since the one before, word by word."""
    page = wording.version_page(db.session, study=g.study, number=number)
    if page is None:
        abort(404, _("The consent form has no version %(n)d.", n=number))
    content = checked(page.version.content)
    return render_template(
        "consent/wording/version.html",
        page=page,
        content=content,
        language=chosen_language(content),
        **template_names(),
    )


@blueprint.get("/decisions")
@allow(CONSENT_GROUP)
def show_decision_log():
    """Show every decision about the consent form, newest first, with the votes."""
    prepare_page()
    page = requested_page()
    entries = wording.group_decisions().decision_log(
        db.session, study=g.study, offset=(page - 1) * LOG_PAGE, limit=LOG_PAGE + 1
    )
    entries, has_next = page_of(entries, LOG_PAGE)
    return render_template(
        "consent/wording/decisions.html",
        entries=entries,
        page=page,
        has_next=has_next,
        suggestions=wording.suggestions_named(
            db.session,
            study=g.study,
            ids={int(e.change["suggestion"]) for e in entries if e.change.get("suggestion")},
        ),
        **template_names(),
    )
