"""Questionnaires: question model, logic language, co-design, XLSForm, fielding."""
