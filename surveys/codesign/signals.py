"""Every signal the co-design engine sends, with who sends it and who receives it.

Signals let the engine tell higher packages about events without importing them. Receivers
run inside the sender's transaction: they may add and flush, never commit. Every signal is
sent with the SQLAlchemy session as sender. Receivers are connected by the app factory
(`peer_research.create_app` calls `services.connect_receivers`), never by importing a module.
A signal nobody receives is removed.
"""

from blinker import Namespace

_signals = Namespace()

# A proposal was put before the group: `proposal=`.
# Sent by proposals.open_proposal (and create_proposal with open_now).
# Received by notices.on_proposal_opened (tells the group: a new suggestion).
proposal_opened = _signals.signal("proposal-opened")

# A poll closed and its decision is in the log, or a direct edit was logged: `decision=`.
# Sent by decisions.close_poll, decisions.cancel_polls_of and decision_log.apply_directly.
# Received by notices.on_decision_recorded (tells the group the outcome).
decision_recorded = _signals.signal("decision-recorded")

# A comment or reply was written: `comment=`.
# Sent by comments.post_comment and comments.reply_to_comment.
# Received by notices.on_comment_posted (tells the people in the conversation).
comment_posted = _signals.signal("comment-posted")
