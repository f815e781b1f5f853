"""What the consent package tells higher packages, which it never imports.

`participant_withdrawn`: sent by `consent.withdrawals.withdraw` inside the caller's
transaction, with `session`, `study_id`, `participant_code` and `choice` (a
`WithdrawalChoice`). Fielding receives it (connected by the app factory) to take the
participant's interviews out of analysis, or delete them when everything is removed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

participant_withdrawn = _signals.signal("participant-withdrawn")
