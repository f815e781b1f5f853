"""Consent's one door: what other packages (and consent's own pages) may use.

Other packages import consent only from here (or `consent.signals`); consent never imports
`surveys` or anything above it.
"""

from __future__ import annotations

from consent.content import (
    ConsentContent,
    Statement,
    StatementPurpose,
    default_content,
    read_content,
)
from consent.models import (
    ConsentFormVersion,
    ConsentMethod,
    ConsentPicture,
    ConsentRecord,
    ParticipantCode,
    StudyKey,
    Withdrawal,
    WithdrawalChoice,
)
from consent.versions import (
    current_version,
    draft_of,
    publish_draft,
    published_version,
    published_versions,
    reconsent_floor,
    set_draft_content,
    version_by_number,
)

__all__ = [
    "ConsentContent",
    "ConsentFormVersion",
    "ConsentMethod",
    "ConsentPicture",
    "ConsentRecord",
    "ParticipantCode",
    "Statement",
    "StatementPurpose",
    "StudyKey",
    "Withdrawal",
    "WithdrawalChoice",
    "current_version",
    "default_content",
    "draft_of",
    "publish_draft",
    "published_version",
    "published_versions",
    "read_content",
    "reconsent_floor",
    "set_draft_content",
    "version_by_number",
]
