"""Finding proposals, and the draft items they are about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from surveys import definition as d
from surveys.codesign.models import LIVE_STATES, Proposal, ProposalTarget
from surveys.models import Questionnaire


def questionnaire_of(session: Session, proposal: Proposal) -> Questionnaire:
    """Return the questionnaire a proposal is about."""
    return session.get_one(Questionnaire, proposal.questionnaire_id)


def item_content(item: d.Item) -> dict[str, Any]:
    """Return an item's own content as JSON, without the items inside a section."""
    data = d.item_to_json(item)
    data.pop("items", None)
    return data


def proposals_of(
    session: Session, questionnaire: Questionnaire, *, live_only: bool = False
) -> list[Proposal]:
    """Return the proposals about a questionnaire (only live ones if asked), newest first,
    with their authors and targets loaded (lists show both)."""
    query = (
        sa.select(Proposal)
        .where(Proposal.questionnaire_id == questionnaire.id)
        .options(selectinload(Proposal.author), selectinload(Proposal.targets))
        .order_by(Proposal.id.desc())
    )
    if live_only:
        query = query.where(Proposal.state.in_(LIVE_STATES))
    return list(session.scalars(query))


def proposals_touching(
    session: Session, *, questionnaire: Questionnaire, name: str
) -> list[Proposal]:
    """Return the live proposals (draft, open, needing an update) about one item."""
    query = (
        sa.select(Proposal)
        .join(ProposalTarget, ProposalTarget.proposal_id == Proposal.id)
        .where(
            Proposal.questionnaire_id == questionnaire.id,
            ProposalTarget.name == name,
            Proposal.state.in_(LIVE_STATES),
        )
        .order_by(Proposal.id)
    )
    return list(session.scalars(query))


def live_proposals_about(
    session: Session,
    *,
    questionnaire: Questionnaire,
    names: Iterable[str],
    exclude: int | None = None,
) -> list[Proposal]:
    """Return the live proposals about any of the items (or targets), oldest first, once each."""
    found: dict[int, Proposal] = {}
    for name in sorted(set(names)):
        for other in proposals_touching(session, questionnaire=questionnaire, name=name):
            if other.id != exclude:
                found.setdefault(other.id, other)
    return [found[key] for key in sorted(found)]
