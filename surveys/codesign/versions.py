"""Versions: asking the group to publish, suggesting a new rule, and each version's changelog.

Publishing is a decision: `ask_to_publish` checks the draft and opens a publish poll; the
version is published when that poll is accepted (`decisions.py`). A changelog is made from
the decisions between two publishings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from peer_research.accounts.models import User
from peer_research.db import Base, utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study
from surveys import definition as d
from surveys import services as drafts
from surveys.changes import TEXT_FIELDS, item_changes
from surveys.codesign.models import ChangeKind, Decision, EntryKind, Poll, PollSubject
from surveys.codesign.polls import open_publish_poll, open_rule_poll
from surveys.codesign.settings import DecisionSettings
from surveys.compare import compare_definitions
from surveys.models import Questionnaire, QuestionnaireVersion
from surveys.validation import check_definition

REASON_LIMIT = 5000


def _clean(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise DomainError(_("Use 5,000 characters or fewer."), field="reason")
    return reason


def open_publish_poll_of(session: Session, questionnaire: Questionnaire) -> Poll | None:
    """Return the open poll on publishing a questionnaire, if there is one."""
    query = sa.select(Poll).where(
        Poll.questionnaire_id == questionnaire.id,
        Poll.subject == PollSubject.PUBLISH,
        Poll.closed_at.is_(None),
    )
    return session.scalars(query.order_by(Poll.id.desc()).limit(1)).first()


def ask_to_publish(
    session: Session,
    *,
    questionnaire: Questionnaire,
    asked_by: User,
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group whether to publish the draft as the next version.

    Refused while the draft has problems that would stop it being published, or when it
    says exactly what the last version says (there would be nothing new to publish).
    """
    reason = _clean(reason)
    draft = drafts.draft_definition(session, questionnaire)
    problems = check_definition(draft)
    if problems:
        raise drafts.PublishRefusedError(problems)
    versions = sorted(questionnaire.versions, key=lambda version: version.number)
    if versions:
        last = drafts.version_definition(versions[-1])
        if compare_definitions(last, draft).same:
            raise DomainError(
                _(
                    "The draft says exactly what version %(number)s says, so there is "
                    "nothing new to publish.",
                    number=versions[-1].number,
                )
            )
    return open_publish_poll(
        session,
        questionnaire=questionnaire,
        opened_by=asked_by,
        deadline=deadline,
        reason=reason,
        now=now,
    )


def suggest_rule(
    session: Session,
    *,
    study: Study,
    settings: DecisionSettings,
    asked_by: User,
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> Poll:
    """Ask the group to change how it decides (decided under the rule in force)."""
    reason = _clean(reason)
    return open_rule_poll(
        session,
        study=study,
        settings=settings,
        opened_by=asked_by,
        deadline=deadline,
        reason=reason,
        now=now,
    )


@dataclass(frozen=True)
class ChangelogLine:
    """One change a version brought, in plain words, with the decision behind it."""

    decision: Decision
    text: str  # "Added the question “How old are you?”"
    statement: str  # the outcome statement in the decision log
    direct_edit: bool  # changed by a facilitator without a poll
    first_draft_edit: bool = False  # changed directly by a member building the first draft

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
            first_draft_edit=decision.entry_kind == EntryKind.FIRST_DRAFT,
        )
        for decision in version_decisions(session, questionnaire=questionnaire, number=number)
        if decision.applied and not _is_publish(decision) and decision.change.get("kind")
    ]


# The PDF of a version's decisions ---------------------------------------------------------


class DecisionLogPdf(Base):
    """A published version's changelog and decision log as a PDF, made once and kept.

    A version's stretch of the log never changes once it is published (decisions are
    append-only and later ones belong to later versions), so the first PDF is the PDF.
    """

    __tablename__ = "decision_log_pdfs"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DecisionLogPdf of version {self.version_id}>"


def kept_decision_log_pdf(session: Session, *, version: QuestionnaireVersion) -> bytes | None:
    """Return the version's decision log PDF if it has been made before."""
    kept = session.get(DecisionLogPdf, version.id)
    return kept.pdf if kept is not None else None


def keep_decision_log_pdf(session: Session, *, version: QuestionnaireVersion, pdf: bytes) -> None:
    """Keep a version's decision log PDF (if two were made at once, the first one stays)."""
    try:
        with session.begin_nested():
            session.add(DecisionLogPdf(version_id=version.id, pdf=pdf))
    except IntegrityError:  # someone else kept theirs at the same moment: it is as good
        pass


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
    if kind == ChangeKind.SEVERAL:
        return "; ".join(describe_change(part, language) for part in change.get("changes", []))
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
