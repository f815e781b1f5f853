"""Preview a questionnaire exactly as the interview will show it (nothing typed is saved):
the whole form, or one question at a time (?view=one) as an interview on a tablet goes."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db
from surveys import definition as d
from surveys import services
from surveys.models import Questionnaire
from surveys.rendering import RenderContext, calculations, untranslated_count
from surveys.views import blueprint
from surveys.views.common import questionnaire_or_404

ITEMS = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


def _language(definition: d.FormDefinition) -> d.Language:
    """Return the language asked for in ?language=, the default one when none is asked for."""
    code = request.args.get("language")
    if not code:
        return definition.default_language
    for language in definition.languages:
        if language.code == code:
            return language
    abort(404, _("This questionnaire is not written in that language."))


def _one_at_a_time() -> bool:
    """Tell whether ?view=one asks for one question per screen (else the whole form)."""
    return request.args.get("view") == "one"


def _preview_url(definition: d.FormDefinition):
    """Return a function giving this preview's address for a view ("form" or "one") and a
    language code; the whole form and the default language need no query."""

    def address(view: str, language: str) -> str:
        choices = {}
        if language != definition.default_language.code:
            choices["language"] = language
        if view == "one":
            choices["view"] = "one"
        return url_for(request.endpoint or "", **(request.view_args or {}), **choices)

    return address


def _render_preview(
    questionnaire: Questionnaire, definition: d.FormDefinition, *, version: int | None
):
    """Render the preview page for a draft or a published version."""
    language = _language(definition)
    context = RenderContext(
        definition=definition,
        language=language,
        image_url=lambda stored_name: url_for(
            "surveys.show_media", questionnaire_id=questionnaire.id, stored_name=stored_name
        ),
        mark_fallbacks=True,
    )
    return render_template(
        "surveys/preview.html",
        questionnaire=questionnaire,
        definition=definition,
        version=version,
        ctx=context,
        language=language,
        untranslated=untranslated_count(definition, language),
        calculations=calculations(definition),
        one_at_a_time=_one_at_a_time(),
        preview_url=_preview_url(definition),
    )


@blueprint.get(f"{ITEMS}/preview")
@allow(ANY_MEMBER)
def preview_draft(questionnaire_id: int):
    """Show the draft as people will answer it, with its logic working live."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    definition = services.draft_definition(db.session, questionnaire)
    return _render_preview(questionnaire, definition, version=None)


@blueprint.get(f"{ITEMS}/versions/<int:number>/preview")
@allow(ANY_MEMBER)
def preview_version(questionnaire_id: int, number: int):
    """Show a published version as people will answer it."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = services.get_version(db.session, questionnaire=questionnaire, number=number)
    if version is None:
        abort(404, _("That version has not been published."))
    definition = services.version_definition(version)
    return _render_preview(questionnaire, definition, version=number)
