"""Before and after, in words: the lines a suggestion's page and the decision log show for
a change, with plain titles, languages named and settings in words."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from peer_research.db import db
from peer_research.worddiff import word_diff
from surveys import definition as d
from surveys.changes import FieldChange, item_changes
from surveys.codesign import services as codesign
from surveys.forms import APPEARANCES, PRIVACY_NAMES, QUESTION_TYPE_NAMES
from surveys.models import Questionnaire
from surveys.views.common import EDITOR_KINDS, describe_place, first_language

# What each field of a question or section is called on the before/after views.
FIELD_NAMES = {
    "label": _l("Question"),
    "hint": _l("Help text"),
    "required_message": _l("Message when it is left empty"),
    "constraint_message": _l("Message when the rule is not met"),
    "choices order": _l("Order of the answers"),
    "name": _l("Name in the data (how the computer knows the question)"),
    "type": _l("Kind of question"),
    "required": _l("An answer is needed to go on"),
    "required_if": _l("Only needed when"),
    "relevance": _l("Only asked when"),
    "constraint": _l("The answer must meet this rule"),
    "calculation": _l("Calculation"),
    "default": _l("Answer filled in to start with"),
    "repeat": _l("Asked more than once"),
    "repeat_count": _l("How many times"),
    "other_option": _l("“Other, please say” with a box to write in"),
    "appearance": _l("How it looks"),
    "read_only": _l("Cannot be changed by the interviewer"),
    "privacy": _l("How personal the answer is"),
    "image": _l("Picture"),
}
BOOLEAN_FIELDS = frozenset({"required", "repeat", "other_option", "read_only"})
STATUS_NAMES = {
    "text": {"added": _l("added"), "removed": _l("taken out"), "changed": None},
    "choice": {"added": _l("a new answer"), "removed": _l("answer taken out"), "changed": None},
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field as the pages show it: a title, what happened, and the word diff."""

    title: str
    status: str  # "added", "removed" or "changed"
    status_text: str | None  # said in words after the title (never by colour alone)
    group: str  # "text", "choice", "order", "logic" or "setting"
    before: str
    after: str
    diff: list


def _shown_value(field: str, value: str) -> str:
    """Return a setting's value in plain words."""
    if field in BOOLEAN_FIELDS:
        return _("Yes") if value else _("No")
    if not value:
        return ""
    names = {
        "type": {kind.value: str(label) for kind, label in QUESTION_TYPE_NAMES.items()},
        "privacy": {kind.value: str(label) for kind, label in PRIVACY_NAMES.items()},
        "appearance": {code: str(label) for code, label in APPEARANCES},
    }.get(field, {})
    return names.get(value, value)


def change_lines(
    changes: list[FieldChange], questionnaire: Questionnaire, *, section: bool = False
) -> list[ChangeLine]:
    """Turn field changes into lines with plain titles, languages named, settings in words."""
    languages = {entry["code"]: entry["name"] for entry in questionnaire.languages}
    several = len(languages) > 1
    lines = []
    for change in changes:
        group = change.group
        if group == "choice":
            title = _("An answer to choose from")
        elif change.field == "label" and section:
            title = _("Section title")
        else:
            title = str(FIELD_NAMES.get(change.field, change.field))
        if change.language and (several or change.language not in languages):
            title += f" ({languages.get(change.language, change.language)})"
        status_text = STATUS_NAMES.get(group if group == "choice" else "text", {}).get(
            change.status
        )
        before, after, diff = change.before, change.after, change.diff
        if group == "setting":
            before = _shown_value(change.field, change.before)
            after = _shown_value(change.field, change.after)
            diff = word_diff(before, after)
            status_text = None
        lines.append(
            ChangeLine(
                title=title,
                status=change.status,
                status_text=str(status_text) if status_text else None,
                group=group,
                before=before,
                after=after,
                diff=diff,
            )
        )
    return lines


def item_of(content: dict | None) -> d.Item | None:
    """Return the item stored as JSON in a proposal or decision (None if there is none)."""
    return d.item_from_json(content) if content else None


def is_section(*contents: dict | None) -> bool:
    """Tell whether any of the stored items is a section."""
    return any(content and content.get("kind") == "section" for content in contents)


def destination_words(draft: d.FormDefinition, change: dict, language: str) -> str:
    """Say where an added or moved item goes."""
    return describe_place(
        draft,
        section=change.get("section"),
        before_name=change.get("before_name"),
        after_name=change.get("after_name"),
        language=language,
    )


@dataclass(frozen=True)
class LogChange:
    """What one entry of the decision log changed, in words and word diffs."""

    kind: str | None
    heading: str | None  # "What was added", ...; None: nothing to show
    lines: list[ChangeLine]
    place_words: str | None


def log_change(
    entry: codesign.LogEntry, questionnaire: Questionnaire, draft: d.FormDefinition
) -> LogChange:
    """Describe a decision's change: what was added, removed, moved or changed."""
    language = first_language(questionnaire)
    change, applied = entry.change, entry.applied
    kind = change.get("kind")
    if kind not in {k.value for k in EDITOR_KINDS}:
        if entry.proposal is None or kind is None:
            return LogChange(kind, None, [], None)  # publishing, a rule change
        view = codesign.before_after(db.session, proposal=entry.proposal, language=language)
        lines = change_lines(view.changes, questionnaire)
        heading = _("What changed") if applied else _("What was suggested")
        return LogChange(kind, heading if lines else None, lines, None)
    before, after = item_of(change.get("before")), item_of(change.get("after"))
    section = is_section(change.get("before"), change.get("after"))
    if kind == codesign.ChangeKind.ADD_ITEM.value:
        heading = _("What was added") if applied else _("What was suggested for adding")
        return LogChange(
            kind,
            heading,
            change_lines(item_changes(None, after, language), questionnaire, section=section),
            destination_words(draft, change, language),
        )
    if kind == codesign.ChangeKind.REMOVE_ITEM.value:
        heading = _("What was removed") if applied else _("What was suggested for removing")
        return LogChange(
            kind,
            heading,
            change_lines(item_changes(before, None, language), questionnaire, section=section),
            None,
        )
    if kind == codesign.ChangeKind.MOVE_ITEM.value:
        heading = _("Where it went") if applied else _("Where it was suggested to go")
        return LogChange(kind, heading, [], destination_words(draft, change, language))
    if before is not None or after is not None:
        heading = _("What changed") if applied else _("What was suggested")
        lines = change_lines(item_changes(before, after, language), questionnaire, section=section)
        return LogChange(kind, heading if lines else None, lines, None)
    return LogChange(kind, None, [], None)
