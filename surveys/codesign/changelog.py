"""Each version's changelog, generated from the decision log.

Version N's changelog holds the decisions that changed the draft after version N-1 was
published, up to and including the decision that published N: accepted suggestions and
facilitators' direct edits, each said in plain words with its outcome statement. The
draft's changelog (no number) holds those since the last version.

A version published before publishing was a decision has no publish decision; its
boundary is then the time it was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from surveys import definition as d
from surveys.changes import TEXT_FIELDS, item_changes
from surveys.codesign.models import ChangeKind, Decision, EntryKind, PollSubject
from surveys.models import Questionnaire, QuestionnaireVersion


@dataclass(frozen=True)
class ChangelogLine:
    """One change a version brought, in plain words, with the decision behind it."""

    decision: Decision
    text: str  # "Added the question “How old are you?”"
    statement: str  # the outcome statement in the decision log
    direct_edit: bool  # changed by a facilitator without a poll

    @property
    def proposal_id(self) -> int | None:
        """Return the suggestion behind the change, if there was one."""
        return self.decision.proposal_id


def _is_publish(decision: Decision) -> bool:
    return decision.poll is not None and decision.poll.subject == PollSubject.PUBLISH


def _ordered_decisions(session: Session, questionnaire: Questionnaire) -> list[Decision]:
    query = (
        sa.select(Decision)
        .where(Decision.questionnaire_id == questionnaire.id)
        .order_by(Decision.decided_at, Decision.id)
    )
    return list(session.scalars(query))


def _cut(decisions: list[Decision], version: QuestionnaireVersion) -> int:
    """Return how many decisions (in log order) came before or with a version's publishing."""
    for index, decision in enumerate(decisions):
        if (
            _is_publish(decision)
            and decision.applied
            and decision.change.get("version") == (version.number)
        ):
            return index + 1
    return sum(1 for decision in decisions if decision.decided_at <= version.published_at)


def version_decisions(
    session: Session, *, questionnaire: Questionnaire, number: int | None
) -> list[Decision]:
    """Return every decision of a version's stretch of the log (None: since the last one).

    Rejected and withdrawn suggestions are included (they are part of the record); the
    decision that published the version comes last.
    """
    decisions = _ordered_decisions(session, questionnaire)
    versions = sorted(questionnaire.versions, key=lambda version: version.number)
    if number is None:
        start = _cut(decisions, versions[-1]) if versions else 0
        return decisions[start:]
    numbers = [version.number for version in versions]
    if number not in numbers:
        raise LookupError(number)
    position = numbers.index(number)
    start = _cut(decisions, versions[position - 1]) if position else 0
    end = _cut(decisions, versions[position])
    return decisions[start : max(start, end)]


def changelog(
    session: Session, *, questionnaire: Questionnaire, number: int | None
) -> list[ChangelogLine]:
    """Return what a version changed (None: the draft since the last version), oldest first."""
    language = questionnaire.languages[0]["code"]
    return [
        ChangelogLine(
            decision=decision,
            text=describe_change(decision.change, language),
            statement=decision.statement,
            direct_edit=decision.entry_kind == EntryKind.DIRECT_EDIT,
        )
        for decision in version_decisions(session, questionnaire=questionnaire, number=number)
        if decision.applied and not _is_publish(decision) and decision.change.get("kind")
    ]


# Plain words -----------------------------------------------------------------------------


def _label(content: dict[str, Any] | None, language: str) -> str:
    """Return an item's label (from its JSON) in a language, another language, or its name."""
    if not content:
        return ""
    labels = content.get("label") or {}
    return labels.get(language) or next(iter(labels.values()), "") or content.get("name", "")


def _is_section(content: dict[str, Any] | None) -> bool:
    return bool(content) and content.get("kind") == "section"


def describe_change(change: dict[str, Any], language: str) -> str:
    """Say in plain words what one recorded change did to the draft."""
    kind = change.get("kind")
    before, after = change.get("before"), change.get("after")
    content = before or after
    label = _label(content, language) or change.get("name", "")
    section = _is_section(content)
    if kind == ChangeKind.ADD_ITEM:
        label = _label(after, language) or label
        if section:
            return _("Added the section “%(label)s”", label=label)
        return _("Added the question “%(label)s”", label=label)
    if kind == ChangeKind.REMOVE_ITEM:
        if section:
            return _("Removed the section “%(label)s”", label=label)
        return _("Removed the question “%(label)s”", label=label)
    if kind == ChangeKind.MOVE_ITEM:
        if section:
            return _("Moved the section “%(label)s”", label=label)
        return _("Moved the question “%(label)s”", label=label)
    if kind == ChangeKind.CHANGE_ITEM:
        return _describe_item_change(before, after, label, language)
    if kind == ChangeKind.TRANSLATE:
        return _("Changed the translations")
    if kind == ChangeKind.SET_LANGUAGES:
        return _("Changed the languages of the questionnaire")
    return _("Changed the draft")


def _describe_item_change(
    before: dict[str, Any] | None, after: dict[str, Any] | None, label: str, language: str
) -> str:
    """Say how an item changed: reworded, or its choices, logic or settings."""
    section = _is_section(before or after)
    try:
        changes = item_changes(
            d.item_from_json(before) if before else None,
            d.item_from_json(after) if after else None,
            language,
        )
    except (KeyError, TypeError, ValueError):  # an old or unusual record: say it plainly
        changes = []
    fields = {change.field for change in changes}
    new_label = _label(after, language)
    only_words = bool(fields) and all(
        name in TEXT_FIELDS or name.startswith("choice:") for name in fields
    )
    if only_words and "label" in fields and new_label and new_label != label:
        if section:
            return _("Reworded the section “%(label)s” as “%(new)s”", label=label, new=new_label)
        return _("Reworded the question “%(label)s” as “%(new)s”", label=label, new=new_label)
    if only_words:
        if section:
            return _("Reworded the section “%(label)s”", label=label)
        return _("Reworded the question “%(label)s”", label=label)
    if section:
        return _("Changed the section “%(label)s”", label=label)
    return _("Changed the question “%(label)s”", label=label)
