"""Publishing the consent form's draft as a new version, when the group agrees.

As with a questionnaire, publishing is a decision: a member of the consent group asks, saying
why and whether people who consented on an earlier version must be asked again; the group
votes under the study's rule; an accepted poll publishes the draft in the same step. The
draft the group saw is the draft published: if it changed while they decided, nothing is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from consent.content import read_content
from consent.versions import current_version, draft_of, publish_draft
from consent.wording import hooks
from consent.wording.suggestions import (
    Settled,
    clean_reason,
    consent_group_ids,
    require_consent_group,
)
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Study


def fingerprint(content: dict[str, Any]) -> str:
    """Return the SHA-256 of a form's canonical JSON (the same wording, the same print)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def publishing_problem(session: Session, study: Study) -> str | None:
    """Say why the draft cannot be published now, or None when it can."""
    draft = draft_of(session, study)
    try:
        read_content(draft.content)
    except DomainError as error:
        return error.message
    latest = current_version(session, study.id)
    if latest is not None and latest.content == draft.content:
        return _("The draft is the same as version %(n)d: nothing to publish.", n=latest.number)
    return None


def ask_to_publish(
    session: Session,
    *,
    study: Study,
    asked_by: User,
    requires_reconsent: bool,
    reason: str | None,
    deadline: datetime,
    now: datetime | None = None,
) -> int:
    """Ask the group to publish the draft as it is now; return the poll's id."""
    require_consent_group(session, study=study, user=asked_by)
    reason = clean_reason(reason)
    problem = publishing_problem(session, study)
    if problem is not None:
        raise DomainError(problem)
    engine = hooks.group_decisions()
    if engine.open_publishing_poll(session, study=study) is not None:
        raise DomainError(_("The group is already deciding whether to publish the consent form."))
    draft = draft_of(session, study)
    first = current_version(session, study.id) is None
    return engine.open_poll(
        session,
        study=study,
        subject=hooks.PUBLISHING,
        details={
            "requires_reconsent": bool(requires_reconsent) and not first,
            "draft": fingerprint(draft.content),
        },
        reason=reason,
        opened_by=asked_by,
        voter_ids=consent_group_ids(session, study),
        deadline=deadline,
        now=now or utcnow(),
    )


def settle_publishing(
    session: Session, *, study_id: int, accepted: bool, details: dict[str, Any], asked_by_id: int
) -> Settled:
    """Publish the draft the group agreed on (the engine calls this as the poll closes)."""
    if not accepted:
        return Settled(False)
    study = session.get_one(Study, study_id)
    draft = draft_of(session, study)
    session.refresh(draft, with_for_update=True)  # no change may slip in while it is published
    if fingerprint(draft.content) != details.get("draft"):
        return Settled(
            False,
            _(
                "The draft changed while the group was deciding, so nothing was published. "
                "Ask the group again about the draft as it is now."
            ),
        )
    try:
        with session.begin_nested():
            version = publish_draft(
                session,
                study=study,
                by=session.get_one(User, asked_by_id),
                requires_reconsent=bool(details.get("requires_reconsent")),
            )
    except DomainError as error:
        return Settled(False, _("Nothing was published: %(problem)s", problem=error.message))
    note = _("Version %(n)d of the consent form was published.", n=version.number)
    if version.requires_reconsent:
        note += " " + _("Everyone who consented on an earlier version will be asked again.")
    return Settled(
        True,
        note,
        {"version": version.number, "requires_reconsent": version.requires_reconsent},
    )
