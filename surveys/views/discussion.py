"""Comments on the draft's questions and on suggestions: threads, replies and reactions.

Every page works without JavaScript: replying, changing and removing have their own small
pages, and reactions are small forms with a word and a count. After each change the
browser goes back to the thread, at the comment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import ConfirmForm, show_domain_error
from surveys import services
from surveys.codesign import services as codesign
from surveys.models import Questionnaire
from surveys.views import blueprint
from surveys.views.comment_forms import CommentForm, ReactForm
from surveys.views.common import (
    CO_DESIGN_GROUP,
    is_facilitator,
    may_suggest,
    proposal_or_404,
    questionnaire_or_404,
)

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"
COMMENT = f"{QUESTIONNAIRE}/comments/<int:comment_id>"

# Each reaction shows a word; the symbol is decoration only.
REACTION_NAMES = {
    codesign.Reaction.AGREE: _l("Agree"),
    codesign.Reaction.LIKE: _l("Like"),
    codesign.Reaction.QUESTION: _l("Question"),
    codesign.Reaction.IDEA: _l("Idea"),
}
REACTION_SYMBOLS = {
    codesign.Reaction.AGREE: "✓",
    codesign.Reaction.LIKE: "♥",
    codesign.Reaction.QUESTION: "?",
    codesign.Reaction.IDEA: "★",  # in common fonts everywhere (emoji are not, on older tablets)
}


@dataclass
class Discussion:
    """What a list of threads needs to show itself and its buttons."""

    questionnaire_id: int
    threads: list[codesign.Thread]
    may_write: bool  # in the design group: may comment, reply and react
    may_moderate: bool  # a facilitator: may remove anyone's comment
    me: int
    form: CommentForm | None = None
    reaction_names: dict = field(default_factory=lambda: REACTION_NAMES)
    reaction_symbols: dict = field(default_factory=lambda: REACTION_SYMBOLS)


def _discussion(questionnaire_id: int, threads: list[codesign.Thread]) -> Discussion:
    """Return threads with what the current member may do in them."""
    return Discussion(
        questionnaire_id=questionnaire_id,
        threads=threads,
        may_write=may_suggest(),
        may_moderate=is_facilitator(),
        me=current_user.id,
    )


def _comment_or_404(questionnaire: Questionnaire, comment_id: int) -> codesign.Comment:
    """Return a comment about this questionnaire that one may see, or answer 404."""
    comment = codesign.get_comment(
        db.session, questionnaire=questionnaire, comment_id=comment_id, viewer=current_user
    )
    if comment is None:
        abort(404, _("That comment is not about this questionnaire."))
    return comment


def _thread_url(comment: codesign.Comment) -> str:
    """Return the address of the page showing the comment's thread, at the comment."""
    anchor = f"comment-{comment.id}"
    if comment.proposal_id is not None:
        return url_for(
            "surveys.show_proposal",
            questionnaire_id=comment.questionnaire_id,
            proposal_id=comment.proposal_id,
            _anchor=anchor,
        )
    return url_for(
        "surveys.discuss_item",
        questionnaire_id=comment.questionnaire_id,
        name=comment.item_name,
        _anchor=anchor,
    )


def _send_comment(form: CommentForm, write: Callable[[str], codesign.Comment], message: str):
    """Write a comment from a valid form, commit, flash and go back to its thread.

    Returns the redirect, or None when the form is not sent or valid, or the service
    refuses (its message then stands beside the field).
    """
    if not form.validate_on_submit():
        return None
    try:
        comment = write(form.body.data)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None
    db.commit()
    flash(message, "success")
    return redirect(_thread_url(comment))


def _comment_form_page(
    questionnaire: Questionnaire,
    form: CommentForm,
    *,
    heading: str,
    label: str,
    button: str,
    back_url: str,
    subject: str | None = None,
    answering: codesign.Comment | None = None,
):
    """Render the small page for writing a comment, a reply or a change to a comment."""
    return render_template(
        "surveys/codesign/comment_form.html",
        questionnaire=questionnaire,
        form=form,
        heading=heading,
        subject=subject,
        label=label,
        button=button,
        back_url=back_url,
        answering=answering,
    )


def _suggest_url(questionnaire_id: int, name: str) -> str | None:
    """Return the address of the page to suggest a change to a question, if there is one."""
    for endpoint in ("surveys.suggest_change", "surveys.edit_item"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, questionnaire_id=questionnaire_id, name=name)
    return None


# Values for templates owned by other pages -----------------------------------------------


@blueprint.app_template_global()
def proposal_discussion(proposal: codesign.Proposal) -> Discussion:
    """Return a suggestion's threads and an empty comment form, for its page."""
    threads = codesign.proposal_threads(db.session, proposal=proposal, viewer=current_user)
    discussion = _discussion(proposal.questionnaire_id, threads)
    discussion.form = CommentForm(formdata=None)
    return discussion


@blueprint.app_template_global()
def comment_counts(questionnaire: Questionnaire | int) -> dict[str, int]:
    """Return how many comments each question has (read once per page)."""
    questionnaire_id = questionnaire if isinstance(questionnaire, int) else questionnaire.id
    cache = g.setdefault("comment_counts", {})
    if questionnaire_id not in cache:
        found = services.get_questionnaire(db.session, questionnaire_id=questionnaire_id)
        cache[questionnaire_id] = (
            codesign.item_comment_counts(db.session, found) if found is not None else {}
        )
    return cache[questionnaire_id]


# Pages -----------------------------------------------------------------------------------


@blueprint.route(f"{QUESTIONNAIRE}/items/<name>/comments", methods=["GET", "POST"])
@allow(ANY_MEMBER)
def discuss_item(questionnaire_id: int, name: str):
    """Show a question's wording and its comments; the design group may add a comment."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    draft = services.draft_definition(db.session, questionnaire)
    item = draft.find(name)
    threads = codesign.item_threads(
        db.session, questionnaire=questionnaire, name=name, viewer=current_user
    )
    if item is None and not threads:
        abort(404, _("That question is not in the draft. Someone may have removed it."))
    form = CommentForm()
    sent = _send_comment(
        form,
        lambda body: codesign.post_comment(
            db.session, questionnaire=questionnaire, author=current_user, body=body, item_name=name
        ),
        _("Your comment is added."),
    )
    if sent:
        return sent
    language = draft.default_language.code
    discussion = _discussion(questionnaire.id, threads)
    discussion.form = form
    return render_template(
        "surveys/codesign/discussion.html",
        questionnaire=questionnaire,
        name=name,
        item=item,
        label=(item.label.get(language) if item else "") or name,
        language=language,
        discussion=discussion,
        suggest_url=_suggest_url(questionnaire.id, name) if item and may_suggest() else None,
    )


@blueprint.post(f"{QUESTIONNAIRE}/suggestions/<int:proposal_id>/comments")
@allow(CO_DESIGN_GROUP)
def comment_on_proposal(questionnaire_id: int, proposal_id: int):
    """Add a comment to a suggestion's discussion."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    proposal = proposal_or_404(questionnaire, proposal_id)
    form = CommentForm()
    sent = _send_comment(
        form,
        lambda body: codesign.post_comment(
            db.session,
            questionnaire=questionnaire,
            author=current_user,
            body=body,
            proposal=proposal,
        ),
        _("Your comment is added."),
    )
    return sent or _comment_form_page(
        questionnaire,
        form,
        heading=_("Add your comment"),
        subject=_("Comment on a suggestion"),
        label=_("What do you think about this suggestion?"),
        button=_("Add your comment"),
        back_url=url_for(
            "surveys.show_proposal", questionnaire_id=questionnaire.id, proposal_id=proposal.id
        ),
    )


@blueprint.route(f"{COMMENT}/reply", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def reply_to_comment(questionnaire_id: int, comment_id: int):
    """Reply to a comment; the reply joins its thread."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    parent = _comment_or_404(questionnaire, comment_id)
    form = CommentForm()
    sent = _send_comment(
        form,
        lambda body: codesign.reply_to_comment(
            db.session, parent=parent, author=current_user, body=body
        ),
        _("Your reply is added."),
    )
    return sent or _comment_form_page(
        questionnaire,
        form,
        heading=_("Reply"),
        label=_("Your reply"),
        button=_("Reply"),
        back_url=_thread_url(parent),
        answering=parent,
    )


@blueprint.route(f"{COMMENT}/edit", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def edit_comment(questionnaire_id: int, comment_id: int):
    """Change the words of one's own comment."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    comment = _comment_or_404(questionnaire, comment_id)
    if comment.author_id != current_user.id or comment.removed_at is not None:
        flash(_("You can only change your own comments, and not once removed."), "error")
        return redirect(_thread_url(comment))
    form = CommentForm(data=None if request.method == "POST" else {"body": comment.body})
    sent = _send_comment(
        form,
        lambda body: codesign.edit_comment(
            db.session, comment=comment, editor=current_user, body=body
        ),
        _("Your comment is changed."),
    )
    return sent or _comment_form_page(
        questionnaire,
        form,
        heading=_("Change your comment"),
        label=_("Your comment"),
        button=_("Save your comment"),
        back_url=_thread_url(comment),
    )


@blueprint.route(f"{COMMENT}/remove", methods=["GET", "POST"])
@allow(CO_DESIGN_GROUP)
def remove_comment(questionnaire_id: int, comment_id: int):
    """Ask, then remove one's own comment (or, as a facilitator, anyone's); replies stay."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    comment = _comment_or_404(questionnaire, comment_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            codesign.remove_comment(db.session, comment=comment, removed_by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.commit()
            flash(_("The comment was removed. Replies to it stay."), "success")
        return redirect(_thread_url(comment))
    if comment.removed_at is not None:
        flash(_("This comment was removed."), "error")
        return redirect(_thread_url(comment))
    if comment.author_id != current_user.id and not is_facilitator():
        flash(
            _("Only the person who wrote this comment, or a facilitator, can remove it."), "error"
        )
        return redirect(_thread_url(comment))
    return render_template(
        "surveys/codesign/comment_remove.html",
        questionnaire=questionnaire,
        comment=comment,
        form=form,
        own=comment.author_id == current_user.id,
        back_url=_thread_url(comment),
    )


@blueprint.post(f"{COMMENT}/react")
@allow(CO_DESIGN_GROUP)
def react_to_comment(questionnaire_id: int, comment_id: int):
    """Turn one of one's reactions to a comment on or off."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    comment = _comment_or_404(questionnaire, comment_id)
    form = ReactForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        codesign.toggle_reaction(
            db.session, comment=comment, user=current_user, reaction=form.reaction.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.commit()
    return redirect(_thread_url(comment))
