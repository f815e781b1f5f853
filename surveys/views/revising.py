"""Change one's own suggestion: a draft, or one that needs an update because the question
changed meanwhile. The pages are the editor's (`editor.py`), filled with the suggestion."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.access import allow
from peer_research.db import db
from surveys import services
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.common import (
    CO_DESIGN_GROUP,
    EDITOR_KINDS,
    hidden_revision,
    questionnaire_or_404,
)
from surveys.views.editor import (
    ITEMS,
    after_editing,
    chosen_place,
    live_about,
    render_item_page,
    render_move,
    render_remove,
)
from surveys.views.editor_forms import MoveSuggestionForm, RemoveSuggestionForm, item_form
from surveys.views.places import parse_place, place_choices, place_value
from surveys.views.question_page import item_page, position_of
from surveys.views.suggesting import proposal_url, send_suggestion, suggestion_defaults


def _own_editable_proposal(
    questionnaire: Questionnaire, proposal_id: int
) -> codesign.Proposal | None:
    """Return one's own draft (or needing-update) proposal; flash why not otherwise."""
    proposal = codesign.get_proposal(
        db.session, questionnaire=questionnaire, proposal_id=proposal_id
    )
    if proposal is None:
        abort(404, _("That suggestion is not about this questionnaire."))
    if proposal.author_id != current_user.id:
        if proposal.state == codesign.ProposalState.DRAFT:
            abort(404, _("That suggestion is not about this questionnaire."))
        flash(_("Only the person who suggested this change can change it."), "error")
        return None
    if proposal.state not in (codesign.ProposalState.DRAFT, codesign.ProposalState.NEEDS_UPDATE):
        flash(
            _("An open or decided suggestion cannot be changed: withdraw it and suggest again."),
            "error",
        )
        return None
    if proposal.kind not in EDITOR_KINDS:
        abort(404, _("This kind of suggestion is changed on its own page."))
    return proposal


@blueprint.route(f"{ITEMS}/suggestions/<int:proposal_id>/change", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def change_proposal(questionnaire_id: int, proposal_id: int):
    """Change one's own draft suggestion, or update it after the question changed."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = _own_editable_proposal(questionnaire, proposal_id)
    if proposal is None:
        return redirect(
            url_for(
                "surveys.show_proposal", questionnaire_id=questionnaire.id, proposal_id=proposal_id
            )
        )
    draft = services.draft_definition(db.session, questionnaire)
    language = draft.default_language.code
    name = proposal.target_name
    adding = proposal.kind == codesign.ChangeKind.ADD_ITEM
    current = None if adding else draft.find(name)
    if not adding and current is None:
        flash(
            _(
                "%(name)s is no longer in the draft, so this suggestion cannot be updated.",
                name=name,
            ),
            "error",
        )
        return redirect(proposal_url(proposal))
    revision = services.draft_revisions(db.session, questionnaire).get(name)
    place = codesign.Place(proposal.section, proposal.before_name, proposal.after_name)
    defaults = {**suggestion_defaults(proposal), "revision": revision}
    posted = request.method == "POST"
    context = {"proposal": proposal, "others": live_about(questionnaire, name)}

    def send(**change) -> codesign.Proposal | None:
        """Rewrite the proposal with the form's reason and this change, and send it."""
        return send_suggestion(
            form,
            lambda: codesign.edit_proposal(
                db.session,
                proposal=proposal,
                editor=current_user,
                reason=form.reason.data,
                base_revision=None if adding else hidden_revision(form.revision.data),
                **change,
            ),
        )

    if proposal.kind in (codesign.ChangeKind.ADD_ITEM, codesign.ChangeKind.CHANGE_ITEM):
        wanted = codesign.updated_item(db.session, proposal=proposal)
        form_class, build, form_data, template = item_form(wanted.kind)
        form = form_class(
            data=None
            if posted
            else {**form_data(wanted, language), **defaults, "place": place_value(place)}
        )
        form.place.choices = place_choices(draft, None, language)
        chosen = parse_place(form.place.data or place_value(place), draft) if adding else None
        page = item_page(
            wanted.kind,
            form,
            draft,
            existing=wanted,
            position=position_of(draft, chosen or place, None if adding else name),
        )
        if page.valid():
            taken = {other.name for other, _parents in draft.walk() if adding or other.name != name}
            item = build(form, language=language, existing=wanted, taken=taken)
            if adding:
                place = parse_place(form.place.data or place_value(place), draft) or place
            sent = send(item=item, **(place.__dict__ if adding else {}))
            if sent is not None:
                return after_editing(form, sent, questionnaire, item.name)
            form.revision.data = str(revision) if revision is not None else ""
        return render_item_page(
            template,
            form,
            questionnaire,
            draft,
            adding=adding,
            item=current,
            **context,
            **page.context(),
        )

    if proposal.kind == codesign.ChangeKind.MOVE_ITEM:
        form = MoveSuggestionForm(
            data=None if posted else {**defaults, "place": place_value(place)}
        )
        form.place.choices = place_choices(draft, current, language)
        if form.validate_on_submit():
            chosen = chosen_place(form, draft, name)
            if chosen is not None:
                sent = send(**chosen.__dict__)
                if sent is not None:
                    return after_editing(form, sent, questionnaire, name)
                form.revision.data = str(revision)
        return render_move(form, questionnaire, draft, current, **context)

    form = RemoveSuggestionForm(data=None if posted else defaults)
    if form.validate_on_submit():
        sent = send()
        if sent is not None:
            return after_editing(form, sent, questionnaire)
        form.revision.data = str(revision)
    return render_remove(form, questionnaire, draft, current, **context)
