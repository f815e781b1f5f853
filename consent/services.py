"""Consent's one door: what other packages (and consent's own pages) may use.

Other packages import consent only from here (or `consent.signals`); consent never imports
`surveys` or anything above it.
"""

from __future__ import annotations

from consent.codes import CODE_ALPHABET, normalise_code, reserve_codes
from consent.content import (
    ConsentContent,
    Statement,
    StatementPurpose,
    default_content,
    read_content,
)
from consent.details import check_signature
from consent.gate import ConsentGate, consent_problem
from consent.keys import (
    configured_key_dir,
    ensure_study_key,
    open_envelope,
    public_key_spki,
    seal,
    study_key,
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
from consent.records import (
    DetailsRefusedError,
    RevealedRecord,
    open_record_details,
    receive_consents,
    reveal_details,
)
from consent.register import (
    REGISTER_CSV_FIELDS,
    RegisterRow,
    declined_codes,
    participant_status,
    record_by_uuid,
    records_of,
    register_rows,
    tablet_bundle,
    withdrawal_of,
    withdrawn_codes,
)
from consent.schemas import (
    CODE_REGEX,
    CodeList,
    CodeRequest,
    ConsentBatch,
    ConsentBatchEnvelope,
    ConsentBundle,
    ConsentIn,
    ConsentOutcome,
    ConsentReceipt,
    ParticipantStatus,
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
from consent.withdrawals import withdraw, withdrawal_by_id

__all__ = [
    "CODE_ALPHABET",
    "CODE_REGEX",
    "REGISTER_CSV_FIELDS",
    "CodeList",
    "CodeRequest",
    "ConsentBatch",
    "ConsentBatchEnvelope",
    "ConsentBundle",
    "ConsentContent",
    "ConsentFormVersion",
    "ConsentGate",
    "ConsentIn",
    "ConsentMethod",
    "ConsentOutcome",
    "ConsentPicture",
    "ConsentReceipt",
    "ConsentRecord",
    "DetailsRefusedError",
    "ParticipantCode",
    "ParticipantStatus",
    "RegisterRow",
    "RevealedRecord",
    "Statement",
    "StatementPurpose",
    "StudyKey",
    "Withdrawal",
    "WithdrawalChoice",
    "check_signature",
    "configured_key_dir",
    "consent_problem",
    "current_version",
    "declined_codes",
    "default_content",
    "draft_of",
    "ensure_study_key",
    "normalise_code",
    "open_envelope",
    "open_record_details",
    "participant_status",
    "public_key_spki",
    "publish_draft",
    "published_version",
    "published_versions",
    "read_content",
    "receive_consents",
    "reconsent_floor",
    "record_by_uuid",
    "records_of",
    "register_rows",
    "reserve_codes",
    "reveal_details",
    "seal",
    "set_draft_content",
    "study_key",
    "tablet_bundle",
    "version_by_number",
    "withdraw",
    "withdrawal_by_id",
    "withdrawal_of",
    "withdrawn_codes",
]
