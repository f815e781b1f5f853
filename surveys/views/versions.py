"""Versions side by side: comparing two versions (or a version and the draft), each
version's changelog, and the PDF of its changelog and decision log."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, g, render_template, request
from flask_babel import gettext as _

from peer_research.access import ANY_MEMBER, allow
from peer_research.db import db, utcnow
from peer_research.pdf import render_pdf
from surveys import definition as d
from surveys import services
from surveys.codesign import services as codesign
from surveys.compare import Comparison, compare_definitions
from surveys.models import Questionnaire, QuestionnaireVersion
from surveys.views import blueprint
from surveys.views.before_after import (
    ChangeLine,
    LogChange,
    change_lines,
    log_change,
    recorded_change_lines,
)
from surveys.views.common import proposal_title, questionnaire_or_404
from surveys.views.decision_forms import POSITION_NAMES
from surveys.views.voting import OUTCOME_NAMES

QUESTIONNAIRE = "/studies/<study_slug>/questionnaires/<int:questionnaire_id>"


@blueprint.app_template_global()
def version_changelog(questionnaire: Questionnaire, number: int | None) -> list:
    """Return a version's changelog (None: the draft since the last version), for pages."""
    return codesign.changelog(db.session, questionnaire=questionnaire, number=number)


@blueprint.app_template_global()
def changelog_parts(
    line: codesign.ChangelogLine,
    questionnaire: Questionnaire,
    definition: d.FormDefinition | None,
) -> list[ChangeLine]:
    """Return every part one changelog line's change changed, in plain words, for pages."""
    return recorded_change_lines(line.decision.change or {}, questionnaire, definition)


def versions_of(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    """Return a questionnaire's published versions, oldest first."""
    return sorted(questionnaire.versions, key=lambda version: version.number)


def _version_or_404(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion:
    """Return a published version of the questionnaire, or answer 404."""
    version = services.get_version(db.session, questionnaire=questionnaire, number=number)
    if version is None:
        abort(404, _("That version has not been published."))
    return version


def changes_since_last(questionnaire: Questionnaire, draft: d.FormDefinition):
    """Return the last version and the draft compared with it (None, None if none yet)."""
    versions = versions_of(questionnaire)
    if not versions:
        return None, None
    last = versions[-1]
    return last, compare_definitions(services.version_definition(last), draft)


# Comparing versions ---------------------------------------------------------------------


def _read_side(value: str | None, numbers: list[int]) -> int | None:
    """Read "draft" or a published version's number; raise ValueError for anything else."""
    value = (value or "").strip().lower()
    if value == "draft":
        return None
    if value.isdigit() and len(value) < 10 and int(value) in numbers:
        return int(value)
    raise ValueError(value)


def _side_name(number: int | None) -> str:
    """Name one side of a comparison: the draft or a version."""
    return _("The draft") if number is None else _("Version %(number)d", number=number)


@blueprint.get(f"{QUESTIONNAIRE}/compare")
@allow(ANY_MEMBER)
def compare_versions(questionnaire_id: int):
    """Compare two versions (or a version and the draft) side by side."""
    questionnaire = questionnaire_or_404(questionnaire_id)
    versions = versions_of(questionnaire)
    numbers = [version.number for version in versions]
    default_from = str(numbers[-1]) if numbers else "draft"
    asked = {"from": request.args.get("from"), "to": request.args.get("to")}
    # Only a missing choice takes the default: an empty one (or one that was only a NUL
    # byte, stripped at the edge) is a bad address and says so.
    chosen = {
        "from": default_from if asked["from"] is None else asked["from"],
        "to": "draft" if asked["to"] is None else asked["to"],
    }
    errors: dict[str, str] = {}
    sides: dict[str, int | None] = {}
    for key, value in chosen.items():
        try:
            sides[key] = _read_side(value, numbers)
        except ValueError:
            errors[key] = _(
                "Choose the draft or a version that has been published (%(numbers)s).",
                numbers=", ".join(str(number) for number in numbers) or _("none yet"),
            )
    comparison: Comparison | None = None
    details: dict[str, list[ChangeLine]] = {}
    if not errors:
        definitions = {
            key: services.draft_definition(db.session, questionnaire)
            if number is None
            else services.version_definition(versions[numbers.index(number)])
            for key, number in sides.items()
        }
        comparison = compare_definitions(definitions["from"], definitions["to"])
        details = _details(questionnaire, comparison, definitions["from"], definitions["to"])
    return render_template(
        "surveys/decisions/compare.html",
        questionnaire=questionnaire,
        versions=versions,
        chosen=chosen,
        errors=errors,
        comparison=comparison,
        from_name=_side_name(sides.get("from")) if not errors else "",
        to_name=_side_name(sides.get("to")) if not errors else "",
        details=details,
    ), 400 if errors else 200


def _details(
    questionnaire: Questionnaire,
    comparison: Comparison,
    before: d.FormDefinition,
    after: d.FormDefinition,
) -> dict[str, list[ChangeLine]]:
    """Say, for each changed item, every change beyond its main wording, in plain words:
    choices added or removed, "Other, please say", rules, settings, other languages."""
    details = {}
    for row in comparison.changed_rows:
        changes = list(row.other) + [
            change for change in row.reworded if change.language != comparison.language
        ]
        if changes:
            details[row.name] = change_lines(
                changes,
                questionnaire,
                section=row.item.kind == "section",
                definition=after,
                before_definition=before,
                items=(row.before, row.after),
            )
    return details


# Changelog and PDF ----------------------------------------------------------------------


def _log_entries(
    questionnaire: Questionnaire, number: int
) -> list[tuple[codesign.LogEntry, LogChange]]:
    """Return the decision log entries of a version's stretch, oldest first, each with its
    change described as the decision log page describes it."""
    decisions = codesign.version_decisions(db.session, questionnaire=questionnaire, number=number)
    draft = services.draft_definition(db.session, questionnaire)
    return [
        (entry, log_change(entry, questionnaire, draft))
        for entry in codesign.log_entries(db.session, decisions)
    ]


@blueprint.get(f"{QUESTIONNAIRE}/versions/<int:number>/decisions.pdf")
@allow(ANY_MEMBER)
def download_decisions_pdf(questionnaire_id: int, number: int):
    """Give the PDF of a version's changelog and decision log, for records and ethics.

    It is made the first time someone asks and kept: a published version's log is final.
    """
    questionnaire = questionnaire_or_404(questionnaire_id)
    version = _version_or_404(questionnaire, number)
    language = questionnaire.languages[0]["code"]

    def make() -> bytes:
        html = render_template(
            "surveys/decisions/decisions_pdf.html",
            questionnaire=questionnaire,
            study=g.study,
            version=version,
            definition=services.version_definition(version),
            lines=codesign.changelog(db.session, questionnaire=questionnaire, number=number),
            entries=_log_entries(questionnaire, number),
            title_of=lambda proposal: proposal_title(proposal, language),
            outcome_names=OUTCOME_NAMES,
            position_names=POSITION_NAMES,
            PollSubject=codesign.PollSubject,
            language=language,
            made_at=utcnow(),
        )
        return render_pdf(html, static_folder=Path(current_app.static_folder or "."))

    pdf = codesign.kept_decision_log_pdf(db.session, version=version)
    if pdf is None:
        pdf = make()
        with db.writing():
            codesign.keep_decision_log_pdf(db.session, version=version, pdf=pdf)
    filename = f"decisions-{questionnaire.id}-version-{version.number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
