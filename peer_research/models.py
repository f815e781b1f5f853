"""Import every model of every domain so that the metadata knows all tables (for Alembic).

The one module that reaches up into the higher domains, by design.
"""

from consent.models import (
    ConsentFormVersion,
    ConsentPicture,
    ConsentRecord,
    ParticipantCode,
    StudyKey,
    Withdrawal,
)
from consent.wording.models import WordingSuggestion
from peer_research.accounts.models import PasswordReset, SignInFailure, SignInSession, User
from peer_research.audit.models import AuditEvent
from peer_research.notifications.models import Notification, NotificationChoice
from peer_research.studies.models import Invitation, Membership, MembershipRole, Study
from peer_research.wellbeing.services import (
    Alert,
    AlertNote,
    CheckIn,
    InterviewerLimit,
    SupportResource,
    WellbeingSettings,
)
from surveys.codesign.services import (
    AnonymousBallot,
    Comment,
    CommentReaction,
    Decision,
    DecisionLogPdf,
    DecisionRule,
    FirstDraftBuilder,
    Poll,
    PollVoter,
    Proposal,
    ProposalTarget,
    Vote,
)
from surveys.fielding.models import Answer, HeldSubmission, Interview
from surveys.models import DraftItem, JargonTerm, MediaFile, Questionnaire, QuestionnaireVersion

__all__ = [
    "Alert",
    "AlertNote",
    "AnonymousBallot",
    "Answer",
    "AuditEvent",
    "CheckIn",
    "Comment",
    "CommentReaction",
    "ConsentFormVersion",
    "ConsentPicture",
    "ConsentRecord",
    "Decision",
    "DecisionLogPdf",
    "DecisionRule",
    "DraftItem",
    "FirstDraftBuilder",
    "HeldSubmission",
    "Interview",
    "InterviewerLimit",
    "Invitation",
    "JargonTerm",
    "MediaFile",
    "Membership",
    "MembershipRole",
    "Notification",
    "NotificationChoice",
    "ParticipantCode",
    "PasswordReset",
    "Poll",
    "PollVoter",
    "Proposal",
    "ProposalTarget",
    "Questionnaire",
    "QuestionnaireVersion",
    "SignInFailure",
    "SignInSession",
    "Study",
    "StudyKey",
    "SupportResource",
    "User",
    "Vote",
    "WellbeingSettings",
    "Withdrawal",
    "WordingSuggestion",
]
