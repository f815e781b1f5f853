"""Co-design: proposals, decision rules, polls, votes, comments and the decision log.

Other packages and the views use `surveys.codesign.services`, the engine's one door.
"""
