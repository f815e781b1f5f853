"""Import every model so that the metadata knows all tables (for Alembic and tests)."""

from peer_research.accounts.models import PasswordReset, SignInFailure, User
from peer_research.audit.models import AuditEvent
from peer_research.studies.models import Invitation, Membership, MembershipRole, Study

__all__ = [
    "AuditEvent",
    "Invitation",
    "Membership",
    "MembershipRole",
    "PasswordReset",
    "SignInFailure",
    "Study",
    "User",
]
