"""Co-design: proposals, decision rules, polls, votes and the decision log of a questionnaire.

Other packages (and the views) use `surveys.codesign.services`; `rules` and `diff` are pure
functions that may be used directly.
"""
