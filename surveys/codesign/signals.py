"""Signals the co-design services send, for reverse dependencies such as notifications.

Receivers run inside the sender's transaction: they may add and flush, never commit.
Every signal is sent with the SQLAlchemy session as sender.
"""

from blinker import Namespace

_signals = Namespace()

# A proposal was put before the group: `proposal=`.
proposal_opened = _signals.signal("proposal-opened")
# A poll opened (on a proposal, on publishing or on the rule): `poll=`.
poll_opened = _signals.signal("poll-opened")
# A poll closed and its decision is in the log, or a direct edit was logged: `decision=`.
decision_recorded = _signals.signal("decision-recorded")
# A comment or reply was written: `comment=`.
comment_posted = _signals.signal("comment-posted")
