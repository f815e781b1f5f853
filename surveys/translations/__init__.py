"""Translations: a questionnaire's texts in its languages, and suggestions to change them.

- `texts.py`: which texts need translating, progress per language, adding and removing a
  language (the one check of a new language's code and name).
- `suggestions.py`: writing translation and languages suggestions (co-design proposals).
- `changes.py`: how those suggestions read, whether the draft moved on under them, and
  making them; `register_kinds` hands this to the co-design engine, which knows nothing of
  texts (called by the app factory).
- `forms.py`, `views.py` (routes on the questionnaire blueprint, attached by the app
  factory) and `pages.py` (how a translation suggestion reads on the suggestion page).

This package sits above `surveys.codesign` and `surveys.views` and reaches co-design only
through `surveys.codesign.services`; nothing below imports it.
"""

from surveys.translations.changes import register_kinds

__all__ = ["register_kinds"]
