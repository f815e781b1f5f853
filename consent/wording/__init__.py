"""How the group changes the study's consent form: suggestions, votes under the study's
decision rule, the decision log, translations, easy-read pictures and publishing.

Pages and the co-design engine use `consent.wording.services`; see `hooks.py` for how the
votes reach the engine without consent importing it.
"""
