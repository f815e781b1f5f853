"""The one door to wellbeing: check-ins, alerts, settings, support, limits and figures.

Views, the sync API (fielding), the command line and the demo reach wellbeing only through
this module. Services take the session first and keyword arguments after it, flush but
never commit. Who may see what is checked here, not only by the routes: a refusal raises
`WellbeingRefusedError` (pages answer 404 or 403), wrong input `WellbeingInputError`
(a form error beside `field`); both are `DomainError`s and change nothing.
"""

from __future__ import annotations

from peer_research.wellbeing.aggregates import MIN_CHECK_INS, MonthFigures, monthly_summary
from peer_research.wellbeing.alerts import (
    CAUSE_WORDS,
    AlertView,
    acknowledge_alert,
    add_alert_note,
    alert_for,
    alerts_for,
    escalate_overdue_alerts,
    follow_up_alert,
    interview_stopped,
    new_alert_count,
    reach_out,
)
from peer_research.wellbeing.checkins import interviews_named, receive_check_ins
from peer_research.wellbeing.history import (
    FeelingPoint,
    add_to_note,
    check_ins_of_interviewer,
    feeling_over_time,
    my_check_ins,
    set_note_hidden,
)
from peer_research.wellbeing.models import (
    Alert,
    AlertCause,
    AlertNote,
    AlertState,
    CheckIn,
    CheckInKind,
    InterviewerLimit,
    SupportResource,
    WellbeingSettings,
)
from peer_research.wellbeing.people import (
    WellbeingInputError,
    WellbeingRefusedError,
    is_support_lead,
    roles_in,
)
from peer_research.wellbeing.questions import (
    FEELING,
    GET_IN_TOUCH,
    check_questions,
    default_questions,
)
from peer_research.wellbeing.schemas import (
    MAX_CHECK_INS_PER_BATCH,
    CheckInBatch,
    CheckInBatchEnvelope,
    CheckInOutcome,
    CheckInReceipt,
    ReachOutIn,
    ReachOutOut,
    WellbeingBundle,
)
from peer_research.wellbeing.settings import (
    add_support_resource,
    limit_for,
    over_limit,
    remove_support_resource,
    set_limit,
    settings_for,
    support_resources,
    tablet_bundle,
    update_settings,
    update_support_resource,
)

__all__ = [
    "CAUSE_WORDS",
    "FEELING",
    "GET_IN_TOUCH",
    "MAX_CHECK_INS_PER_BATCH",
    "MIN_CHECK_INS",
    "Alert",
    "AlertCause",
    "AlertNote",
    "AlertState",
    "AlertView",
    "CheckIn",
    "CheckInBatch",
    "CheckInBatchEnvelope",
    "CheckInKind",
    "CheckInOutcome",
    "CheckInReceipt",
    "FeelingPoint",
    "InterviewerLimit",
    "MonthFigures",
    "ReachOutIn",
    "ReachOutOut",
    "SupportResource",
    "WellbeingBundle",
    "WellbeingInputError",
    "WellbeingRefusedError",
    "WellbeingSettings",
    "acknowledge_alert",
    "add_alert_note",
    "add_support_resource",
    "add_to_note",
    "alert_for",
    "alerts_for",
    "check_ins_of_interviewer",
    "check_questions",
    "default_questions",
    "escalate_overdue_alerts",
    "feeling_over_time",
    "follow_up_alert",
    "interview_stopped",
    "interviews_named",
    "is_support_lead",
    "limit_for",
    "monthly_summary",
    "my_check_ins",
    "new_alert_count",
    "over_limit",
    "reach_out",
    "receive_check_ins",
    "remove_support_resource",
    "roles_in",
    "set_limit",
    "set_note_hidden",
    "settings_for",
    "support_resources",
    "tablet_bundle",
    "update_settings",
    "update_support_resource",
]
