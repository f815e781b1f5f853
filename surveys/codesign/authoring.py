"""What every kind of suggestion asks of its author: a reason, and their own draft to edit."""

from __future__ import annotations

from flask_babel import gettext as _

from peer_research.accounts.models import User
from peer_research.errors import DomainError
from surveys.codesign.models import Proposal, ProposalState


def clean_reason(reason: str) -> str:
    """Return the author's reason without surrounding space, or refuse an empty one."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say in your own words why you suggest this."), field="reason")
    return reason


def require_author(proposal: Proposal, user: User) -> None:
    """Refuse anyone but the person who suggested the change."""
    if proposal.author_id != user.id:
        raise DomainError(_("Only the person who suggested this change can do that."))


def require_editable(proposal: Proposal, editor: User) -> None:
    """Refuse someone else's suggestion, or one already put to the group or decided.

    A suggestion can be edited while it is a draft or after it was marked as needing an
    update (editing brings it back to draft).
    """
    require_author(proposal, editor)
    if proposal.state not in (ProposalState.DRAFT, ProposalState.NEEDS_UPDATE):
        proposal.back_to_draft()  # raises the plain message for an open or decided proposal
